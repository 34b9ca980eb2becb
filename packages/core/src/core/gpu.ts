import { Token } from 'cdktf';
import { describe } from './validation';
import { usageError } from './errors';

/**
 * An NVIDIA GPU model. Use a catalog entry (`Gpu.NVIDIA_L4`); `Gpu.of(...)` names a model the
 * catalog does not know yet, which then needs an explicit machine type on the target.
 */
export class Gpu {
  /** NVIDIA T4 (16 GB), Turing. GCP n1 + nvidia-tesla-t4, AWS g4dn, Azure NCasT4_v3. */
  public static readonly NVIDIA_T4 = new Gpu('nvidia-t4', 16, true);
  /** NVIDIA L4 (24 GB), Ada Lovelace. GCP g2, AWS g6. */
  public static readonly NVIDIA_L4 = new Gpu('nvidia-l4', 24, true);
  /** NVIDIA A10G (24 GB), Ampere. AWS g5 only. */
  public static readonly NVIDIA_A10G = new Gpu('nvidia-a10g', 24, true);
  /** NVIDIA A10 (24 GB), Ampere. Azure NVadsA10_v5 only. */
  public static readonly NVIDIA_A10 = new Gpu('nvidia-a10', 24, true);
  /** NVIDIA A100 (40 GB), Ampere. GCP a2-highgpu, AWS p4d. */
  public static readonly NVIDIA_A100_40GB = new Gpu('nvidia-a100-40gb', 40, true);
  /** NVIDIA A100 (80 GB), Ampere. GCP a2-ultragpu, AWS p4de, Azure NC A100 v4. */
  public static readonly NVIDIA_A100_80GB = new Gpu('nvidia-a100-80gb', 80, true);
  /** NVIDIA H100 (80 GB), Hopper. GCP a3-highgpu, AWS p5, Azure NCads H100 v5. */
  public static readonly NVIDIA_H100_80GB = new Gpu('nvidia-h100-80gb', 80, true);

  /** Every model in the catalog. */
  public static readonly CATALOG: Gpu[] = [
    Gpu.NVIDIA_T4,
    Gpu.NVIDIA_L4,
    Gpu.NVIDIA_A10G,
    Gpu.NVIDIA_A10,
    Gpu.NVIDIA_A100_40GB,
    Gpu.NVIDIA_A100_80GB,
    Gpu.NVIDIA_H100_80GB,
  ];

  /**
   * A GPU model outside the catalog, named as the cloud names its accelerator type
   * (on GCP, e.g. `nvidia-h200-141gb`). The target must then give `machineType`.
   */
  public static of(name: string): Gpu {
    if (typeof name !== 'string' || (!Token.isUnresolved(name) && !/^[a-z0-9][a-z0-9-]{1,62}$/.test(name))) {
      throw usageError(
        `Gpu.of: name ${describe(name)} is not a GPU model name; give the cloud's accelerator type in lowercase letters, digits and '-', e.g. 'nvidia-h200-141gb'`,
      );
    }
    const known = Gpu.CATALOG.find((g) => g.name === name);
    return known ?? new Gpu(name, 0, false);
  }

  private constructor(
    /** The model's name, e.g. `nvidia-l4`. */
    public readonly name: string,
    /** Memory per GPU in GB, 0 when not in the catalog. */
    public readonly memoryGb: number,
    /** Whether the model is in the library's catalog. */
    public readonly inCatalog: boolean,
  ) {}

  /** The catalog constant's name (`NVIDIA_L4`), or `Gpu.of('<name>')` for other models. */
  public toString(): string {
    const key = Object.entries(Gpu).find(([, v]) => v === this)?.[0];
    return key ? `Gpu.${key}` : `Gpu.of('${this.name}')`;
  }
}
