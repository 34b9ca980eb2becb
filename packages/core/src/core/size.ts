/**
 * Size presets. Each cloud maps a preset (with or without a GPU) to a machine type; with a GPU
 * the preset also sets the GPU count: SMALL and MEDIUM 1 (2 for A100/H100 MEDIUM), LARGE 2 to 4,
 * XLARGE 4 to 8. The README's size table lists every mapping.
 */
export enum WorkspaceSize {
  /** About 4 vCPUs, 16 GB memory; one GPU. */
  SMALL = 'SMALL',
  /** About 8 vCPUs, 32 GB memory; one GPU (two for A100/H100). */
  MEDIUM = 'MEDIUM',
  /** About 16–24 vCPUs, 64–96 GB memory; two to four GPUs. */
  LARGE = 'LARGE',
  /** 32 vCPUs and more; four to eight GPUs. */
  XLARGE = 'XLARGE',
}
