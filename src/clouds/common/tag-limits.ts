import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';

/**
 * Checks at synthesis, when every provider of the stack exists, that the provider's default
 * tags (AWS `default_tags`) or labels (google `default_labels`) still fit beside the
 * workspace's own on every resource: the cloud counts them against the same limit.
 * `resourceKeys` is the largest key set one of the workspace's resources carries.
 *
 * @internal
 */
export function validateProviderTags(scope: Construct, kind: string, cloud: 'AWS' | 'GCP', limit: number, resourceKeys: string[]): void {
  scope.node.addValidation({
    validate: () => {
      const { setting, keys } = defaultKeys(TerraformStack.of(scope), cloud);
      const added = keys.filter((k) => !resourceKeys.includes(k));
      if (resourceKeys.length + added.length <= limit) return [];
      return [
        `${kind} '${scope.node.id}': labels '${resourceKeys.length} keys' with the provider's ${setting} (${added.length} more: ${added.join(', ')}) are too many; a resource takes at most ${limit} on ${cloud}; remove ${resourceKeys.length + added.length - limit} user labels or ${setting} entries${cloud === 'GCP' ? ' (or set the provider\'s addTerraformAttributionLabel to false)' : ''}`,
      ];
    },
  });
}

/** Per stack, computed at the first validation (construction is over by then). */
const DEFAULT_KEYS = new WeakMap<TerraformStack, Map<string, { setting: string; keys: string[] }>>();

function defaultKeys(stack: TerraformStack, cloud: 'AWS' | 'GCP'): { setting: string; keys: string[] } {
  let byCloud = DEFAULT_KEYS.get(stack);
  if (!byCloud) {
    byCloud = new Map();
    DEFAULT_KEYS.set(stack, byCloud);
  }
  let found = byCloud.get(cloud);
  if (!found) {
    found = cloud === 'AWS' ? awsDefaultTagKeys(stack) : googleDefaultLabelKeys(stack);
    byCloud.set(cloud, found);
  }
  return found;
}

/** Known keys of every unaliased AWS provider's `default_tags` (the one the workspace uses). */
function awsDefaultTagKeys(stack: TerraformStack): { setting: string; keys: string[] } {
  const keys = new Set<string>();
  for (const p of stack.node.findAll().filter((c): c is AwsProvider => c instanceof AwsProvider)) {
    if (p.alias !== undefined) continue;
    const blocks = p.defaultTags;
    if (!Array.isArray(blocks)) continue;
    for (const block of blocks) {
      if (block?.tags && !Token.isUnresolved(block.tags)) Object.keys(block.tags).forEach((k) => keys.add(k));
    }
  }
  return { setting: 'default_tags', keys: [...keys].sort() };
}

/**
 * Known keys of every unaliased google provider's `default_labels`, and the label it adds to
 * every resource (`goog-terraform-provisioned`) unless `add_terraform_attribution_label` is
 * false.
 */
function googleDefaultLabelKeys(stack: TerraformStack): { setting: string; keys: string[] } {
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
