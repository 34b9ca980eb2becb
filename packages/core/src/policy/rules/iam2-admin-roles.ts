import { PolicyLevel } from '../level';
import { outcome, PolicyRule, ResolvedResource } from '../rule';

/** GCP roles that administer the project, its identities or its data. */
const GCP_ADMIN_ROLES = new Set([
  'roles/owner',
  'roles/editor',
  'roles/iam.securityAdmin',
  'roles/iam.serviceAccountAdmin',
  'roles/iam.serviceAccountTokenCreator',
  'roles/iam.serviceAccountUser',
  'roles/resourcemanager.projectIamAdmin',
  'roles/compute.admin',
  'roles/storage.admin',
  'roles/secretmanager.admin',
]);
/** What a workspace's identity may hold project-wide: writing its logs and metrics. */
const GCP_PROJECT_WRITER_ROLES = new Set(['roles/logging.logWriter', 'roles/monitoring.metricWriter']);
const GCP_WIDE_GRANTS = /^google_(project|folder|organization)_iam_(member|binding)$/;

const AWS_ADMIN_POLICIES = /:policy\/(AdministratorAccess|PowerUserAccess|IAMFullAccess)$/;
const AWS_ATTACHMENTS = /^aws_iam_(role|user|group)_policy_attachment$|^aws_iam_policy_attachment$/;

const AZURE_ADMIN_ROLES = new Set(['owner', 'contributor', 'user access administrator', 'role based access control administrator']);
const AZURE_WIDE_SCOPE = /^\/subscriptions\/[^/]+\/?$|^\/providers\/Microsoft\.Management\/managementGroups\//i;

/** Whether an inline AWS policy document allows every action on every resource. */
function awsAllowsEverything(policy: unknown): boolean {
  let doc: any;
  try {
    doc = typeof policy === 'string' ? JSON.parse(policy) : policy;
  } catch {
    return false;
  }
  const statements = [doc?.Statement ?? []].flat();
  const all = (v: unknown) => [v].flat().some((x) => x === '*');
  return statements.some((s: any) => s?.Effect === 'Allow' && all(s.Action) && all(s.Resource));
}

/** MLW-IAM2: no administrator-class role, and nothing project- or subscription-wide beyond writing logs and metrics. */
export const IAM2: PolicyRule = {
  id: 'MLW-IAM2',
  level: PolicyLevel.ERROR,
  explanation:
    'An administrator-class role or policy is granted (GCP owner/editor/IAM/compute/storage/secret admin, AWS AdministratorAccess/PowerUserAccess/IAMFullAccess or Action * on Resource *, Azure Owner/Contributor/User Access Administrator), or a service account gets a project-wide role beyond writing logs and metrics, or an Azure role is assigned subscription- or management-group-wide.',
  why: "A workspace is a shell on a VM; whatever its identity, or a grant made beside it, may do, anyone with that shell may do. Grant on the workspace's own resources instead.",
  checkovId: 'CKV_AWS_274',
  appliesTo: (type) =>
    GCP_WIDE_GRANTS.test(type) ||
    /^google_.*_iam_(member|binding)$/.test(type) ||
    AWS_ATTACHMENTS.test(type) ||
    /^aws_iam_(role|user|group)_policy$|^aws_iam_policy$/.test(type) ||
    type === 'azurerm_role_assignment',
  check: ({ type, config }: ResolvedResource) => {
    if (GCP_WIDE_GRANTS.test(type)) {
      const role = String(config.role ?? '');
      const members: string[] = [config.member, ...(config.members ?? [])].filter((m) => typeof m === 'string');
      const toServiceAccount = members.some((m) => /^serviceAccount:/.test(m) || /google_service_account\./.test(m));
      return outcome(true, !GCP_ADMIN_ROLES.has(role) && !(toServiceAccount && !GCP_PROJECT_WRITER_ROLES.has(role)));
    }
    if (/^google_.*_iam_(member|binding)$/.test(type)) {
      return outcome(true, !GCP_ADMIN_ROLES.has(String(config.role ?? '')) || config.role === 'roles/iam.serviceAccountUser');
    }
    if (AWS_ATTACHMENTS.test(type)) {
      return outcome(true, !AWS_ADMIN_POLICIES.test(String(config.policy_arn ?? '')));
    }
    if (/^aws_iam_(role|user|group)_policy$|^aws_iam_policy$/.test(type)) {
      return outcome(true, !awsAllowsEverything(config.policy));
    }
    if (type === 'azurerm_role_assignment') {
      const role = String(config.role_definition_name ?? '').toLowerCase();
      return outcome(true, !AZURE_ADMIN_ROLES.has(role) && !AZURE_WIDE_SCOPE.test(String(config.scope ?? '')));
    }
    return outcome(false, true);
  },
};
