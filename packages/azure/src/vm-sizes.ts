import { Gpu } from 'cdktf-ml-workspace/lib/core/gpu';
import { WorkspaceSize } from 'cdktf-ml-workspace/lib/core/size';

/** A VM size with its GPUs, as Azure names it. @internal */
export interface AzureVmSize {
  readonly vmSize: string;
  /** GPUs the size comes with (Azure sizes fix the count; nothing is attached separately). */
  readonly gpuCount: number;
}

/** A family's sizes; a size preset the family does not offer is absent. */
type Row = Partial<Record<WorkspaceSize, [vmSize: string, gpus: number]>>;

/** General purpose Dsv5: 4 GiB per vCPU, premium storage, encryption at host. */
const CPU_ONLY: Record<WorkspaceSize, [string, number]> = {
  [WorkspaceSize.SMALL]: ['Standard_D4s_v5', 0],
  [WorkspaceSize.MEDIUM]: ['Standard_D8s_v5', 0],
  [WorkspaceSize.LARGE]: ['Standard_D16s_v5', 0],
  [WorkspaceSize.XLARGE]: ['Standard_D32s_v5', 0],
};

/**
 * GPU models Azure offers, their VM family, and the size per preset. Azure sizes fix the GPU
 * count; a preset a family has no size for is left out (the validation names the sizes that
 * exist). Every size here supports premium SSDs and Generation 2 images.
 */
const GPU_ROWS: Record<string, { family: string; sizes: Row }> = {
  [Gpu.NVIDIA_T4.name]: {
    family: 'NCasT4_v3',
    sizes: {
      [WorkspaceSize.SMALL]: ['Standard_NC4as_T4_v3', 1],
      [WorkspaceSize.MEDIUM]: ['Standard_NC8as_T4_v3', 1],
      [WorkspaceSize.LARGE]: ['Standard_NC64as_T4_v3', 4],
    },
  },
  [Gpu.NVIDIA_A10.name]: {
    family: 'NVadsA10_v5',
    sizes: {
      [WorkspaceSize.SMALL]: ['Standard_NV36ads_A10_v5', 1],
      [WorkspaceSize.MEDIUM]: ['Standard_NV36adms_A10_v5', 1],
      [WorkspaceSize.LARGE]: ['Standard_NV72ads_A10_v5', 2],
    },
  },
  [Gpu.NVIDIA_A100_80GB.name]: {
    family: 'NC A100 v4',
    sizes: {
      [WorkspaceSize.SMALL]: ['Standard_NC24ads_A100_v4', 1],
      [WorkspaceSize.MEDIUM]: ['Standard_NC48ads_A100_v4', 2],
      [WorkspaceSize.LARGE]: ['Standard_NC96ads_A100_v4', 4],
    },
  },
  [Gpu.NVIDIA_H100_80GB.name]: {
    family: 'NCads H100 v5',
    sizes: {
      [WorkspaceSize.SMALL]: ['Standard_NC40ads_H100_v5', 1],
      [WorkspaceSize.MEDIUM]: ['Standard_NC80adis_H100_v5', 2],
    },
  },
};

/** What to use instead of a catalog GPU that Azure does not offer. */
const NEAREST: Record<string, Gpu[]> = {
  [Gpu.NVIDIA_A10G.name]: [Gpu.NVIDIA_A10],
  [Gpu.NVIDIA_L4.name]: [Gpu.NVIDIA_A10, Gpu.NVIDIA_T4],
  [Gpu.NVIDIA_A100_40GB.name]: [Gpu.NVIDIA_A100_80GB],
};

/** The GPU models Azure offers, as catalog constants. @internal */
export function azureGpus(): Gpu[] {
  return Gpu.CATALOG.filter((g) => g.name in GPU_ROWS);
}

/** The closest models Azure offers to one it does not. @internal */
export function azureNearestGpus(gpu: Gpu): Gpu[] {
  return NEAREST[gpu.name] ?? [];
}

/** The VM family that carries a GPU model, e.g. `NCasT4_v3`. @internal */
export function azureGpuFamily(gpu: Gpu): string | undefined {
  return GPU_ROWS[gpu.name]?.family;
}

/** Whether Azure offers a GPU model at all. @internal */
export function azureOffersGpu(gpu: Gpu): boolean {
  return gpu.name in GPU_ROWS;
}

/**
 * The VM size for a preset and GPU, or undefined when Azure does not offer that GPU, or offers
 * it in no size of that preset.
 *
 * @internal
 */
export function azureVmSize(size: WorkspaceSize, gpu: Gpu | undefined): AzureVmSize | undefined {
  if (!gpu) {
    const [vmSize, gpuCount] = CPU_ONLY[size];
    return { vmSize, gpuCount };
  }
  const entry = GPU_ROWS[gpu.name]?.sizes[size];
  if (!entry) return undefined;
  return { vmSize: entry[0], gpuCount: entry[1] };
}

/** The presets a GPU model is offered in, smallest first, with their sizes. @internal */
export function azureSizesFor(gpu: Gpu): Array<{ size: WorkspaceSize } & AzureVmSize> {
  const row = GPU_ROWS[gpu.name];
  if (!row) return [];
  return Object.values(WorkspaceSize)
    .filter((s) => row.sizes[s] !== undefined)
    .map((s) => ({ size: s, vmSize: row.sizes[s]![0], gpuCount: row.sizes[s]![1] }));
}

/** The part of a VM size name that says which GPU it has. */
const GPU_SIZE_MARKERS: Record<string, string> = {
  [Gpu.NVIDIA_T4.name]: '_T4_',
  [Gpu.NVIDIA_A10.name]: '_A10_',
  [Gpu.NVIDIA_A100_80GB.name]: '_A100_',
  [Gpu.NVIDIA_H100_80GB.name]: '_H100_',
};

/**
 * Why `vmSize` cannot carry `gpu`, or undefined when it can (or may: for a GPU outside the
 * catalog only the N-series is checked).
 *
 * @internal
 */
export function azureVmSizeGpuProblem(vmSize: string, gpu: Gpu): string | undefined {
  const marker = GPU_SIZE_MARKERS[gpu.name];
  if (marker) {
    if (vmSize.includes(marker)) return undefined;
    const example = azureSizesFor(gpu)[0].vmSize;
    return `has no ${gpu.toString()}: Azure has it in the ${GPU_ROWS[gpu.name].family} sizes; use one of those, e.g. '${example}', or leave out gpu for a workspace without one`;
  }
  if (/^Standard_N/.test(vmSize)) return undefined;
  return "has no GPU: Azure's GPU sizes are the N-series (Standard_NC..., Standard_ND..., Standard_NV...); use one of those, or leave out gpu for a workspace without one";
}
