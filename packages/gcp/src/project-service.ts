import { ProjectService } from '@cdktf/provider-google/lib/project-service';
import { TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';

/**
 * Enables an API once per project and stack, shared by every workspace there, and never
 * disabled on destroy (other workloads in the project may use it).
 */
/** @internal */
export function projectService(scope: Construct, project: string, service: string): ProjectService {
  // A project known only at apply time cannot key a shared construct: keep it per workspace.
  const shared = !Token.isUnresolved(project);
  const owner = shared ? TerraformStack.of(scope) : scope;
  const id = shared ? `ml-workspace-api-${project}-${service}` : `Api-${service}`;
  return (
    (owner.node.tryFindChild(id) as ProjectService | undefined) ??
    new ProjectService(owner, id, { project, service, disableOnDestroy: false, disableDependentServices: false })
  );
}
