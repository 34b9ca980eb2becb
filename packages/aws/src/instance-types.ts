import { Gpu } from 'cdktf-ml-workspace/lib/core/gpu';
import { WorkspaceSize } from 'cdktf-ml-workspace/lib/core/size';

/** An EC2 instance type and the NVIDIA GPUs it carries. @internal */
export interface AwsInstance {
  readonly instanceType: string;
  readonly gpuCount: number;
}

type Row = Partial<Record<WorkspaceSize, [instanceType: string, gpus: number]>>;

const CPU_ONLY: Row = {
  [WorkspaceSize.SMALL]: ['m6i.xlarge', 0],
  [WorkspaceSize.MEDIUM]: ['m6i.2xlarge', 0],
  [WorkspaceSize.LARGE]: ['m6i.4xlarge', 0],
  [WorkspaceSize.XLARGE]: ['m6i.8xlarge', 0],
};

/**
 * GPU models AWS offers and the instance type per size. The accelerated families fix the GPU
 * count per instance type; p4d, p4de and p5 exist only as 8-GPU instances, so they have only an
 * XLARGE preset.
 */
const GPU_ROWS: Record<string, { family: string; sizes: Row }> = {
  [Gpu.NVIDIA_T4.name]: {
    family: 'g4dn',
    sizes: {
      [WorkspaceSize.SMALL]: ['g4dn.xlarge', 1],
      [WorkspaceSize.MEDIUM]: ['g4dn.2xlarge', 1],
      [WorkspaceSize.LARGE]: ['g4dn.12xlarge', 4],
      [WorkspaceSize.XLARGE]: ['g4dn.metal', 8],
    },
  },
  [Gpu.NVIDIA_A10G.name]: {
    family: 'g5',
    sizes: {
      [WorkspaceSize.SMALL]: ['g5.xlarge', 1],
      [WorkspaceSize.MEDIUM]: ['g5.2xlarge', 1],
      [WorkspaceSize.LARGE]: ['g5.12xlarge', 4],
      [WorkspaceSize.XLARGE]: ['g5.48xlarge', 8],
    },
  },
  [Gpu.NVIDIA_L4.name]: {
    family: 'g6',
    sizes: {
      [WorkspaceSize.SMALL]: ['g6.xlarge', 1],
      [WorkspaceSize.MEDIUM]: ['g6.2xlarge', 1],
      [WorkspaceSize.LARGE]: ['g6.12xlarge', 4],
      [WorkspaceSize.XLARGE]: ['g6.48xlarge', 8],
    },
  },
  [Gpu.NVIDIA_A100_40GB.name]: { family: 'p4d', sizes: { [WorkspaceSize.XLARGE]: ['p4d.24xlarge', 8] } },
  [Gpu.NVIDIA_A100_80GB.name]: { family: 'p4de', sizes: { [WorkspaceSize.XLARGE]: ['p4de.24xlarge', 8] } },
  [Gpu.NVIDIA_H100_80GB.name]: { family: 'p5', sizes: { [WorkspaceSize.XLARGE]: ['p5.48xlarge', 8] } },
};

/** The instance for a size and GPU; undefined when AWS has no such combination. @internal */
export function awsInstance(size: WorkspaceSize, gpu?: Gpu): AwsInstance | undefined {
  const row = gpu ? GPU_ROWS[gpu.name]?.sizes : CPU_ONLY;
  const entry = row?.[size];
  return entry ? { instanceType: entry[0], gpuCount: entry[1] } : undefined;
}

/** The catalog GPUs AWS offers. @internal */
export function awsGpus(): Gpu[] {
  return Gpu.CATALOG.filter((g) => g.name in GPU_ROWS);
}

/** The sizes AWS offers for a catalog GPU it has. @internal */
export function awsSizes(gpu: Gpu): WorkspaceSize[] {
  return Object.keys(GPU_ROWS[gpu.name]?.sizes ?? {}) as WorkspaceSize[];
}

/** The instance family of a catalog GPU on AWS, e.g. `g6`. @internal */
export function awsFamily(gpu: Gpu): string | undefined {
  return GPU_ROWS[gpu.name]?.family;
}

/** EC2 families with NVIDIA GPUs (x86_64; g4ad has AMD GPUs, g5g Arm CPUs). */
const NVIDIA_FAMILIES = ['g4dn', 'g5', 'g6', 'g6e', 'g6f', 'gr6', 'gr6f', 'p3', 'p3dn', 'p4d', 'p4de', 'p5', 'p5e', 'p5en'];

/** The families that carry a catalog GPU, where the catalog family has siblings. */
const GPU_FAMILIES: Record<string, string[]> = {
  [Gpu.NVIDIA_L4.name]: ['g6', 'g6f', 'gr6', 'gr6f'],
};

/**
 * Why `instanceType` cannot carry `gpu`, or undefined when it can (or may: the family of a GPU
 * outside the catalog is only checked for having NVIDIA GPUs at all).
 *
 * @internal
 */
export function awsInstanceTypeGpuProblem(instanceType: string, gpu: Gpu): string | undefined {
  const family = instanceType.split('.')[0];
  if (gpu.inCatalog && GPU_ROWS[gpu.name]) {
    const families = GPU_FAMILIES[gpu.name] ?? [GPU_ROWS[gpu.name].family];
    if (families.includes(family)) return undefined;
    const example = Object.values(GPU_ROWS[gpu.name].sizes)[0]![0];
    return `has no ${gpu.toString()}: AWS has it in the ${families.join(', ')} families; use one of those, e.g. '${example}', or leave out gpu for a workspace without one`;
  }
  if (NVIDIA_FAMILIES.includes(family)) return undefined;
  return `has no NVIDIA GPU; AWS has them in the ${NVIDIA_FAMILIES.join(', ')} families; use one of those, or leave out gpu for a workspace without one`;
}
