/**
 * Numeric props that end up in a NixOS option of the machine document. Each bound here is the
 * bound of the NixOS option's type in `nix/modules` (a test evaluates both sides and probes
 * the edges), so a value synthesis accepts is never one the machine's rebuild refuses.
 *
 * @internal
 */
export interface NixOptionBound {
  /** The construct prop, as validation messages name it. */
  readonly prop: string;
  /** The NixOS option it is rendered into. */
  readonly option: string;
  /** Smallest accepted value (inclusive). */
  readonly min: number;
  /** Largest accepted value (inclusive). */
  readonly max: number;
  /** Whether only whole numbers are accepted. */
  readonly integer: boolean;
  /** What the number means, for messages of non-integer bounds. */
  readonly meaning?: string;
  /** An example value for messages. */
  readonly example: number;
  /** What 0 means where the prop (not the option) takes it, e.g. `switches idle stop off`. */
  readonly zero?: string;
}

/** @internal */
export const IDLE_MINUTES: NixOptionBound = {
  prop: 'idleStopMinutes',
  option: 'mlWorkspace.idleStop.idleMinutes',
  min: 5,
  max: 1440,
  integer: true,
  example: 60,
  zero: 'switches idle stop off',
};

/** @internal */
export const IDLE_GPU_PERCENT: NixOptionBound = {
  prop: 'idleGpuUtilizationPercent',
  option: 'mlWorkspace.idleStop.gpuUtilizationPercent',
  min: 0,
  max: 100,
  integer: true,
  example: 5,
};

/** @internal */
export const IDLE_CPU_LOAD: NixOptionBound = {
  prop: 'idleCpuLoadPerCore',
  option: 'mlWorkspace.idleStop.cpuLoadPerCore',
  min: 0.01,
  max: 64,
  integer: false,
  meaning: 'load average per core',
  example: 0.3,
};

/** @internal */
export const MAX_RUNTIME_HOURS: NixOptionBound = {
  prop: 'maxRuntimeHours',
  option: 'mlWorkspace.idleStop.maxRuntimeHours',
  min: 1,
  max: 8760,
  integer: true,
  example: 24,
  zero: 'sets no limit',
};

/** Every numeric prop rendered into the machine document. @internal */
export const NIX_OPTION_BOUNDS: readonly NixOptionBound[] = [IDLE_MINUTES, IDLE_GPU_PERCENT, IDLE_CPU_LOAD, MAX_RUNTIME_HOURS];

/** Why `value` is outside `bound`, or undefined when it is inside. @internal */
export function boundProblem(bound: NixOptionBound, value: unknown): string | undefined {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!bound.integer || Number.isInteger(value)) &&
    value >= bound.min &&
    value <= bound.max;
  if (ok || (bound.zero !== undefined && value === 0)) return undefined;
  const range = bound.integer
    ? `must be a whole number from ${bound.min} to ${bound.max}`
    : `must be a number from ${bound.min} to ${bound.max} (${bound.meaning}), e.g. ${bound.example}`;
  return bound.zero ? `${range}, or 0, which ${bound.zero}` : range;
}
