import { App, Aspects, IAspect, TerraformResource, TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { describe } from '../core/validation';
import { usageError } from '../core/errors';

/** One suppressed rule with the reason a reviewer will read. */
export interface PolicySuppression {
  /** The rule id, e.g. `MLW-NET1`. */
  readonly id: string;
  /** Why the finding is acceptable here; at least 10 characters. */
  readonly reason: string;
}

const METADATA_TYPE = 'ml-workspace:policy-suppression';

/**
 * Writes the suppressions that cover a resource into its `//` block at synthesis, so a resource
 * added under the construct after the suppression is recorded too.
 */
class SuppressionRecorder implements IAspect {
  public visit(node: IConstruct): void {
    if (node instanceof TerraformResource) {
      node.addOverride('//.ml_workspace_policy_suppressions', PolicySuppressions.of(node));
    }
  }
}
const RECORDER = new SuppressionRecorder();

/**
 * Per-resource suppressions of policy findings. They are recorded as construct metadata and,
 * on every resource they cover, in the synthesized JSON under
 * `"//": { "ml_workspace_policy_suppressions": [...] }` (Terraform ignores `//` keys), where a
 * reviewer reading `cdk.tf.json` sees them.
 */
export class PolicySuppressions {
  /** Suppresses rules on a construct (a resource, or a construct whose resources it covers). */
  public static add(construct: IConstruct, suppressions: PolicySuppression[]): void {
    if (!Construct.isConstruct(construct)) {
      throw usageError(`PolicySuppressions: construct ${describe(construct)} is not a construct; pass the resource or the construct that owns it`);
    }
    // A finding is suppressed where a reviewer can see why: never for a whole stack or app.
    if (construct instanceof TerraformStack || construct instanceof App || construct.node.scope === undefined) {
      throw usageError(
        `PolicySuppressions '${construct.node.path || '<app>'}': suppressions apply to a resource or to the construct that owns it (e.g. one GpuWorkspace), never to a whole stack or app`,
      );
    }
    if (!Array.isArray(suppressions)) {
      throw usageError(
        `PolicySuppressions '${construct.node.path}': suppressions ${describe(suppressions)} must be a list: [{ id: 'MLW-NET1', reason: '...' }]`,
      );
    }
    for (const s of suppressions) {
      if (typeof s !== 'object' || s === null || typeof s.id !== 'string' || typeof s.reason !== 'string') {
        throw usageError(
          `PolicySuppressions '${construct.node.path}': suppression ${describe(s)} must be an object with a string id and reason, e.g. { id: 'MLW-NET1', reason: 'public git mirror, reviewed by security' }`,
        );
      }
      if (!/^MLW-[A-Z]+[0-9]+$/.test(s.id)) {
        throw usageError(`PolicySuppressions '${construct.node.path}': id '${s.id}' is not a rule id; use one like 'MLW-NET1' (see RULES.md)`);
      }
      if ((s.reason ?? '').trim().length < 10) {
        throw usageError(
          `PolicySuppressions '${construct.node.path}': reason '${s.reason}' for ${s.id} is too short; explain in at least 10 characters why the finding is acceptable`,
        );
      }
      construct.node.addMetadata(METADATA_TYPE, { id: s.id, reason: s.reason.trim() });
    }
    if (!Aspects.of(construct).all.includes(RECORDER)) Aspects.of(construct).add(RECORDER);
  }

  /** The suppressions that apply to a construct: its own and its parents'. */
  public static of(construct: IConstruct): PolicySuppression[] {
    return construct.node.scopes.flatMap((scope) =>
      scope.node.metadata.filter((m) => m.type === METADATA_TYPE).map((m) => m.data as PolicySuppression),
    );
  }

  /** Whether a rule is suppressed on a construct or one of its parents. */
  public static isSuppressed(construct: IConstruct, id: string): boolean {
    return PolicySuppressions.of(construct).some((s) => s.id === id);
  }
}
