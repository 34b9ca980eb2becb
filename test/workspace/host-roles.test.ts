import { TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { CloudTarget, GpuWorkspace, WorkspaceAccess, WorkspaceNetwork, WorkspaceTls } from 'cdktf-ml-workspace';
import { AwsHost } from 'cdktf-ml-workspace-aws/lib/host';
import { AzureHost } from 'cdktf-ml-workspace-azure/lib/host';
import { GcpHost } from 'cdktf-ml-workspace-gcp/lib/host';
import { MachineHost } from 'cdktf-ml-workspace/lib/host/machine-host';
import { WorkspaceSpec } from 'cdktf-ml-workspace/lib/host/workspace-spec';
import { parseJsonencode } from '../hcl';
import { DEPLOYER_RANGES, GCP } from '../util';
import { GcpTarget } from 'cdktf-ml-workspace-gcp';
import { AwsTarget } from 'cdktf-ml-workspace-aws';
import { AzureTarget } from 'cdktf-ml-workspace-azure';

const IMAGE = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/images/providers/Microsoft.Compute/images/ml-workspace-nixos';
const PUBLIC = WorkspaceAccess.public({ allowedCidrs: ['203.0.113.0/24'] });

/**
 * A role that is not the IDE: it stores a secret for its own service account, opens a port to
 * one range (public hosts) or through the private path (private hosts), and names the machine.
 * What it adds must reach the cloud's resources and the machine document exactly as the IDE's
 * does: this is the seam the other roles (JupyterHub, a dataset mount) use.
 */
function probeRole(host: MachineHost): void {
  host.addSecret({ idPrefix: 'Probe', fileName: 'probe-key', owner: 'probe', value: 'not-a-real-key', contentType: 'text/plain' });
  if (host.isPublic) {
    host.allowPublicIngress({ id: 'Probe', suffix: 'probe', port: 8888, sources: ['198.51.100.0/24'], description: 'Probe from one range', rangeDescription: 'Probe from a range' });
  } else {
    host.allowPrivateAccess(9999);
  }
  host.allowEgress({ id: 'Probe', suffix: 'probe', port: 5432, destinations: ['10.9.0.0/24'], description: 'Probe database' });
  host.addToDocument({ domain: 'probe.example.com' });
}

type Cloud = 'gcp' | 'aws' | 'azure';
const TARGETS: Record<Cloud, () => CloudTarget> = {
  gcp: () => GcpTarget.of(GCP),
  aws: () => AwsTarget.of({ region: 'eu-west-1' }),
  azure: () => AzureTarget.of({ location: 'westeurope', imageId: IMAGE, keyVaultAllowedCidrs: DEPLOYER_RANGES }),
};

/** A spec with every default filled in, as a front door makes it, for a host named `probe`. */
function specFor(cloud: Cloud, isPublic: boolean): WorkspaceSpec {
  const stack = new TerraformStack(Testing.app(), 'spec');
  const workspace = new GpuWorkspace(stack, 'probe', {
    target: TARGETS[cloud](),
    owner: 'probe@example.com',
    ...(isPublic ? { access: PUBLIC, tls: WorkspaceTls.selfSigned() } : {}),
  });
  return workspace._spec;
}

function hostFor(cloud: Cloud, scope: Construct, spec: WorkspaceSpec): MachineHost & { finish(): unknown } {
  const target = TARGETS[cloud]();
  if (cloud === 'gcp') return new GcpHost(scope, spec, (target as GcpTarget).options);
  if (cloud === 'aws') return new AwsHost(scope, spec, (target as AwsTarget).options);
  return new AzureHost(scope, spec, (target as AzureTarget).options, { publicDnsLabel: false });
}

function build(cloud: Cloud, isPublic: boolean): { json: any; host: MachineHost; principal: string } {
  const stack = new TerraformStack(Testing.app(), 'test');
  const scope = new Construct(stack, 'probe');
  const host = hostFor(cloud, scope, specFor(cloud, isPublic));
  probeRole(host);
  host.finish();
  // How other constructs see the principal: as the reference their grants resolve to.
  new TerraformOutput(stack, 'principal', { value: host.principal.member });
  const json = JSON.parse(Testing.synth(stack, true));
  return { json, host, principal: json.output.principal.value };
}

const values = (json: any, type: string): any[] => Object.values(json.resource[type] ?? {});
const documentOf = (value: string) => (value.startsWith('${jsonencode(') ? parseJsonencode(value) : JSON.parse(value));

describe.each([false, true])('a role that is not the IDE, public %s', (isPublic) => {
  test('GCP: its secret is readable by the host\'s service account, its port opened, its settings in the document', () => {
    const { json, principal } = build('gcp', isPublic);
    expect(principal).toMatch(/^serviceAccount:\$\{google_service_account\.probe_ServiceAccount_[0-9A-F]+\.email\}$/);
    expect(values(json, 'google_secret_manager_secret').map((s) => s.secret_id)).toEqual(['probe-probe-key']);
    expect(values(json, 'google_secret_manager_secret_iam_member')).toEqual([
      expect.objectContaining({ member: principal, role: 'roles/secretmanager.secretAccessor' }),
    ]);
    const rules = Object.fromEntries(values(json, 'google_compute_firewall').map((r) => [r.name, [r.allow[0].ports, r.source_ranges]]));
    expect(rules).toEqual(isPublic
      ? { 'probe-probe': [['8888'], ['198.51.100.0/24']], 'probe-iap': [['22'], ['35.235.240.0/20']] }
      : { 'probe-iap': [['22', '9999'], ['35.235.240.0/20']] });
    // GCP's VPC allows all egress: no egress rule is made.
    expect(values(json, 'google_compute_firewall').filter((r) => r.direction === 'EGRESS')).toEqual([]);
    const doc = documentOf(values(json, 'google_compute_instance')[0].metadata['ml-workspace-config']);
    expect(doc.config.mlWorkspace.secrets.secrets).toEqual({ 'probe-key': { source: 'projects/ml-prod-123/secrets/probe-probe-key', owner: 'probe', group: 'probe' } });
    expect(doc.config.mlWorkspace.workspace.domain).toBe('probe.example.com');
  });

  test('AWS: its secret is in the instance role\'s read policy, its port in the security group', () => {
    const { json, principal } = build('aws', isPublic);
    expect(principal).toMatch(/^\$\{aws_iam_role\.probe_Role_[0-9A-F]+\.arn\}$/);
    const secret = Object.keys(json.resource.aws_secretsmanager_secret);
    expect(secret).toEqual([expect.stringMatching(/^probe_ProbeSecret_/)]);
    const read = Object.values<any>(json.data.aws_iam_policy_document).find((d) => d.statement[0].sid === 'ReadOwnSecrets');
    expect(read.statement[0].resources).toEqual([`\${aws_secretsmanager_secret.${secret[0]}.arn}`]);
    const ingress = values(json, 'aws_vpc_security_group_ingress_rule').filter((r) => r.tags.Name === 'probe-probe');
    expect(ingress.map((r) => [r.from_port, r.cidr_ipv4, r.description])).toEqual(isPublic ? [[8888, '198.51.100.0/24', 'Probe from a range']] : []);
    expect(values(json, 'aws_vpc_security_group_egress_rule').map((r) => [r.from_port, r.cidr_ipv4, r.description]).sort()).toEqual([
      [443, '0.0.0.0/0', "HTTPS only: Nix binary cache and sources, Let's Encrypt, Systems Manager, Secrets Manager"],
      [5432, '10.9.0.0/24', 'Probe database'],
    ]);
    const doc = documentOf(values(json, 'aws_instance')[0].user_data);
    expect(doc.config.mlWorkspace.secrets.secrets).toEqual({ 'probe-key': { source: `\${aws_secretsmanager_secret.${secret[0]}.arn}`, owner: 'probe', group: 'probe' } });
  });

  test('Azure: its secret is readable by the host\'s identity alone, its port in the NSG at its own priority', () => {
    const { json, principal } = build('azure', isPublic);
    expect(principal).toMatch(/^\$\{azurerm_user_assigned_identity\.probe_Identity_[0-9A-F]+\.principal_id\}$/);
    expect(values(json, 'azurerm_key_vault_secret').map((s) => s.name).sort()).toEqual(['admin-ssh-key', 'probe-key']);
    const reader = values(json, 'azurerm_role_assignment').filter((a) => a.role_definition_name === 'Key Vault Secrets User');
    expect(reader).toEqual([expect.objectContaining({ principal_id: principal, scope: expect.stringMatching(/azurerm_key_vault_secret\.probe_ProbeSecret_[0-9A-F]+\.resource_versionless_id/) })]);
    const rules = values(json, 'azurerm_network_security_rule').filter((r) => r.direction === 'Inbound' && r.access === 'Allow');
    expect(rules.map((r) => [r.name, r.priority, r.destination_port_range ?? r.destination_port_ranges])).toEqual(isPublic
      ? [['allow-probe-1', 400, '8888']]
      : [['allow-bastion', 300, ['22', '9999']]]);
    const outbound = values(json, 'azurerm_network_security_rule').filter((r) => r.direction === 'Outbound' && r.access === 'Allow');
    expect(outbound.map((r) => [r.name, r.priority, r.destination_address_prefix, r.destination_port_range]).sort()).toEqual([
      ['allow-https-outbound', 100, 'Internet', '443'],
      ['allow-ntp-outbound', 110, 'Internet', '123'],
      ['allow-probe-outbound-1', 200, '10.9.0.0/24', '5432'],
    ]);
  });
});

describe('a host is finished once, and only with a name for its machine', () => {
  test.each(['gcp', 'aws', 'azure'] as Cloud[])('%s', (cloud) => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const host = hostFor(cloud, new Construct(stack, 'probe'), specFor(cloud, false));
    expect(() => host.finish()).toThrow("GpuWorkspace 'probe': no role gave the machine a domain");
    const again = hostFor(cloud, new Construct(stack, 'again'), specFor(cloud, false));
    again.addToDocument({ domain: 'probe.example.com' });
    again.finish();
    expect(() => again.finish()).toThrow("GpuWorkspace 'again': the host is already finished");
    // Two roles that set one setting differently: refused, not merged.
    const twice = hostFor(cloud, new Construct(stack, 'twice'), specFor(cloud, false));
    twice.addToDocument({ domain: 'one.example.com' });
    twice.addToDocument({ domain: 'two.example.com' });
    expect(() => twice.finish()).toThrow("GpuWorkspace 'probe': two roles set the machine document's domain differently");
  });
});

