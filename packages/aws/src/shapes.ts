import { Gpu } from 'cdktf-ml-workspace/lib/core/gpu';
import { MachineShape } from 'cdktf-ml-workspace/lib/core/machine-shapes';

/** `<family>.<size>`: vCPUs, memory (GiB), GPUs. */
type Row = [size: string, vcpus: number, memoryGiB: number, gpus: number];

/** EC2 counts on-demand vCPUs per instance class group, not per family. */
const QUOTA: Record<string, string> = { m6i: 'Standard (A, C, D, H, I, M, R, T, Z)', g4dn: 'G and VT', g5: 'G and VT', g6: 'G and VT', p4d: 'P', p4de: 'P', p5: 'P' };

const family = (name: string, gpu: Gpu | undefined, rows: Row[]): MachineShape[] =>
  rows.map(([size, vcpus, memoryGiB, gpuCount]) => ({ type: `${name}.${size}`, family: name, quota: QUOTA[name], vcpus, memoryGiB, gpu: gpu?.name, gpuCount }));

/** The single-GPU sizes and the multi-GPU ones of g5 and g6, which share a layout. */
const G5_G6: Row[] = [
  ['xlarge', 4, 16, 1],
  ['2xlarge', 8, 32, 1],
  ['4xlarge', 16, 64, 1],
  ['8xlarge', 32, 128, 1],
  ['16xlarge', 64, 256, 1],
  ['12xlarge', 48, 192, 4],
  ['24xlarge', 96, 384, 4],
  ['48xlarge', 192, 768, 8],
];

/**
 * The EC2 instance types AWS fleets choose from, with vCPUs, memory (GiB) and GPUs, as the EC2
 * accelerated-computing instance pages list them. Quota is counted in vCPUs per family group.
 *
 * @internal
 */
export const AWS_SHAPES: readonly MachineShape[] = [
  ...family('m6i', undefined, [
    ['xlarge', 4, 16, 0],
    ['2xlarge', 8, 32, 0],
    ['4xlarge', 16, 64, 0],
    ['8xlarge', 32, 128, 0],
    ['12xlarge', 48, 192, 0],
    ['16xlarge', 64, 256, 0],
    ['24xlarge', 96, 384, 0],
  ]),
  ...family('g4dn', Gpu.NVIDIA_T4, [
    ['xlarge', 4, 16, 1],
    ['2xlarge', 8, 32, 1],
    ['4xlarge', 16, 64, 1],
    ['8xlarge', 32, 128, 1],
    ['16xlarge', 64, 256, 1],
    ['12xlarge', 48, 192, 4],
    ['metal', 96, 384, 8],
  ]),
  ...family('g5', Gpu.NVIDIA_A10G, G5_G6),
  ...family('g6', Gpu.NVIDIA_L4, G5_G6),
  ...family('p4d', Gpu.NVIDIA_A100_40GB, [['24xlarge', 96, 1152, 8]]),
  ...family('p4de', Gpu.NVIDIA_A100_80GB, [['24xlarge', 96, 1152, 8]]),
  ...family('p5', Gpu.NVIDIA_H100_80GB, [['48xlarge', 192, 2048, 8]]),
];
