import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { TerraformStack, Token } from 'cdktf';
import { ProviderDefaultKeys } from 'cdktf-ml-workspace/lib/clouds/common/tag-limits';

/**
 * Known keys of every unaliased google provider's `default_labels`, and the label it adds to
 * every resource (`goog-terraform-provisioned`) unless `add_terraform_attribution_label` is
 * false.
 *
 * @internal
 */
export function googleDefaultLabelKeys(stack: TerraformStack): ProviderDefaultKeys {
  const keys = new Set<string>();
  for (const p of stack.node.findAll().filter((c): c is GoogleProvider => c instanceof GoogleProvider)) {
    if (p.alias !== undefined) continue;
    const labels = p.defaultLabels;
    if (labels && !Token.isUnresolved(labels)) Object.keys(labels).forEach((k) => keys.add(k));
    if (p.addTerraformAttributionLabel !== false) keys.add(ATTRIBUTION_LABEL);
  }
  return { setting: 'default_labels', keys: [...keys].sort() };
}

/** The label the google provider (6.x) adds to every resource it creates. */
const ATTRIBUTION_LABEL = 'goog-terraform-provisioned';
