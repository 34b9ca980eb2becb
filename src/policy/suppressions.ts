import { IConstruct } from 'constructs';

/** One suppressed rule with the reason a reviewer will read. */
export interface PolicySuppression {
  /** The rule id, e.g. `MLW-NET1`. */
  readonly id: string;
  /** Why the finding is acceptable here; at least 10 characters. */
  readonly reason: string;
}

const METADATA_TYPE = 'ml-workspace:policy-suppression';

/**
 * Per-resource suppressions of policy findings. They are recorded as construct metadata, so
 * they appear in the synthesized JSON's `//` metadata where a reviewer can see them.
 */
export class PolicySuppressions {
  /** Suppresses rules on a construct (a resource, or a construct whose resources it covers). */
  public static add(construct: IConstruct, suppressions: PolicySuppression[]): void {
    for (const s of suppressions) {
      if (!/^MLW-[A-Z]+[0-9]+$/.test(s.id)) {
        throw new Error(`PolicySuppressions '${construct.node.path}': id '${s.id}' is not a rule id; use one like 'MLW-NET1' (see RULES.md)`);
      }
      if ((s.reason ?? '').trim().length < 10) {
        throw new Error(
          `PolicySuppressions '${construct.node.path}': reason '${s.reason}' for ${s.id} is too short; explain in at least 10 characters why the finding is acceptable`,
        );
      }
      construct.node.addMetadata(METADATA_TYPE, { id: s.id, reason: s.reason.trim() });
    }
  }

  /** Whether a rule is suppressed on a construct or one of its parents. */
  public static isSuppressed(construct: IConstruct, id: string): boolean {
    return construct.node.scopes.some((scope) =>
      scope.node.metadata.some((m) => m.type === METADATA_TYPE && (m.data as PolicySuppression).id === id),
    );
  }
}
