import { ALL_RULES } from '../../src/policy/rules';
import { DISK1 } from '../../src/policy/rules/disk1-prevent-destroy';
import { GPU1 } from '../../src/policy/rules/gpu1-host-maintenance';
import { IAM1 } from '../../src/policy/rules/iam1-default-service-account';
import { NET1 } from '../../src/policy/rules/net1-open-ingress';
import { NET2 } from '../../src/policy/rules/net2-ssh-from-anywhere';
import { VM1 } from '../../src/policy/rules/vm1-shielded';
import { VM2 } from '../../src/policy/rules/vm2-login-hardening';
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