describe('a workspace exposes the identity its machine runs as, for grants by other constructs', () => {
  test.each([
    ['gcp', /^serviceAccount:\$\{google_service_account\.alice_ServiceAccount_[0-9A-F]+\.email\}$/, 'GCP'],
    ['aws', /^\$\{aws_iam_role\.alice_Role_[0-9A-F]+\.arn\}$/, 'AWS'],
    ['azure', /^\$\{azurerm_user_assigned_identity\.alice_Identity_[0-9A-F]+\.principal_id\}$/, 'AZURE'],
  ] as Array<[Cloud, RegExp, string]>)('%s', (cloud, reference, cloudName) => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const workspace = new GpuWorkspace(stack, 'alice', { target: TARGETS[cloud](), owner: 'alice@example.com' });
    new TerraformOutput(stack, 'principal', { value: workspace.principal.member });
    expect(workspace.principal.cloud).toBe(cloudName);
    expect(JSON.parse(Testing.synth(stack, true)).output.principal.value).toMatch(reference);
  });
});

describe('a role on a shared network', () => {
  test('GCP: a private port beyond 22 and 443 gets a rule of its own, to this VM alone', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const target = TARGETS.gcp();
    const network = new WorkspaceNetwork(stack, 'team', { target });
    const host = new GcpHost(new Construct(stack, 'probe'), { ...specFor('gcp', false), network: network._attached }, (target as GcpTarget).options);
    probeRole(host);
    host.finish();
    const rules = Object.values<any>(JSON.parse(Testing.synth(stack, true)).resource.google_compute_firewall);
    expect(rules.map((r) => [r.name, r.allow[0].ports, r.target_tags]).sort()).toEqual([
      ['probe-iap', ['9999'], ['mlw-probe']],
      ['team-iap', ['22', '443'], ['mlwnet-team']],
    ]);
  });

  test('Azure: a private port the shared subnet does not admit is refused, not silently blocked', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const target = TARGETS.azure();
    const network = new WorkspaceNetwork(stack, 'team', { target });
    const host = new AzureHost(new Construct(stack, 'probe'), { ...specFor('azure', false), network: network._attached }, (target as AzureTarget).options, { publicDnsLabel: false });
    probeRole(host);
    expect(() => host.finish()).toThrow(
      "GpuWorkspace 'probe': port 9999 through Azure Bastion is not admitted by the shared network's subnet NSG (22 and 443 only); leave out network for this workspace",
    );
  });
});
