import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { TimeProvider } from '@cdktf/provider-time/lib/provider';
import { TlsProvider } from '@cdktf/provider-tls/lib/provider';
import { TerraformProvider, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';

/** The provider types each stack is known to have. */
const PROVIDER_TYPES = new WeakMap<TerraformStack, Set<string>>();

/**
 * Makes sure the stack has a provider of the given Terraform type, creating one with
 * `create` when the user's stack has none. A provider the user configured is never replaced.
 * Types already seen are remembered per stack; only a type not seen yet walks the stack (once
 * per type, since it is then found or created), so a fleet does not walk the tree per member.
 *
 * @internal
 */
export function ensureProvider(scope: IConstruct, terraformType: string, create: (stack: TerraformStack) => void): void {
  const stack = TerraformStack.of(scope);
  let types = PROVIDER_TYPES.get(stack);
  if (!types) {
    types = new Set();
    PROVIDER_TYPES.set(stack, types);
  }
  if (types.has(terraformType)) return;
  for (const c of stack.node.findAll()) {
    if (c instanceof TerraformProvider) types.add(c.terraformResourceType);
  }
  if (!types.has(terraformType)) {
    create(stack);
    types.add(terraformType);
  }
}

/** @internal */
export function ensureRandomProvider(scope: IConstruct): void {
  ensureProvider(scope, 'random', (stack) => new RandomProvider(stack, 'ml-workspace-random'));
}

/** @internal */
export function ensureTimeProvider(scope: IConstruct): void {
  ensureProvider(scope, 'time', (stack) => new TimeProvider(stack, 'ml-workspace-time'));
}

/** @internal */
export function ensureTlsProvider(scope: IConstruct): void {
  ensureProvider(scope, 'tls', (stack) => new TlsProvider(stack, 'ml-workspace-tls'));
}
