import { Gpu } from 'cdktf-ml-workspace/lib/core/gpu';
import { MachineShape } from 'cdktf-ml-workspace/lib/core/machine-shapes';

const size = (type: string, family: string, vcpus: number, memoryGiB: number, gpu?: Gpu, gpuCount = 0): MachineShape => ({
  type,
  family,
  vcpus,
  memoryGiB,
  gpu: gpu?.name,
  gpuCount,
});

/**
 * The VM sizes Azure fleets choose from, with vCPUs, memory (GiB) and GPUs, as the Azure VM
 * size pages list them; the family is the one vCPU quota is counted in.
 *
 * @internal
 */
export const AZURE_SHAPES: readonly MachineShape[] = [
  ...[4, 8, 16, 32, 48, 64, 96].map((v) => size(`Standard_D${v}s_v5`, 'DSv5', v, v * 4)),
  size('Standard_NC4as_T4_v3', 'NCASv3_T4', 4, 28, Gpu.NVIDIA_T4, 1),
  size('Standard_NC8as_T4_v3', 'NCASv3_T4', 8, 56, Gpu.NVIDIA_T4, 1),
  size('Standard_NC16as_T4_v3', 'NCASv3_T4', 16, 110, Gpu.NVIDIA_T4, 1),
  size('Standard_NC64as_T4_v3', 'NCASv3_T4', 64, 440, Gpu.NVIDIA_T4, 4),
  size('Standard_NV36ads_A10_v5', 'NVADSA10v5', 36, 440, Gpu.NVIDIA_A10, 1),
  size('Standard_NV36adms_A10_v5', 'NVADSA10v5', 36, 880, Gpu.NVIDIA_A10, 1),
  size('Standard_NV72ads_A10_v5', 'NVADSA10v5', 72, 880, Gpu.NVIDIA_A10, 2),
  size('Standard_NC24ads_A100_v4', 'NCADS_A100_v4', 24, 220, Gpu.NVIDIA_A100_80GB, 1),
  size('Standard_NC48ads_A100_v4', 'NCADS_A100_v4', 48, 440, Gpu.NVIDIA_A100_80GB, 2),
  size('Standard_NC96ads_A100_v4', 'NCADS_A100_v4', 96, 880, Gpu.NVIDIA_A100_80GB, 4),
  size('Standard_NC40ads_H100_v5', 'NCadsH100v5', 40, 320, Gpu.NVIDIA_H100_80GB, 1),
  size('Standard_NC80adis_H100_v5', 'NCadsH100v5', 80, 640, Gpu.NVIDIA_H100_80GB, 2),
];
