import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { TimeProvider } from '@cdktf/provider-time/lib/provider';
import { TlsProvider } from '@cdktf/provider-tls/lib/provider';
import { TerraformProvider, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';

/**
 * Makes sure the stack has a provider of the given Terraform type, creating one with
 * `create` when the user's stack has none. A provider the user configured is never replaced.
 *
 * @internal
 */
export function ensureProvider(scope: IConstruct, terraformType: string, create: (stack: TerraformStack) => void): void {
  const stack = TerraformStack.of(scope);
  const exists = stack.node
    .findAll()
    .some((c) => c instanceof TerraformProvider && c.terraformResourceType === terraformType);
  if (!exists) create(stack);
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
