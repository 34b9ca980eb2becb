import { Gpu } from './gpu';
import { describe } from './validation';
import { usageError } from './errors';

/** The most GPUs one machine has on any cloud (GCP a2-megagpu-16g). */
const MAX_GPUS = 16;

/**
 * A GPU package: which model and how many, chosen independently of the CPU package, so a small
 * CPU with large GPUs is as valid as the reverse. The machine is the smallest of the cloud's
 * machine types with exactly that many GPUs of that model and at least the CPU package's vCPUs.
 */
export class GpuPackage {
  /** No GPU. */
  public static readonly NONE = new GpuPackage(undefined, 0);

  /**
   * `count` GPUs of a catalog model.
   * @param count 1–16, whole
   * @default count 1
   */
  public static of(gpu: Gpu, count: number = 1): GpuPackage {
    if (!(gpu instanceof Gpu) || !gpu.inCatalog) {
      throw usageError(`GpuPackage.of: gpu ${gpu instanceof Gpu ? gpu.toString() : describe(gpu)} must be a catalog GPU, e.g. Gpu.NVIDIA_L4 (packages choose among the machine types the library knows)`);
    }
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_GPUS) {
      throw usageError(`GpuPackage.of: count ${describe(count)} must be a whole number from 1 to ${MAX_GPUS}`);
    }
    return new GpuPackage(gpu, count);
  }

  private constructor(
    /** The model; undefined for {@link GpuPackage.NONE}. */
    public readonly gpu: Gpu | undefined,
    /** How many; 0 for {@link GpuPackage.NONE}. */
    public readonly count: number,
  ) {}

  /** `GpuPackage.of(Gpu.NVIDIA_L4, 2)` or `GpuPackage.NONE`. */
  public toString(): string {
    return this.gpu ? `GpuPackage.of(${this.gpu.toString()}, ${this.count})` : 'GpuPackage.NONE';
  }
}
