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
}
