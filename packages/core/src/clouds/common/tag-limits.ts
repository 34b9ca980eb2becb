import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';

/**
 * Checks at synthesis, when every provider of the stack exists, that the provider's default
 * tags (AWS `default_tags`) or labels (google `default_labels`) still fit beside the
 * workspace's own on every resource: the cloud counts them against the same limit.
 * `resourceKeys` is the largest key set one of the workspace's resources carries; `readDefaults`
 * reads the cloud's provider settings from the stack (once per stack and cloud).
 *
 * @internal
 */
export function validateProviderTags(
  scope: Construct,
  kind: string,
  cloud: 'AWS' | 'GCP',
  limit: number,
  resourceKeys: string[],
  readDefaults: (stack: TerraformStack) => ProviderDefaultKeys,
): void {
  scope.node.addValidation({
    validate: () => {
      const { setting, keys } = defaultKeys(TerraformStack.of(scope), cloud, readDefaults);
      const added = keys.filter((k) => !resourceKeys.includes(k));
      if (resourceKeys.length + added.length <= limit) return [];
      return [
        `${kind} '${scope.node.id}': labels '${resourceKeys.length} keys' with the provider's ${setting} (${added.length} more: ${added.join(', ')}) are too many; a resource takes at most ${limit} on ${cloud}; remove ${resourceKeys.length + added.length - limit} user labels or ${setting} entries${cloud === 'GCP' ? ' (or set the provider\'s addTerraformAttributionLabel to false)' : ''}`,
      ];
    },
  });
}

/** Per stack, computed at the first validation (construction is over by then). */
const DEFAULT_KEYS = new WeakMap<TerraformStack, Map<string, ProviderDefaultKeys>>();

/** The keys a provider adds to every resource, and the setting that adds them. @internal */
export interface ProviderDefaultKeys {
  readonly setting: string;
  readonly keys: string[];
}

function defaultKeys(stack: TerraformStack, cloud: 'AWS' | 'GCP', readDefaults: (stack: TerraformStack) => ProviderDefaultKeys): ProviderDefaultKeys {
  let byCloud = DEFAULT_KEYS.get(stack);
  if (!byCloud) {
    byCloud = new Map();
    DEFAULT_KEYS.set(stack, byCloud);
  }
  let found = byCloud.get(cloud);
  if (!found) {
    found = readDefaults(stack);
    byCloud.set(cloud, found);
  }
  return found;
}
