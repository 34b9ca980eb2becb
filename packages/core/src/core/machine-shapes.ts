import { GpuPackage } from './packages';
import { WorkspaceSize } from './size';

/** The fewest vCPUs a CPU package (a size preset) gets. @internal */
export const PACKAGE_VCPUS: Record<WorkspaceSize, number> = {
  [WorkspaceSize.SMALL]: 4,
  [WorkspaceSize.MEDIUM]: 8,
  [WorkspaceSize.LARGE]: 16,
  [WorkspaceSize.XLARGE]: 32,
};

/** A machine type with what quota counts: vCPUs and GPUs, by family. @internal */
export interface MachineShape {
  readonly type: string;
  /** The machine family: GCP machine series, EC2 instance family, Azure VM family. */
  readonly family: string;
  /** The quota its vCPUs count against, when not the family's own (EC2's instance class groups). */
  readonly quota?: string;
  readonly vcpus: number;
  readonly memoryGiB: number;
  /** The catalog GPU's name, absent without one. */
  readonly gpu?: string;
  readonly gpuCount: number;
  /** Offered only with Spot provisioning. */
  readonly spotOnly?: boolean;
}

/**
 * The smallest machine with exactly the package's GPUs and at least the CPU package's vCPUs
 * (fewest vCPUs, then least memory), or a problem naming what exists.
 *
 * @internal
 */
export function pickShape(
  shapes: readonly MachineShape[],
  cloudName: string,
  cpu: WorkspaceSize,
  gpus: GpuPackage,
  spot: boolean,
): { readonly shape: MachineShape } | { readonly problem: string } {
  const minVcpus = PACKAGE_VCPUS[cpu];
  const model = gpus.gpu?.name;
  const sameGpu = shapes.filter((s) => s.gpu === model && (spot || !s.spotOnly));
  if (sameGpu.length === 0) {
    return { problem: `is not offered on ${cloudName}; the library's ${cloudName} machines have ${[...new Set(shapes.filter((s) => s.gpu).map((s) => s.gpu))].join(', ')}` };
  }
  const fits = sameGpu
    .filter((s) => s.gpuCount === gpus.count && s.vcpus >= minVcpus)
    .sort((a, b) => a.vcpus - b.vcpus || a.memoryGiB - b.memoryGiB);
  if (fits.length > 0) return { shape: fits[0] };
  const offered = [...new Set(sameGpu.map((s) => s.gpuCount))].sort((a, b) => a - b);
  const withCount = sameGpu.filter((s) => s.gpuCount === gpus.count);
  if (withCount.length === 0) {
    const spotShape = spot ? undefined : shapes.find((s) => s.gpu === model && s.gpuCount === gpus.count && s.spotOnly);
    const spotHint = spotShape ? ` (${spotShape.type} has ${gpus.count}, with spot: true only)` : '';
    return {
      problem: `has no ${cloudName} machine with ${gpus.count} such GPU${gpus.count === 1 ? '' : 's'}${spotHint}; machines there have ${offered.join(', ')}`,
    };
  }
  const most = withCount.reduce((a, b) => (b.vcpus > a.vcpus ? b : a));
  return {
    problem: `with CPU package ${cpu} (at least ${minVcpus} vCPUs) has no ${cloudName} machine: the largest with ${gpus.count} such GPU${gpus.count === 1 ? '' : 's'} is ${most.type} (${most.vcpus} vCPUs); choose a smaller CPU package or more GPUs`,
  };
}
