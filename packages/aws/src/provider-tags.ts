import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Token } from 'cdktf';
import { ProviderDefaultKeys } from 'cdktf-ml-workspace/lib/clouds/common/tag-limits';

/** Known keys of every unaliased AWS provider's `default_tags` (the one the workspace uses). */
/** @internal */
export function awsDefaultTagKeys(stack: TerraformStack): ProviderDefaultKeys {
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
