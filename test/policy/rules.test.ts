import { ALL_RULES } from '../../src/policy/rules';
import { DISK1 } from '../../src/policy/rules/disk1-prevent-destroy';
import { GPU1 } from '../../src/policy/rules/gpu1-host-maintenance';
import { IAM1 } from '../../src/policy/rules/iam1-default-service-account';
import { NET1 } from '../../src/policy/rules/net1-open-ingress';
import { NET2 } from '../../src/policy/rules/net2-ssh-from-anywhere';
import { VM1 } from '../../src/policy/rules/vm1-shielded';
import { VM2 } from '../../src/policy/rules/vm2-login-hardening';
import { NET3 } from '../../src/policy/rules/net3-public-ip';
import { DISK2 } from '../../src/policy/rules/disk2-snapshots';
import { ENC1 } from '../../src/policy/rules/enc1-customer-keys';
import { META1 } from '../../src/policy/rules/meta1-secrets-in-metadata';
import { LBL1 } from '../../src/policy/rules/lbl1-required-labels';
import { PolicyRule, RuleOutcome } from '../../src/policy/rule';

const fw = (source_ranges: string[], allow: any[]) => ({ type: 'google_compute_firewall', config: { direction: 'INGRESS', source_ranges, allow } });
const vm = (config: any) => ({ type: 'google_compute_instance', config });
const GOOD_VM = {
  shielded_instance_config: { enable_secure_boot: false, enable_vtpm: true, enable_integrity_monitoring: true },
  metadata: { 'enable-oslogin': 'TRUE', 'block-project-ssh-keys': 'TRUE', 'serial-port-enable': 'FALSE' },
  service_account: { email: 'mlw-alice@p.iam.gserviceaccount.com', scopes: ['cloud-platform'] },
  guest_accelerator: [{ type: 'nvidia-l4', count: 1 }],
  scheduling: { on_host_maintenance: 'TERMINATE' },
};

const cases: Array<[PolicyRule, string, any, RuleOutcome]> = [
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
  [LBL1, 'all four labels', vm({ labels: { 'ml-workspace': 'true', 'workspace': 'a', 'owner': 'o', 'cost-center': 'c' } }), RuleOutcome.COMPLIANT],
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
