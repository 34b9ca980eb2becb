import { CeCostAllocationTag } from '@cdktf/provider-aws/lib/ce-cost-allocation-tag';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Construct } from 'constructs';
import { ensureProvider } from 'cdktf-ml-workspace/lib/clouds/common/providers';
import { requireShapes } from 'cdktf-ml-workspace/lib/core/shapes';
import { invalid } from 'cdktf-ml-workspace/lib/core/validation';
import { VIEW_LABEL_KEYS } from 'cdktf-ml-workspace/lib/clouds/common/roles/usage';
import { AwsTarget } from './target';

/** Properties of {@link UsageCostAllocationTags}. */
export interface UsageCostAllocationTagsProps {
  /** The payer (management) account's target; only its region is used, for the provider. */
  readonly target: AwsTarget;
  /**
   * Tag keys to activate besides the library's (`ml-workspace`, `owner`, `workspace`,
   * `cost-center`, `cost-scope`), e.g. a team tag of your own. At most 20, each 1–128 characters.
   * @default - the library's keys only
   */
  readonly extraTagKeys?: string[];
}

/**
 * Activates the library's tags as cost allocation tags, which the usage views and the owners'
 * budgets read on AWS. Kept apart from `UsageExporter` because AWS allows it only:
 *
 * - in the payer (management) account of an organization, or a standalone account; and
 * - once each tag has appeared in the billing data, up to a day after the first tagged resource
 *   ran. Before that, the apply fails with the tag not found.
 *
 * So it is applied in two phases: first the workspaces and the exporter; a day later, in the
 * payer account's stack, this construct.
 *
 * ```ts
 * new UsageCostAllocationTags(payerStack, 'tags', { target: AwsTarget.of({ region: 'us-east-1' }) });
 * ```
 */
export class UsageCostAllocationTags extends Construct {
  /** The tag keys it activates. */
  public readonly tagKeys: string[];
  /** The activations, by tag key. */
  public readonly activations: { [key: string]: CeCostAllocationTag } = {};

  constructor(scope: Construct, id: string, props: UsageCostAllocationTagsProps) {
    super(scope, id);
    const kind = 'UsageCostAllocationTags';
    requireShapes(`${kind} '${id}'`, props, '{ target, extraTagKeys? }', { target: { instanceOf: AwsTarget, example: "AwsTarget.of({ region: 'us-east-1' })" }, extraTagKeys: 'string[]' }, ['target']);
    const extra = props.extraTagKeys ?? [];
    if (extra.length > 20) throw invalid(this, kind, 'extraTagKeys', extra, 'lists more than 20 keys; activate the others in Billing > Cost allocation tags');
    for (const key of extra) {
      if (key.length < 1 || key.length > 128 || /^aws:/i.test(key) || !/^[\p{L}\p{N} _.:/=+\-@]+$/u.test(key)) {
        throw invalid(this, kind, 'extraTagKeys', key, 'is not a user tag key; use 1–128 letters, digits, spaces and _ . : / = + - @, not starting with aws:');
      }
    }
    this.tagKeys = [...new Set([...VIEW_LABEL_KEYS, ...extra])];
    const region = props.target.options.region;
    ensureProvider(this, 'aws', (stack) => new AwsProvider(stack, 'ml-workspace-aws', { region }));
    this.tagKeys.forEach((tagKey, i) => {
      this.activations[tagKey] = new CeCostAllocationTag(this, `Tag${i}`, { tagKey, status: 'Active' });
    });
  }
}
