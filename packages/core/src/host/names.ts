import { Annotations, TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { CloudTarget } from '../core/cloud-target';
import { workspaceCloud } from './workspace-cloud';
import { usageError } from '../core/errors';

/** The constructs of each app that prefix cloud resource names, by naming scope and name. */
const NAMES_BY_APP = new WeakMap<IConstruct, Map<string, Construct[]>>();

/**
 * Refuses a second workspace or network of the same name where their cloud names would
 * collide (service accounts, firewall rules, resource groups, log groups and secrets are named
 * after it): in one stack always; in another stack of the app on the same GCP project; and warns
 * on AWS and Azure, whose account or subscription synthesis cannot see. One registry per app, so
 * this costs the same for the hundredth as for the first.
 *
 * @param prop the prop that sets the name, for the message (`workspaceName`, `networkName`)
 * @internal
 */
export function claimResourceName(construct: Construct, kind: string, prop: string, name: string, target: CloudTarget): void {
  const id = construct.node.id;
  const noun = prop === 'workspaceName' ? 'workspace' : 'network';
  let names = NAMES_BY_APP.get(construct.node.root);
  if (!names) {
    names = new Map();
    NAMES_BY_APP.set(construct.node.root, names);
  }
  const stack = TerraformStack.of(construct);
  const scope = workspaceCloud(kind, id, target).nameScope(target);
  const key = `${scope.key}/${name}`;
  const twins = names.get(key) ?? [];
  const sameStack = twins.find((w) => TerraformStack.of(w) === stack);
  if (sameStack) {
    throw usageError(
      `${kind} '${id}': ${prop} '${name}' is already used by '${sameStack.node.path}' in this stack; give each ${noun} its own ${prop}`,
    );
  }
  const elsewhere = twins[0];
  if (elsewhere) {
    const problem = `${prop} '${name}' is also used by '${elsewhere.node.path}' in stack '${TerraformStack.of(elsewhere).node.id}' on ${scope.where}; the names of their service accounts, roles and secrets`;
    if (scope.certain) {
      throw usageError(`${kind} '${id}': ${problem} collide at apply; give one of them another ${prop}`);
    }
    Annotations.of(construct).addWarning(`${kind} '${id}': ${problem} collide if both stacks deploy to the same ${scope.container}; give one of them another ${prop}`);
  }
  names.set(key, [...twins, construct]);
}
