import { Gpu } from 'cdktf-ml-workspace/lib/core/gpu';
import { MachineShape } from 'cdktf-ml-workspace/lib/core/machine-shapes';

const shape = (type: string, vcpus: number, memoryGiB: number, gpu?: Gpu, gpuCount = 0, spotOnly = false): MachineShape => ({
  type,
  family: type.split('-')[0],
  vcpus,
  memoryGiB,
  gpu: gpu?.name,
  gpuCount,
  spotOnly,
});

/** N1 takes 1 or 2 T4s up to 48 vCPUs and 4 up to 96. */
const n1 = (vcpus: number) =>
  [1, 2, 4].filter((count) => vcpus <= (count === 4 ? 96 : 48)).map((count) => shape(`n1-standard-${vcpus}`, vcpus, vcpus * 3.75, Gpu.NVIDIA_T4, count));

/**
 * The machine types GCP fleets choose from, with vCPUs, memory (GiB) and GPUs, as Google's
 * machine-family documentation lists them. N2 carries no GPU; N1 takes T4s as attached
 * accelerators; G2, A2 and A3 fix the GPU count per type (a3-highgpu-1g/2g/4g: Spot only).
 *
 * @internal
 */
export const GCP_SHAPES: readonly MachineShape[] = [
  ...[4, 8, 16, 32, 48, 64, 96].map((v) => shape(`n2-standard-${v}`, v, v * 4)),
  ...[4, 8, 16, 32, 64, 96].flatMap(n1),
  ...[
    [4, 16, 1],
    [8, 32, 1],
    [12, 48, 1],
    [16, 64, 1],
    [32, 128, 1],
    [24, 96, 2],
    [48, 192, 4],
    [96, 384, 8],
  ].map(([v, m, g]) => shape(`g2-standard-${v}`, v, m, Gpu.NVIDIA_L4, g)),
  ...[1, 2, 4, 8].map((g) => shape(`a2-highgpu-${g}g`, 12 * g, 85 * g, Gpu.NVIDIA_A100_40GB, g)),
  shape('a2-megagpu-16g', 96, 1360, Gpu.NVIDIA_A100_40GB, 16),
  ...[1, 2, 4, 8].map((g) => shape(`a2-ultragpu-${g}g`, 12 * g, 170 * g, Gpu.NVIDIA_A100_80GB, g)),
  ...[1, 2, 4, 8].map((g) => shape(`a3-highgpu-${g}g`, 26 * g, 234 * g, Gpu.NVIDIA_H100_80GB, g, g < 8)),
];
