/** How serious a finding is. */
export enum PolicyLevel {
  /** Fails `cdktf synth` (reported with `Annotations.addError`). */
  ERROR = 'ERROR',
  /** Reported with `Annotations.addWarning`. */
  WARNING = 'WARNING',
}
