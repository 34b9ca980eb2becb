/**
 * A shared network with every default filled in and every value validated: what a cloud
 * builder turns into resources.
 *
 * @internal
 */
export interface NetworkSpec {
  /** The construct kind that made it, as messages name it (`WorkspaceNetwork`). */
  readonly kind: string;
  /** The prefix of every resource name. */
  readonly name: string;
  /** Final labels: user labels plus the library's own. */
  readonly labels: Record<string, string>;
}
