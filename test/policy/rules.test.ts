import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SCAN_CONFIGURATIONS, synthConfiguration } from '../../scripts/scan-configurations';
import { ALL_RULES } from 'cdktf-ml-workspace/lib/policy/rules';
import { DISK1 } from 'cdktf-ml-workspace/lib/policy/rules/disk1-prevent-destroy';
import { GPU1 } from 'cdktf-ml-workspace/lib/policy/rules/gpu1-host-maintenance';
import { IAM1 } from 'cdktf-ml-workspace/lib/policy/rules/iam1-default-service-account';
import { IAM2 } from 'cdktf-ml-workspace/lib/policy/rules/iam2-admin-roles';
import { NET1 } from 'cdktf-ml-workspace/lib/policy/rules/net1-open-ingress';
import { NET2 } from 'cdktf-ml-workspace/lib/policy/rules/net2-ssh-from-anywhere';
import { VM1 } from 'cdktf-ml-workspace/lib/policy/rules/vm1-shielded';
import { VM2 } from 'cdktf-ml-workspace/lib/policy/rules/vm2-login-hardening';
import { NET3 } from 'cdktf-ml-workspace/lib/policy/rules/net3-public-ip';
import { DISK2 } from 'cdktf-ml-workspace/lib/policy/rules/disk2-snapshots';
import { ENC1 } from 'cdktf-ml-workspace/lib/policy/rules/enc1-customer-keys';
import { META1 } from 'cdktf-ml-workspace/lib/policy/rules/meta1-secrets-in-metadata';
import { LBL1 } from 'cdktf-ml-workspace/lib/policy/rules/lbl1-required-labels';
import { ENC2 } from 'cdktf-ml-workspace/lib/policy/rules/enc2-encryption-at-rest';
import { NET4 } from 'cdktf-ml-workspace/lib/policy/rules/net4-open-egress';
import { VM3 } from 'cdktf-ml-workspace/lib/policy/rules/vm3-metadata-service';
import { VM4 } from 'cdktf-ml-workspace/lib/policy/rules/vm4-azure-extensions';
import { NET5 } from 'cdktf-ml-workspace/lib/policy/rules/net5-key-vault-firewall';
import { DATA1 } from 'cdktf-ml-workspace/lib/policy/rules/data1-open-usage-store';
import { PolicyRule, RuleOutcome } from 'cdktf-ml-workspace/lib/policy/rule';

const fw = (source_ranges: string[], allow: any[]) => ({ type: 'google_compute_firewall', config: { direction: 'INGRESS', source_ranges, allow } });
const vm = (config: any) => ({ type: 'google_compute_instance', config });
const GOOD_VM = {
  shielded_instance_config: { enable_secure_boot: false, enable_vtpm: true, enable_integrity_monitoring: true },
  metadata: { 'enable-oslogin': 'TRUE', 'block-project-ssh-keys': 'TRUE', 'serial-port-enable': 'FALSE' },
  service_account: { email: 'mlw-alice@p.iam.gserviceaccount.com', scopes: ['cloud-platform'] },
  guest_accelerator: [{ type: 'nvidia-l4', count: 1 }],
  scheduling: { on_host_maintenance: 'TERMINATE' },
};

const awsIngress = (config: any) => ({ type: 'aws_vpc_security_group_ingress_rule', config: { ip_protocol: 'tcp', ...config } });
const nsgRule = (config: any) => ({
  type: 'azurerm_network_security_rule',
  config: { direction: 'Inbound', access: 'Allow', protocol: 'Tcp', ...config },
});
const ec2 = (config: any) => ({ type: 'aws_instance', config });
const azureVm = (config: any) => ({ type: 'azurerm_linux_virtual_machine', config });
const GOOD_EC2 = {
  metadata_options: { http_tokens: 'required', http_put_response_hop_limit: 1 },
  root_block_device: { encrypted: true },
  user_data: '{"schemaVersion":1}',
  tags: { 'ml-workspace': 'true', 'workspace': 'a', 'owner': 'o', 'cost-center': 'c', 'cost-scope': 'workspace' },
};

