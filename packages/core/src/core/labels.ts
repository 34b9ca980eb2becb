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
   * `workspace` on one person's resources, `shared` on what many share (a network's NAT,
   * endpoints and Bastion, a fleet's or exporter's own storage): the usage views split shared
   * cost between owners by this label.
   */
  COST_SCOPE = 'cost-scope',
  /**
   * On the VM only: the nixpkgs revision its machine document pins, so operators can see which
   * machines are behind (a label change is made in place).
   */
  NIXPKGS = 'ml-workspace-nixpkgs',
}
