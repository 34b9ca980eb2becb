import { Gpu } from 'cdktf-ml-workspace/lib/core/gpu';
import { WorkspaceSize } from 'cdktf-ml-workspace/lib/core/size';

/** A machine type with its GPUs, as GCP names them. @internal */
export interface GcpMachine {
  readonly machineType: string;
  /** `guest_accelerator.type`, absent without a GPU. */
  readonly acceleratorType?: string;
  readonly acceleratorCount: number;
  /** Offered only with Spot (or flex-start) provisioning. */
  readonly spotOnly: boolean;
}

type Row = Record<WorkspaceSize, [machineType: string, gpus: number, spotOnly?: boolean]>;

const CPU_ONLY: Row = {
  [WorkspaceSize.SMALL]: ['n2-standard-4', 0],
  [WorkspaceSize.MEDIUM]: ['n2-standard-8', 0],
  [WorkspaceSize.LARGE]: ['n2-standard-16', 0],
  [WorkspaceSize.XLARGE]: ['n2-standard-32', 0],
};

/**
 * GPU models GCP offers, their accelerator type, and the machine type per size. N1 takes T4s
 * as attached accelerators; G2, A2 and A3 are accelerator-optimized families whose machine type
 * fixes the GPU count. a3-highgpu-1g/2g/4g exist only with Spot or flex-start provisioning.
 */
const GPU_ROWS: Record<string, { accelerator: string; sizes: Row }> = {
  [Gpu.NVIDIA_T4.name]: {
    accelerator: 'nvidia-tesla-t4',
    sizes: {
      [WorkspaceSize.SMALL]: ['n1-standard-4', 1],
      [WorkspaceSize.MEDIUM]: ['n1-standard-8', 1],
      [WorkspaceSize.LARGE]: ['n1-standard-16', 2],
      [WorkspaceSize.XLARGE]: ['n1-standard-32', 4],
    },
  },
  [Gpu.NVIDIA_L4.name]: {
    accelerator: 'nvidia-l4',
    sizes: {
      [WorkspaceSize.SMALL]: ['g2-standard-4', 1],
      [WorkspaceSize.MEDIUM]: ['g2-standard-8', 1],
      [WorkspaceSize.LARGE]: ['g2-standard-24', 2],
      [WorkspaceSize.XLARGE]: ['g2-standard-48', 4],
    },
  },
  [Gpu.NVIDIA_A100_40GB.name]: {
    accelerator: 'nvidia-tesla-a100',
    sizes: {
      [WorkspaceSize.SMALL]: ['a2-highgpu-1g', 1],
      [WorkspaceSize.MEDIUM]: ['a2-highgpu-2g', 2],
      [WorkspaceSize.LARGE]: ['a2-highgpu-4g', 4],
      [WorkspaceSize.XLARGE]: ['a2-highgpu-8g', 8],
    },
  },
  [Gpu.NVIDIA_A100_80GB.name]: {
    accelerator: 'nvidia-a100-80gb',
    sizes: {
      [WorkspaceSize.SMALL]: ['a2-ultragpu-1g', 1],
      [WorkspaceSize.MEDIUM]: ['a2-ultragpu-2g', 2],
      [WorkspaceSize.LARGE]: ['a2-ultragpu-4g', 4],
      [WorkspaceSize.XLARGE]: ['a2-ultragpu-8g', 8],
    },
  },
  [Gpu.NVIDIA_H100_80GB.name]: {
    accelerator: 'nvidia-h100-80gb',
    sizes: {
      [WorkspaceSize.SMALL]: ['a3-highgpu-1g', 1, true],
      [WorkspaceSize.MEDIUM]: ['a3-highgpu-2g', 2, true],
      [WorkspaceSize.LARGE]: ['a3-highgpu-4g', 4, true],
      [WorkspaceSize.XLARGE]: ['a3-highgpu-8g', 8],
    },
  },
};

/** The GPU models GCP offers, as catalog constants. @internal */
export function gcpGpus(): Gpu[] {
  return Gpu.CATALOG.filter((g) => g.name in GPU_ROWS);
}

/**
 * The machine for a size and GPU, or undefined when GCP does not offer that GPU.
 * @internal
 */
export function gcpMachine(size: WorkspaceSize, gpu: Gpu | undefined): GcpMachine | undefined {
  if (!gpu) {
    const [machineType] = CPU_ONLY[size];
    return { machineType, acceleratorCount: 0, spotOnly: false };
  }
  const row = GPU_ROWS[gpu.name];
  if (!row) return undefined;
  const [machineType, count, spotOnly] = row.sizes[size];
  return { machineType, acceleratorType: row.accelerator, acceleratorCount: count, spotOnly: spotOnly ?? false };
}

/** The smallest size at which a GPU model is offered without Spot. @internal */
export function gcpSmallestOnDemandSize(gpu: Gpu): WorkspaceSize | undefined {
  const row = GPU_ROWS[gpu.name];
  if (!row) return undefined;
  return (Object.keys(row.sizes) as WorkspaceSize[]).find((s) => !row.sizes[s][2]);
}

/** Machine families that take or carry NVIDIA GPUs. */
const GPU_MACHINE_FAMILIES = ['n1', 'g2', 'g4', 'a2', 'a3', 'a4'];

/** The machine-type prefixes that carry a catalog GPU. */
const GPU_MACHINE_PREFIXES: Record<string, string[]> = {
  [Gpu.NVIDIA_T4.name]: ['n1-'],
  [Gpu.NVIDIA_L4.name]: ['g2-'],
  [Gpu.NVIDIA_A100_40GB.name]: ['a2-highgpu-', 'a2-megagpu-'],
  [Gpu.NVIDIA_A100_80GB.name]: ['a2-ultragpu-'],
  [Gpu.NVIDIA_H100_80GB.name]: ['a3-highgpu-', 'a3-megagpu-', 'a3-edgegpu-'],
};

/**
 * Why `machineType` cannot take `gpu`, or undefined when it can (or may: for a GPU outside the
 * catalog only the family is checked).
 *
 * @internal
 */
export function gcpMachineTypeGpuProblem(machineType: string, gpu: Gpu): string | undefined {
  const prefixes = GPU_MACHINE_PREFIXES[gpu.name];
  if (prefixes) {
    if (prefixes.some((p) => machineType.startsWith(p))) return undefined;
    const example = GPU_ROWS[gpu.name].sizes[WorkspaceSize.SMALL][0];
    return `cannot have ${gpu.toString()}: GCP offers it on ${prefixes.map((p) => `${p}*`).join(', ')} machine types; use one of those, e.g. '${example}', or leave out gpu for a workspace without one`;
  }
  if (GPU_MACHINE_FAMILIES.includes(machineType.split('-')[0])) return undefined;
  return `cannot have a GPU: GCP attaches or builds in GPUs only on the ${GPU_MACHINE_FAMILIES.join(', ')} families; use one of those, or leave out gpu for a workspace without one`;
}
