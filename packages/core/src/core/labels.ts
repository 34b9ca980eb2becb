/** Label keys the library sets on every billable resource. */
export enum LabelKey {
  /** Marks resources made by this library; value `true`. */
  ML_WORKSPACE = 'ml-workspace',
  /** The workspace name. */
  WORKSPACE = 'workspace',
  /** The owner, derived from the owner's email. */
  OWNER = 'owner',
  /** The cost center. */
  COST_CENTER = 'cost-center',
  /**
   * On the VM only: the nixpkgs revision its machine document pins, so operators can see which
   * machines are behind (a label change is made in place).
   */
  NIXPKGS = 'ml-workspace-nixpkgs',
}