const cases: Array<[PolicyRule, string, any, RuleOutcome]> = [
  // Public exposure by every path
  [NET3, 'GCP: an external IPv6 address', vm({ network_interface: [{ ipv6_access_config: [{ network_tier: 'PREMIUM' }] }] }), RuleOutcome.NON_COMPLIANT],
  [NET3, 'AWS: a subnet that maps public IPs on launch', { type: 'aws_subnet', config: { map_public_ip_on_launch: true } }, RuleOutcome.NON_COMPLIANT],
  [NET3, 'AWS: a subnet that does not', { type: 'aws_subnet', config: { map_public_ip_on_launch: false } }, RuleOutcome.COMPLIANT],
  [NET3, 'AWS: an Elastic IP associated with an interface', { type: 'aws_eip_association', config: { network_interface_id: 'eni-1', allocation_id: 'a' } }, RuleOutcome.NON_COMPLIANT],
  [NET3, 'AWS: an Elastic IP on an interface', { type: 'aws_eip', config: { domain: 'vpc', network_interface: 'eni-1' } }, RuleOutcome.NON_COMPLIANT],
  // Azure: no extensions; Key Vaults closed to the internet
  [VM4, 'Azure: a VM with extensions allowed', azureVm({ allow_extension_operations: true }), RuleOutcome.NON_COMPLIANT],
  [VM4, 'Azure: a VM that does not say (extensions default to allowed)', azureVm({}), RuleOutcome.NON_COMPLIANT],
  [VM4, 'Azure: a VM with extensions off', azureVm({ allow_extension_operations: false }), RuleOutcome.COMPLIANT],
  [NET5, 'Azure: a vault open to every network', { type: 'azurerm_key_vault', config: { public_network_access_enabled: true, network_acls: { default_action: 'Allow', bypass: 'AzureServices' } } }, RuleOutcome.NON_COMPLIANT],
  [NET5, 'Azure: a vault without network rules', { type: 'azurerm_key_vault', config: {} }, RuleOutcome.NON_COMPLIANT],
  [NET5, 'Azure: a vault denying all but two halves of the internet', { type: 'azurerm_key_vault', config: { network_acls: { default_action: 'Deny', ip_rules: ['0.0.0.0/1', '128.0.0.0/1'] } } }, RuleOutcome.NON_COMPLIANT],
  [NET5, 'Azure: a vault admitting the deployer only', { type: 'azurerm_key_vault', config: { network_acls: { default_action: 'Deny', ip_rules: ['198.51.100.0/24'] } } }, RuleOutcome.COMPLIANT],
  [DATA1, 'AWS: a public access block with every protection', { type: 'aws_s3_bucket_public_access_block', config: { block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true } }, RuleOutcome.COMPLIANT],
  [DATA1, 'AWS: a public access block letting bucket policies go public', { type: 'aws_s3_bucket_public_access_block', config: { block_public_acls: true, block_public_policy: false, ignore_public_acls: true, restrict_public_buckets: true } }, RuleOutcome.NON_COMPLIANT],
  [DATA1, 'Azure: the library\'s storage without shared keys, public blobs or old TLS', { type: 'azurerm_storage_account', config: { tags: { 'ml-workspace': 'true' }, allow_nested_items_to_be_public: false, shared_access_key_enabled: false, min_tls_version: 'TLS1_2' } }, RuleOutcome.COMPLIANT],
  [DATA1, 'Azure: the library\'s storage with shared keys back on', { type: 'azurerm_storage_account', config: { tags: { 'ml-workspace': 'true' }, allow_nested_items_to_be_public: false, min_tls_version: 'TLS1_2' } }, RuleOutcome.NON_COMPLIANT],
  [DATA1, 'Azure: the library\'s storage on TLS 1.0', { type: 'azurerm_storage_account', config: { tags: { 'ml-workspace': 'true' }, allow_nested_items_to_be_public: false, shared_access_key_enabled: false, min_tls_version: 'TLS1_0' } }, RuleOutcome.NON_COMPLIANT],
  [DATA1, 'Azure: a storage account of the user\'s own', { type: 'azurerm_storage_account', config: { tags: {} } }, RuleOutcome.NOT_APPLICABLE],
  [DATA1, 'GCP: the library\'s dataset read by all authenticated users', { type: 'google_bigquery_dataset', config: { labels: { 'ml-workspace': 'true' }, access: [{ role: 'READER', special_group: 'allAuthenticatedUsers' }] } }, RuleOutcome.NON_COMPLIANT],
  [DATA1, 'GCP: the library\'s dataset with a project reader', { type: 'google_bigquery_dataset', config: { labels: { 'ml-workspace': 'true' }, access: [{ role: 'READER', special_group: 'projectReaders' }] } }, RuleOutcome.COMPLIANT],
  [DATA1, 'GCP: a dataset granted to allUsers', { type: 'google_bigquery_dataset_iam_member', config: { role: 'roles/bigquery.dataViewer', member: 'allUsers' } }, RuleOutcome.NON_COMPLIANT],
  [DATA1, 'GCP: a dataset binding with allAuthenticatedUsers among others', { type: 'google_bigquery_dataset_iam_binding', config: { role: 'roles/bigquery.dataViewer', members: ['user:a@example.com', 'allAuthenticatedUsers'] } }, RuleOutcome.NON_COMPLIANT],
  [DATA1, 'GCP: a dataset granted to a service account', { type: 'google_bigquery_dataset_iam_member', config: { role: 'roles/bigquery.dataEditor', member: 'serviceAccount:v@p.iam.gserviceaccount.com' } }, RuleOutcome.COMPLIANT],
  [NET5, 'Azure: a vault without public access', { type: 'azurerm_key_vault', config: { public_network_access_enabled: false } }, RuleOutcome.COMPLIANT],
  // Administrator-class and project-wide grants
  [IAM2, 'GCP: Editor on the project', { type: 'google_project_iam_member', config: { role: 'roles/editor', member: 'user:alice@example.com' } }, RuleOutcome.NON_COMPLIANT],
  [IAM2, 'GCP: Owner through a binding', { type: 'google_project_iam_binding', config: { role: 'roles/owner', members: ['group:ml@example.com'] } }, RuleOutcome.NON_COMPLIANT],
  [
    IAM2,
    "GCP: a workspace identity's project-wide secret access",
    { type: 'google_project_iam_member', config: { role: 'roles/secretmanager.secretAccessor', member: 'serviceAccount:${google_service_account.alice.email}' } },
    RuleOutcome.NON_COMPLIANT,
  ],
  [
    IAM2,
    'GCP: a workspace identity writing logs',
    { type: 'google_project_iam_member', config: { role: 'roles/logging.logWriter', member: 'serviceAccount:${google_service_account.alice.email}' } },
    RuleOutcome.COMPLIANT,
  ],
  [IAM2, 'GCP: storage admin on a bucket', { type: 'google_storage_bucket_iam_member', config: { role: 'roles/storage.admin', member: 'user:a@example.com' } }, RuleOutcome.NON_COMPLIANT],
  [IAM2, "GCP: acting as the workspace's own account", { type: 'google_service_account_iam_member', config: { role: 'roles/iam.serviceAccountUser', member: 'user:a@example.com' } }, RuleOutcome.COMPLIANT],
  [IAM2, 'AWS: AdministratorAccess on a role', { type: 'aws_iam_role_policy_attachment', config: { role: 'r', policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' } }, RuleOutcome.NON_COMPLIANT],
  [IAM2, 'AWS: the Session Manager policy', { type: 'aws_iam_role_policy_attachment', config: { role: 'r', policy_arn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore' } }, RuleOutcome.COMPLIANT],
  [
    IAM2,
    'AWS: an inline policy allowing everything',
    { type: 'aws_iam_role_policy', config: { policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: '*', Resource: ['*'] }] }) } },
    RuleOutcome.NON_COMPLIANT,
  ],
  [
    IAM2,
    'AWS: an inline policy reading one secret',
    { type: 'aws_iam_role_policy', config: { policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: 'arn:x' }] }) } },
    RuleOutcome.COMPLIANT,
  ],
  [IAM2, 'Azure: Contributor on a resource group', { type: 'azurerm_role_assignment', config: { role_definition_name: 'Contributor', scope: '/subscriptions/s/resourceGroups/rg' } }, RuleOutcome.NON_COMPLIANT],
  [IAM2, 'Azure: Reader on the whole subscription', { type: 'azurerm_role_assignment', config: { role_definition_name: 'Reader', scope: '/subscriptions/0000' } }, RuleOutcome.NON_COMPLIANT],
  [IAM2, 'Azure: Key Vault Secrets User on one secret', { type: 'azurerm_role_assignment', config: { role_definition_name: 'Key Vault Secrets User', scope: '${azurerm_key_vault_secret.t.resource_versionless_id}' } }, RuleOutcome.COMPLIANT],
  // Secrets in metadata: the token formats people paste, sensitive variables, and what makes VMs
  ...([
    ['a Hugging Face token', 'hf_' + 'a'.repeat(34)],
    ['a GitHub token', 'ghp_' + 'A1b2'.repeat(9)],
    ['a fine-grained GitHub token', 'github_pat_' + 'A'.repeat(30)],
    ['an OpenAI key', 'sk-proj-' + 'x'.repeat(40)],
    ['an Anthropic key', 'sk-ant-' + 'y'.repeat(40)],
    ['a Slack token', 'xoxb-1234567890-abcdef'],
    ['a GitLab token', 'glpat-' + 'z'.repeat(20)],
    ['a Google API key', 'AIza' + 'B'.repeat(35)],
    ['temporary AWS keys', 'ASIA' + 'C'.repeat(16)],
  ] as const).map(([what, token]): [PolicyRule, string, any, RuleOutcome] => [
    META1,
    `GCP: ${what} in a startup script`,
    vm({ metadata_startup_script: `export TOKEN=${token}` }),
    RuleOutcome.NON_COMPLIANT,
  ]),
  [META1, 'GCP: a word that merely contains sk-', vm({ metadata: { note: 'disk-encryption-is-on-for-every-disk' } }), RuleOutcome.COMPLIANT],
  [
    META1,
    'GCP: a sensitive variable in metadata',
    { type: 'google_compute_instance', config: { metadata: { 'hf-token': '${var.hf_token}', other: '${var.region}' } }, sensitiveVariable: (n: string) => n === 'hf_token' },
    RuleOutcome.NON_COMPLIANT,
  ],
  [
    META1,
    'GCP: a variable that is not sensitive',
    { type: 'google_compute_instance', config: { metadata: { zone: '${var.region}' } }, sensitiveVariable: (n: string) => n === 'hf_token' },
    RuleOutcome.COMPLIANT,
  ],
  [META1, 'GCP: a key in project-wide metadata', { type: 'google_compute_project_metadata', config: { metadata: { startup: 'ghp_' + 'A1b2'.repeat(9) } } }, RuleOutcome.NON_COMPLIANT],
  [META1, 'GCP: one project metadata item named like a secret', { type: 'google_compute_project_metadata_item', config: { key: 'api-token', value: 'x' } }, RuleOutcome.NON_COMPLIANT],
  [META1, 'AWS: a launch template with a private key', { type: 'aws_launch_template', config: { user_data: '-----BEGIN OPENSSH PRIVATE KEY-----' } }, RuleOutcome.NON_COMPLIANT],
  [META1, 'AWS: a launch template without secrets', { type: 'aws_launch_template', config: { user_data: '{"schemaVersion":1}' } }, RuleOutcome.COMPLIANT],
  [META1, 'Azure: a scale set with a token', { type: 'azurerm_linux_virtual_machine_scale_set', config: { custom_data: 'hf_' + 'q'.repeat(34) } }, RuleOutcome.NON_COMPLIANT],
  // "The internet" is computed from the ranges, not compared with '0.0.0.0/0'
  [NET2, 'GCP: SSH from two halves of the internet', fw(['0.0.0.0/1', '128.0.0.0/1'], [{ protocol: 'tcp', ports: ['22'] }]), RuleOutcome.NON_COMPLIANT],
  [NET2, 'GCP: SSH from 0.0.0.0/00', fw(['0.0.0.0/00'], [{ protocol: 'tcp', ports: ['22'] }]), RuleOutcome.NON_COMPLIANT],
  [NET2, 'GCP: SSH from a /7', fw(['10.0.0.0/7'], [{ protocol: 'tcp', ports: ['22'] }]), RuleOutcome.NON_COMPLIANT],
  [NET2, 'GCP: SSH from ::/1 and 8000::/1', fw(['::/1', '8000::/1'], [{ protocol: 'tcp', ports: ['22'] }]), RuleOutcome.NON_COMPLIANT],
  [
    NET2,
    'GCP: SSH with no source at all (GCP then admits 0.0.0.0/0)',
    { type: 'google_compute_firewall', config: { direction: 'INGRESS', allow: [{ protocol: 'tcp', ports: ['22'] }] } },
    RuleOutcome.NON_COMPLIANT,
  ],
  [
    NET2,
    'GCP: SSH from a network tag only',
    { type: 'google_compute_firewall', config: { direction: 'INGRESS', source_tags: ['bastion'], allow: [{ protocol: 'tcp', ports: ['22'] }] } },
    RuleOutcome.NOT_APPLICABLE,
  ],
  [NET2, 'GCP: SSH from one /8', fw(['10.0.0.0/8'], [{ protocol: 'tcp', ports: ['22'] }]), RuleOutcome.NOT_APPLICABLE],
  [NET2, 'Azure: SSH from AzureCloud', nsgRule({ source_address_prefix: 'AzureCloud', destination_port_range: '22' }), RuleOutcome.NON_COMPLIANT],
  [NET2, 'Azure: SSH from a regional AzureCloud tag', nsgRule({ source_address_prefix: 'AzureCloud.westeurope', destination_port_range: '22' }), RuleOutcome.NON_COMPLIANT],
  [NET2, 'Azure: SSH from two halves', nsgRule({ source_address_prefixes: ['0.0.0.0/1', '128.0.0.0/1'], destination_port_range: '22' }), RuleOutcome.NON_COMPLIANT],
  [NET1, 'AWS: a database port from two halves', awsIngress({ cidr_ipv4: '0.0.0.0/1', from_port: 5432, to_port: 5432 }), RuleOutcome.NON_COMPLIANT],
  [
    NET4,
    'AWS: all protocols out to two halves',
    { type: 'aws_security_group', config: { egress: [{ protocol: '-1', cidr_blocks: ['0.0.0.0/1', '128.0.0.0/1'] }] } },
    RuleOutcome.NON_COMPLIANT,
  ],
  // AWS and Azure network rules
  [NET1, 'AWS: HTTPS from anywhere', awsIngress({ cidr_ipv4: '0.0.0.0/0', from_port: 443, to_port: 443 }), RuleOutcome.COMPLIANT],
  [NET1, 'AWS: a port range from anywhere over IPv6', awsIngress({ cidr_ipv6: '::/0', from_port: 80, to_port: 443 }), RuleOutcome.NON_COMPLIANT],
  [NET1, 'AWS: every protocol from anywhere', awsIngress({ cidr_ipv4: '0.0.0.0/0', ip_protocol: '-1' }), RuleOutcome.NON_COMPLIANT],
  [NET1, 'AWS: any port from an office range', awsIngress({ cidr_ipv4: '203.0.113.0/24', from_port: 8080, to_port: 8080 }), RuleOutcome.NOT_APPLICABLE],
  [
    NET1,
    'AWS: an inline security group ingress from anywhere to 5432',
    { type: 'aws_security_group', config: { ingress: [{ protocol: 'tcp', from_port: 5432, to_port: 5432, cidr_blocks: ['0.0.0.0/0'] }] } },
    RuleOutcome.NON_COMPLIANT,
  ],
  [NET1, 'Azure: HTTPS from Internet', nsgRule({ source_address_prefix: 'Internet', destination_port_range: '443' }), RuleOutcome.COMPLIANT],
  [NET1, 'Azure: every port from *', nsgRule({ source_address_prefix: '*', destination_port_range: '*' }), RuleOutcome.NON_COMPLIANT],
  [NET1, 'Azure: a deny rule', nsgRule({ access: 'Deny', source_address_prefix: '*', destination_port_range: '*' }), RuleOutcome.NOT_APPLICABLE],
  [NET1, 'Azure: from the Bastion subnet', nsgRule({ source_address_prefix: '10.42.1.0/26', destination_port_range: '22' }), RuleOutcome.NOT_APPLICABLE],
  [NET2, 'AWS: SSH from anywhere', awsIngress({ cidr_ipv4: '0.0.0.0/0', from_port: 22, to_port: 22 }), RuleOutcome.NON_COMPLIANT],
  [NET2, 'AWS: HTTP from anywhere', awsIngress({ cidr_ipv4: '0.0.0.0/0', from_port: 80, to_port: 80 }), RuleOutcome.COMPLIANT],
  [
    NET2,
    'AWS: a security group rule covering 22 over IPv6',
    { type: 'aws_security_group_rule', config: { type: 'ingress', protocol: 'tcp', from_port: 0, to_port: 1024, ipv6_cidr_blocks: ['::/0'] } },
    RuleOutcome.NON_COMPLIANT,
  ],
  [
    NET2,
    'Azure: inline NSG rule with SSH among port ranges from Internet',
    {
      type: 'azurerm_network_security_group',
      config: { security_rule: [{ direction: 'Inbound', access: 'Allow', protocol: '*', source_address_prefixes: ['Internet'], destination_port_ranges: ['443', '20-25'] }] },
    },
    RuleOutcome.NON_COMPLIANT,
  ],
  [NET2, 'Azure: UDP 22 from anywhere is not SSH', nsgRule({ protocol: 'Udp', source_address_prefix: '*', destination_port_range: '22' }), RuleOutcome.COMPLIANT],
  [NET3, 'AWS: an instance with an automatic public IP on a private workspace', ec2({ associate_public_ip_address: true }), RuleOutcome.NON_COMPLIANT],
  [NET3, 'AWS: an instance without a public IP', ec2({ associate_public_ip_address: false }), RuleOutcome.COMPLIANT],
  [
    NET3,
    'AWS: an Elastic IP association for a public workspace',
    { type: 'aws_eip_association', config: { instance_id: 'i' }, intent: { publicAccess: true } },
    RuleOutcome.COMPLIANT,
  ],
  [NET3, 'AWS: an Elastic IP association without public access asked for', { type: 'aws_eip_association', config: { instance_id: 'i' } }, RuleOutcome.NON_COMPLIANT],
  [
    NET3,
    'Azure: a NIC with a public IP on a private workspace',
    { type: 'azurerm_network_interface', config: { ip_configuration: [{ public_ip_address_id: 'pip' }] } },
    RuleOutcome.NON_COMPLIANT,
  ],
  [NET4, 'AWS: HTTPS out', { type: 'aws_vpc_security_group_egress_rule', config: { cidr_ipv4: '0.0.0.0/0', ip_protocol: 'tcp', from_port: 443, to_port: 443 } }, RuleOutcome.COMPLIANT],
  [NET4, 'AWS: everything out', { type: 'aws_vpc_security_group_egress_rule', config: { cidr_ipv4: '0.0.0.0/0', ip_protocol: '-1' } }, RuleOutcome.NON_COMPLIANT],
  [
    NET4,
    'AWS: inline egress of everything over IPv6',
    { type: 'aws_security_group', config: { egress: [{ protocol: '-1', from_port: 0, to_port: 0, ipv6_cidr_blocks: ['::/0'] }] } },
    RuleOutcome.NON_COMPLIANT,
  ],
  [NET4, 'AWS: everything to the VPC', { type: 'aws_vpc_security_group_egress_rule', config: { cidr_ipv4: '10.0.0.0/16', ip_protocol: '-1' } }, RuleOutcome.NOT_APPLICABLE],
  // AWS and Azure instances
  [VM2, 'AWS: no key pair', ec2(GOOD_EC2), RuleOutcome.COMPLIANT],
  [VM2, 'AWS: an EC2 key pair', ec2({ ...GOOD_EC2, key_name: 'alice' }), RuleOutcome.NON_COMPLIANT],
  [VM2, 'Azure: keys only', azureVm({ disable_password_authentication: true }), RuleOutcome.COMPLIANT],
  [VM2, 'Azure: password login', azureVm({ disable_password_authentication: false, admin_password: '${var.pw}' }), RuleOutcome.NON_COMPLIANT],
  [VM3, 'AWS: IMDSv2 with one hop', ec2(GOOD_EC2), RuleOutcome.COMPLIANT],
  [VM3, 'AWS: IMDSv1 allowed', ec2({ metadata_options: { http_tokens: 'optional' } }), RuleOutcome.NON_COMPLIANT],
  [VM3, 'AWS: no metadata options (IMDSv1 by default)', ec2({}), RuleOutcome.NON_COMPLIANT],
  [VM3, 'AWS: two hops let containers reach credentials', ec2({ metadata_options: { http_tokens: 'required', http_put_response_hop_limit: 2 } }), RuleOutcome.NON_COMPLIANT],
  [VM3, 'a GCP VM', vm(GOOD_VM), RuleOutcome.NOT_APPLICABLE],
  [META1, 'AWS: the machine document in user data', ec2(GOOD_EC2), RuleOutcome.COMPLIANT],
  [META1, 'AWS: a secret value reference in user data', ec2({ user_data: '${aws_secretsmanager_secret_version.t.secret_string}' }), RuleOutcome.NON_COMPLIANT],
  [META1, 'Azure: a Key Vault secret value in custom data', azureVm({ custom_data: '${base64encode(azurerm_key_vault_secret.t.value)}' }), RuleOutcome.NON_COMPLIANT],
  [META1, 'Azure: secret URLs only in custom data', azureVm({ custom_data: '${base64encode(azurerm_key_vault.v.vault_uri)}' }), RuleOutcome.COMPLIANT],
  [
    META1,
    'Azure: a password inside the local the user data encodes',
    { ...azureVm({ user_data: '${base64encode(local.doc)}' }), localValue: (name: string) => (name === 'doc' ? '${jsonencode({"t" = random_password.p.result})}' : undefined) },
    RuleOutcome.NON_COMPLIANT,
  ],
  [
    META1,
    'Azure: a local holding only a public key and secret URLs',
    {
      ...azureVm({ user_data: '${base64encode(local.doc)}' }),
      localValue: () => '${jsonencode({"k" = [tls_private_key.a.public_key_openssh], "s" = "${azurerm_key_vault.v.vault_uri}secrets/t"})}',
    },
    RuleOutcome.COMPLIANT,
  ],
  [DISK1, 'AWS: a protected volume', { type: 'aws_ebs_volume', config: { lifecycle: { prevent_destroy: true } } }, RuleOutcome.COMPLIANT],
  [DISK1, 'AWS: an unprotected volume', { type: 'aws_ebs_volume', config: {} }, RuleOutcome.NON_COMPLIANT],
  [
    DISK1,
    'Azure: a disk with a CanNotDelete lock',
    {
      type: 'azurerm_managed_disk',
      config: {},
      address: 'azurerm_managed_disk.home',
      resourcesOfType: () => [{ lock_level: 'CanNotDelete', scope: '${azurerm_managed_disk.home.id}' }],
    },
    RuleOutcome.COMPLIANT,
  ],
  [
    DISK1,
    'Azure: a disk whose lock is read-only on another disk',
    {
      type: 'azurerm_managed_disk',
      config: {},
      address: 'azurerm_managed_disk.home',
      resourcesOfType: () => [{ lock_level: 'CanNotDelete', scope: '${azurerm_managed_disk.other.id}' }],
    },
    RuleOutcome.NON_COMPLIANT,
  ],
  [
    DISK2,
    'AWS: a volume a DLM policy targets by tag',
    {
      type: 'aws_ebs_volume',
      config: { tags: { 'ml-workspace-home': 'alice', 'Name': 'alice-home' } },
      resourcesOfType: () => [{ state: 'ENABLED', policy_details: { resource_types: ['VOLUME'], target_tags: { 'ml-workspace-home': 'alice' } } }],
    },
    RuleOutcome.COMPLIANT,
  ],
  [
    DISK2,
    'AWS: a volume whose tag value no DLM policy targets',
    {
      type: 'aws_ebs_volume',
      config: { tags: { 'ml-workspace-home': 'bob' } },
      resourcesOfType: () => [{ state: 'ENABLED', policy_details: { resource_types: ['VOLUME'], target_tags: { 'ml-workspace-home': 'alice' } } }],
    },
    RuleOutcome.NON_COMPLIANT,
  ],
  [
    DISK2,
    'AWS: a volume only a disabled policy targets',
    {
      type: 'aws_ebs_volume',
      config: { tags: { k: 'v' } },
      resourcesOfType: () => [{ state: 'DISABLED', policy_details: { resource_types: ['VOLUME'], target_tags: { k: 'v' } } }],
    },
    RuleOutcome.NON_COMPLIANT,
  ],
  [
    DISK2,
    'Azure: a disk with a backup instance',
    {
      type: 'azurerm_managed_disk',
      config: {},
      address: 'azurerm_managed_disk.home',
      resourcesOfType: () => [{ disk_id: '${azurerm_managed_disk.home.id}' }],
    },
    RuleOutcome.COMPLIANT,
  ],
  [DISK2, 'Azure: a disk without backup', { type: 'azurerm_managed_disk', config: {}, address: 'azurerm_managed_disk.home', resourcesOfType: () => [] }, RuleOutcome.NON_COMPLIANT],
  [ENC1, 'AWS: the given key on the volume', { type: 'aws_ebs_volume', config: { kms_key_id: 'k' }, intent: { kmsKeyName: 'k' } }, RuleOutcome.COMPLIANT],
  [ENC1, 'AWS: a root volume without the given key', { ...ec2(GOOD_EC2), intent: { kmsKeyName: 'k' } }, RuleOutcome.NON_COMPLIANT],
  [ENC2, 'AWS: encrypted volume', { type: 'aws_ebs_volume', config: { encrypted: true } }, RuleOutcome.COMPLIANT],
  [ENC2, 'AWS: unencrypted volume', { type: 'aws_ebs_volume', config: {} }, RuleOutcome.NON_COMPLIANT],
  [ENC2, 'AWS: unencrypted root volume', ec2({ root_block_device: { encrypted: false } }), RuleOutcome.NON_COMPLIANT],
  [ENC2, 'Azure: encryption at host', azureVm({ encryption_at_host_enabled: true }), RuleOutcome.COMPLIANT],
  [ENC2, 'Azure: no encryption at host', azureVm({}), RuleOutcome.NON_COMPLIANT],
  [ENC2, 'a GCP disk (encrypted by default)', { type: 'google_compute_disk', config: {} }, RuleOutcome.NOT_APPLICABLE],
  [LBL1, 'AWS: an instance with all five tags', ec2(GOOD_EC2), RuleOutcome.COMPLIANT],
  [LBL1, 'Azure: a public IP without tags', { type: 'azurerm_public_ip', config: {} }, RuleOutcome.NON_COMPLIANT],

  [NET1, 'HTTPS from anywhere', fw(['0.0.0.0/0'], [{ protocol: 'tcp', ports: ['443'] }]), RuleOutcome.COMPLIANT],
  [NET1, 'a database port from anywhere', fw(['0.0.0.0/0'], [{ protocol: 'tcp', ports: ['5432'] }]), RuleOutcome.NON_COMPLIANT],
  [NET1, 'every port over IPv6', fw(['::/0'], [{ protocol: 'tcp' }]), RuleOutcome.NON_COMPLIANT],
  [NET1, 'any port from an office range', fw(['203.0.113.0/24'], [{ protocol: 'tcp', ports: ['8080'] }]), RuleOutcome.NOT_APPLICABLE],
  [NET2, 'SSH from IAP', fw(['35.235.240.0/20'], [{ protocol: 'tcp', ports: ['22'] }]), RuleOutcome.NOT_APPLICABLE],
  [NET2, 'SSH from anywhere', fw(['0.0.0.0/0'], [{ protocol: 'tcp', ports: ['22'] }]), RuleOutcome.NON_COMPLIANT],
  [NET2, 'a port range covering 22 from ::/0', fw(['::/0'], [{ protocol: 'tcp', ports: ['20-30'] }]), RuleOutcome.NON_COMPLIANT],
  [NET2, 'all protocols, no port list', fw(['0.0.0.0/0'], [{ protocol: 'all' }]), RuleOutcome.NON_COMPLIANT],
  [NET2, 'HTTP from anywhere', fw(['0.0.0.0/0'], [{ protocol: 'tcp', ports: ['80'] }]), RuleOutcome.COMPLIANT],
  [VM1, 'Shielded VM', vm(GOOD_VM), RuleOutcome.COMPLIANT],
  [VM1, 'integrity monitoring off', vm({ ...GOOD_VM, shielded_instance_config: { enable_integrity_monitoring: false } }), RuleOutcome.NON_COMPLIANT],
  [VM1, 'no shielded config', vm({}), RuleOutcome.NON_COMPLIANT],
  [VM2, 'OS Login, keys blocked, serial off', vm(GOOD_VM), RuleOutcome.COMPLIANT],
  [VM2, 'serial port on', vm({ ...GOOD_VM, metadata: { ...GOOD_VM.metadata, 'serial-port-enable': 'true' } }), RuleOutcome.NON_COMPLIANT],
  [VM2, 'project keys allowed', vm({ ...GOOD_VM, metadata: { 'enable-oslogin': 'TRUE' } }), RuleOutcome.NON_COMPLIANT],
  [IAM1, 'a dedicated account', vm(GOOD_VM), RuleOutcome.COMPLIANT],
  [IAM1, 'the default compute account', vm({ service_account: { email: '123-compute@developer.gserviceaccount.com' } }), RuleOutcome.NON_COMPLIANT],
  [IAM1, 'no account given', vm({}), RuleOutcome.NON_COMPLIANT],
  [DISK1, 'a protected disk', { type: 'google_compute_disk', config: { lifecycle: { prevent_destroy: true } } }, RuleOutcome.COMPLIANT],
  [DISK1, 'an unprotected disk', { type: 'google_compute_disk', config: {} }, RuleOutcome.NON_COMPLIANT],
  [GPU1, 'a GPU VM that terminates', vm(GOOD_VM), RuleOutcome.COMPLIANT],
  [GPU1, 'a GPU VM that migrates', vm({ ...GOOD_VM, scheduling: { on_host_maintenance: 'MIGRATE' } }), RuleOutcome.NON_COMPLIANT],
  [GPU1, 'a CPU VM', vm({ scheduling: { on_host_maintenance: 'MIGRATE' } }), RuleOutcome.NOT_APPLICABLE],
  [NET3, 'public IP with public access asked for', { ...vm({ network_interface: [{ access_config: [{ nat_ip: '1.2.3.4' }] }] }), intent: { publicAccess: true } }, RuleOutcome.COMPLIANT],
  [NET3, 'public IP on a private workspace', vm({ network_interface: [{ access_config: [{}] }] }), RuleOutcome.NON_COMPLIANT],
  [NET3, 'no public IP', vm({ network_interface: [{ subnetwork: 's' }] }), RuleOutcome.COMPLIANT],
  [
    DISK2,
    'a disk with a snapshot policy attachment',
    {
      type: 'google_compute_disk',
      config: { name: 'alice-home' },
      address: 'google_compute_disk.alice_HomeDisk_031B1271',
      resourcesOfType: () => [{ disk: '${google_compute_disk.alice_HomeDisk_031B1271.name}' }],
    },
    RuleOutcome.COMPLIANT,
  ],
  [DISK2, 'a disk with resource_policies', { type: 'google_compute_disk', config: { resource_policies: ['p'] }, resourcesOfType: () => [] }, RuleOutcome.COMPLIANT],
  [
    DISK2,
    'a disk whose attachment is for another disk',
    { type: 'google_compute_disk', config: { name: 'a' }, address: 'google_compute_disk.a', resourcesOfType: () => [{ disk: '${google_compute_disk.b.name}' }] },
    RuleOutcome.NON_COMPLIANT,
  ],
  [ENC1, 'the given key on the disk', { type: 'google_compute_disk', config: { disk_encryption_key: { kms_key_self_link: 'k' } }, intent: { kmsKeyName: 'k' } }, RuleOutcome.COMPLIANT],
  [ENC1, 'a boot disk without the given key', { ...vm({ boot_disk: {} }), intent: { kmsKeyName: 'k' } }, RuleOutcome.NON_COMPLIANT],
  [ENC1, 'no key asked for', { type: 'google_compute_disk', config: {} }, RuleOutcome.NOT_APPLICABLE],
  [META1, 'paths to secret files only', vm({ metadata: { 'ml-workspace-config': '{"connectionTokenFile":"/run/ml-workspace/secrets/connection-token"}' } }), RuleOutcome.COMPLIANT],
  [META1, 'a generated password in metadata', vm({ metadata: { config: '${random_password.alice_Token_1.result}' } }), RuleOutcome.NON_COMPLIANT],
  [META1, 'a private key in the startup script', vm({ metadata_startup_script: 'echo "-----BEGIN EC PRIVATE KEY-----"' }), RuleOutcome.NON_COMPLIANT],
  [META1, 'a key named like a secret', vm({ metadata: { 'db-password': 'hunter22' } }), RuleOutcome.NON_COMPLIANT],
  [LBL1, 'all five labels', vm({ labels: { 'ml-workspace': 'true', 'workspace': 'a', 'owner': 'o', 'cost-center': 'c', 'cost-scope': 'shared' } }), RuleOutcome.COMPLIANT],
  [LBL1, 'a VM without cost-scope', vm({ labels: { 'ml-workspace': 'true', 'workspace': 'a', 'owner': 'o', 'cost-center': 'c' } }), RuleOutcome.NON_COMPLIANT],
  [LBL1, 'a disk without cost-center', { type: 'google_compute_disk', config: { labels: { 'ml-workspace': 'true', 'workspace': 'a', 'owner': 'o' } } }, RuleOutcome.NON_COMPLIANT],
  [LBL1, 'a firewall (not billable)', fw(['10.0.0.0/8'], []), RuleOutcome.NOT_APPLICABLE],
];

test.each(cases.map(([rule, name, resource, expected]) => [rule.id, name, rule, resource, expected] as const))(
  '%s: %s',
  (_id, _name, rule, resource, expected) => {
    expect(rule.check(resource)).toBe(expected);
  },
);

test('every rule has a compliant and a non-compliant case', () => {
  for (const rule of ALL_RULES) {
    const outcomes = cases.filter(([r]) => r === rule).map(([, , , o]) => o);
    expect([rule.id, outcomes]).toEqual([rule.id, expect.arrayContaining([RuleOutcome.COMPLIANT, RuleOutcome.NON_COMPLIANT])]);
  }
});

describe("each rule's appliesTo covers every type it can judge", () => {
  // Every resource the rule cases use and every resource the scan configurations and examples
  // synthesize (resolved, as the Aspect sees them): a rule must find each one outside its types
  // not applicable, or the Aspect, which skips those types, would miss a finding.
  const corpus: { type: string; config: any }[] = cases.map(([, , resource]) => resource);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-applies-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  for (const name of Object.keys(SCAN_CONFIGURATIONS)) {
    for (const file of Object.values(synthConfiguration(name, path.join(tmp, name)))) {
      const json = JSON.parse(fs.readFileSync(file, 'utf8'));
      for (const [type, byName] of Object.entries<Record<string, any>>(json.resource ?? {})) {
        for (const config of Object.values(byName)) corpus.push({ type, config });
      }
    }
  }

  test('the corpus spans many types', () => {
    expect(new Set(corpus.map((r) => r.type)).size).toBeGreaterThan(60);
  });

  test.each(ALL_RULES.map((r) => [r.id, r] as const))('%s', (_id, rule) => {
    const missed = corpus
      .filter((r) => !rule.appliesTo(r.type))
      .filter((r) => rule.check({ ...r, resourcesOfType: () => [], localValue: () => undefined, sensitiveVariable: () => false }) !== RuleOutcome.NOT_APPLICABLE)
      .map((r) => r.type);
    expect(missed).toEqual([]);
    // ...and it is not a catch-all.
    expect(corpus.some((r) => !rule.appliesTo(r.type))).toBe(true);
  });
});
