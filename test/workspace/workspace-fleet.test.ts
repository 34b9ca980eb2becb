import { App, TerraformStack, Testing } from 'cdktf';
import {
  CloudTarget,
  Gpu,
  GpuPackage,
  NixpkgsPin,
  WorkspaceAccess,
  WorkspaceDns,
  WorkspaceFleet,
  WorkspaceFleetMember,
  WorkspaceFleetProps,
  WorkspaceNetwork,
  WorkspaceSize,
  WorkspaceTls,
} from 'cdktf-ml-workspace';
import { AWS_SHAPES } from 'cdktf-ml-workspace-aws/lib/shapes';
import { awsInstance } from 'cdktf-ml-workspace-aws/lib/instance-types';
import { AZURE_SHAPES } from 'cdktf-ml-workspace-azure/lib/shapes';
import { azureVmSize } from 'cdktf-ml-workspace-azure/lib/vm-sizes';
import { GCP_SHAPES } from 'cdktf-ml-workspace-gcp/lib/shapes';
import { gcpMachine } from 'cdktf-ml-workspace-gcp/lib/machine-types';
import { MachineShape, pickShape } from 'cdktf-ml-workspace/lib/core/machine-shapes';
import { DEPLOYER_RANGES, errorOf, GCP, machineDoc } from '../util';
import { GcpTarget } from 'cdktf-ml-workspace-gcp';
import { AwsTarget } from 'cdktf-ml-workspace-aws';
import { AzureTarget } from 'cdktf-ml-workspace-azure';

const IMAGE = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/images/providers/Microsoft.Compute/images/ml-workspace-nixos';
const AZURE = { location: 'westeurope', imageId: IMAGE, keyVaultAllowedCidrs: DEPLOYER_RANGES };
const PUBLIC = WorkspaceAccess.public({ allowedCidrs: ['203.0.113.0/24'] });
const CANARY_PIN = NixpkgsPin.of({ rev: '0123456789abcdef0123456789abcdef01234567', narHash: 'sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' });

const member = (name: string, extra: Partial<WorkspaceFleetMember> = {}): WorkspaceFleetMember => ({ name, owner: `${name}@example.com`, ...extra });

interface Synth {
  readonly json: any;
  readonly stack: TerraformStack;
  readonly fleet: WorkspaceFleet;
  /** Every resource as `type.name` → its configuration. */
  readonly resources: Map<string, string>;
}

function synthFleet(props: Partial<WorkspaceFleetProps> & { members?: WorkspaceFleetMember[] }, target: CloudTarget = GcpTarget.of(GCP)): Synth {
  const app: App = Testing.app();
  const stack = new TerraformStack(app, 'test');
  const fleet = new WorkspaceFleet(stack, 'vision', { target, ...props });
  const json = JSON.parse(Testing.synth(stack, true));
  const resources = new Map<string, string>();
  for (const [type, byName] of Object.entries((json.resource ?? {}) as Record<string, Record<string, unknown>>)) {
    for (const [name, config] of Object.entries(byName)) resources.set(`${type}.${name}`, JSON.stringify(config));
  }
  return { json, stack, fleet, resources };
}

function instanceOf(json: any, type: string, name: string): any {
  const found = Object.entries(json.resource[type]).filter(([n]) => n.startsWith(`vision_${name}_`) && !n.slice(`vision_${name}_`.length).includes('_'));
  if (found.length !== 1) throw new Error(`expected one ${type} for ${name}, found ${found.map(([n]) => n).join(', ')}`);
  return found[0][1];
}

describe('packages: a CPU package and a GPU package chosen independently', () => {
  const pick = (shapes: readonly MachineShape[], cpu: WorkspaceSize, gpus: GpuPackage, spot = false) => {
    const result = pickShape(shapes, 'the cloud', cpu, gpus, spot);
    return 'shape' in result ? result.shape.type : result.problem;
  };

  test.each([
    [GCP_SHAPES, WorkspaceSize.SMALL, GpuPackage.NONE, 'n2-standard-4'],
    [GCP_SHAPES, WorkspaceSize.SMALL, GpuPackage.of(Gpu.NVIDIA_L4), 'g2-standard-4'],
    [GCP_SHAPES, WorkspaceSize.SMALL, GpuPackage.of(Gpu.NVIDIA_L4, 4), 'g2-standard-48'],
    [GCP_SHAPES, WorkspaceSize.XLARGE, GpuPackage.of(Gpu.NVIDIA_L4), 'g2-standard-32'],
    [GCP_SHAPES, WorkspaceSize.LARGE, GpuPackage.of(Gpu.NVIDIA_T4, 2), 'n1-standard-16'],
    [GCP_SHAPES, WorkspaceSize.SMALL, GpuPackage.of(Gpu.NVIDIA_A100_80GB, 2), 'a2-ultragpu-2g'],
    [AWS_SHAPES, WorkspaceSize.SMALL, GpuPackage.of(Gpu.NVIDIA_L4), 'g6.xlarge'],
    [AWS_SHAPES, WorkspaceSize.SMALL, GpuPackage.of(Gpu.NVIDIA_L4, 4), 'g6.12xlarge'],
    [AWS_SHAPES, WorkspaceSize.XLARGE, GpuPackage.of(Gpu.NVIDIA_A10G), 'g5.8xlarge'],
    [AWS_SHAPES, WorkspaceSize.MEDIUM, GpuPackage.NONE, 'm6i.2xlarge'],
    [AZURE_SHAPES, WorkspaceSize.SMALL, GpuPackage.of(Gpu.NVIDIA_T4), 'Standard_NC4as_T4_v3'],
    [AZURE_SHAPES, WorkspaceSize.LARGE, GpuPackage.of(Gpu.NVIDIA_T4), 'Standard_NC16as_T4_v3'],
    [AZURE_SHAPES, WorkspaceSize.SMALL, GpuPackage.of(Gpu.NVIDIA_A100_80GB, 4), 'Standard_NC96ads_A100_v4'],
    // The README's table of packages.
    [AWS_SHAPES, WorkspaceSize.SMALL, GpuPackage.NONE, 'm6i.xlarge'],
    [AZURE_SHAPES, WorkspaceSize.SMALL, GpuPackage.NONE, 'Standard_D4s_v5'],
    [GCP_SHAPES, WorkspaceSize.MEDIUM, GpuPackage.of(Gpu.NVIDIA_L4), 'g2-standard-8'],
    [AWS_SHAPES, WorkspaceSize.MEDIUM, GpuPackage.of(Gpu.NVIDIA_L4), 'g6.2xlarge'],
    [AZURE_SHAPES, WorkspaceSize.MEDIUM, GpuPackage.of(Gpu.NVIDIA_T4), 'Standard_NC8as_T4_v3'],
    [AZURE_SHAPES, WorkspaceSize.SMALL, GpuPackage.of(Gpu.NVIDIA_T4, 4), 'Standard_NC64as_T4_v3'],
    [AZURE_SHAPES, WorkspaceSize.SMALL, GpuPackage.of(Gpu.NVIDIA_A100_80GB, 2), 'Standard_NC48ads_A100_v4'],
    [AWS_SHAPES, WorkspaceSize.SMALL, GpuPackage.of(Gpu.NVIDIA_A100_80GB, 2), 'has no the cloud machine with 2 such GPUs; machines there have 8'],
  ])('%#: %s + %s → %s', (shapes, cpu, gpus, expected) => {
    expect(pick(shapes, cpu, gpus)).toBe(expected);
  });

  test('what cannot be had is said with what can', () => {
    expect(pick(GCP_SHAPES, WorkspaceSize.XLARGE, GpuPackage.of(Gpu.NVIDIA_A100_40GB))).toBe(
      'with CPU package XLARGE (at least 32 vCPUs) has no the cloud machine: the largest with 1 such GPU is a2-highgpu-1g (12 vCPUs); choose a smaller CPU package or more GPUs',
    );
    expect(pick(GCP_SHAPES, WorkspaceSize.SMALL, GpuPackage.of(Gpu.NVIDIA_H100_80GB))).toBe(
      'has no the cloud machine with 1 such GPU (a3-highgpu-1g has 1, with spot: true only); machines there have 8',
    );
    expect(pick(GCP_SHAPES, WorkspaceSize.SMALL, GpuPackage.of(Gpu.NVIDIA_H100_80GB), true)).toBe('a3-highgpu-1g');
    expect(pick(AWS_SHAPES, WorkspaceSize.SMALL, GpuPackage.of(Gpu.NVIDIA_L4, 3))).toBe('has no the cloud machine with 3 such GPUs; machines there have 1, 4, 8');
    expect(pick(AZURE_SHAPES, WorkspaceSize.SMALL, GpuPackage.of(Gpu.NVIDIA_L4))).toBe(
      "is not offered on the cloud; the library's the cloud machines have nvidia-t4, nvidia-a10, nvidia-a100-80gb, nvidia-h100-80gb",
    );
  });

  // The presets of GpuWorkspace and the shapes fleets choose from describe the same machines.
  test.each([
    ['GCP', GCP_SHAPES, (size: WorkspaceSize, gpu?: Gpu) => { const m = gcpMachine(size, gpu); return m && { type: m.machineType, gpus: m.acceleratorCount }; }],
    ['AWS', AWS_SHAPES, (size: WorkspaceSize, gpu?: Gpu) => { const m = awsInstance(size, gpu); return m && { type: m.instanceType, gpus: m.gpuCount }; }],
    ['Azure', AZURE_SHAPES, (size: WorkspaceSize, gpu?: Gpu) => { const m = azureVmSize(size, gpu); return m && { type: m.vmSize, gpus: m.gpuCount }; }],
  ])('%s: every size preset is a shape with the same GPU model and count', (_cloud, shapes, preset) => {
    let checked = 0;
    for (const gpu of [undefined, ...Gpu.CATALOG]) {
      for (const size of Object.values(WorkspaceSize)) {
        const machine = preset(size, gpu);
        if (!machine) continue;
        const shape = shapes.find((s) => s.type === machine.type && s.gpuCount === machine.gpus);
        expect({ type: machine.type, gpu: shape?.gpu }).toEqual({ type: machine.type, gpu: gpu?.name });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  test.each([
    [() => GpuPackage.of(Gpu.NVIDIA_L4, 0), 'GpuPackage.of: count 0 must be a whole number from 1 to 16'],
    [() => GpuPackage.of(Gpu.NVIDIA_L4, 1.5), 'GpuPackage.of: count 1.5 must be a whole number from 1 to 16'],
    [() => GpuPackage.of(Gpu.NVIDIA_L4, NaN), 'GpuPackage.of: count NaN must be a whole number from 1 to 16'],
    [() => GpuPackage.of(Gpu.NVIDIA_L4, 17), 'GpuPackage.of: count 17 must be a whole number from 1 to 16'],
    [() => GpuPackage.of(Gpu.NVIDIA_L4, '2' as any), "GpuPackage.of: count '2' must be a whole number from 1 to 16"],
    [() => GpuPackage.of(Gpu.of('nvidia-h200-141gb')), "GpuPackage.of: gpu Gpu.of('nvidia-h200-141gb') must be a catalog GPU, e.g. Gpu.NVIDIA_L4 (packages choose among the machine types the library knows)"],
    [() => GpuPackage.of('nvidia-l4' as any), "GpuPackage.of: gpu 'nvidia-l4' must be a catalog GPU, e.g. Gpu.NVIDIA_L4 (packages choose among the machine types the library knows)"],
  ])('%#: a bad package is refused', (make, message) => {
    expect(errorOf(make)).toBe(message);
  });
});

describe('a fleet on GCP', () => {
  const built = synthFleet({
    defaults: { cpu: WorkspaceSize.MEDIUM, gpus: GpuPackage.of(Gpu.NVIDIA_L4), costCenter: 'vision', labels: { team: 'vision' } },
    members: [
      member('alice'),
      member('bob', { cpu: WorkspaceSize.SMALL, gpus: GpuPackage.of(Gpu.NVIDIA_L4, 4), homeDiskSizeGiB: 1000, labels: { project: 'seg' } }),
      member('carol', { gpus: GpuPackage.NONE, spot: true }),
    ],
    admins: ['group:ml-admins@example.com'],
  });

  test('each member gets the machine its packages choose, with its GPUs', () => {
    const vm = (name: string) => instanceOf(built.json, 'google_compute_instance', name);
    expect(vm('alice')).toMatchObject({ machine_type: 'g2-standard-8', guest_accelerator: [{ type: 'nvidia-l4', count: 1 }] });
    expect(vm('bob')).toMatchObject({ machine_type: 'g2-standard-48', guest_accelerator: [{ type: 'nvidia-l4', count: 4 }] });
    expect(vm('carol').machine_type).toBe('n2-standard-8');
    expect(vm('carol').guest_accelerator).toBeUndefined();
    expect(vm('carol').scheduling.provisioning_model).toBe('SPOT');
  });

  test('defaults apply, a member overrides them, labels merge', () => {
    expect(instanceOf(built.json, 'google_compute_instance', 'bob').labels).toEqual({
      'cost-center': 'vision',
      'cost-scope': 'workspace',
      'ml-workspace': 'true',
      'ml-workspace-nixpkgs': NixpkgsPin.DEFAULT.rev,
      'owner': 'bob_example_com',
      'project': 'seg',
      'team': 'vision',
      'workspace': 'bob',
    });
    const disks = built.json.resource.google_compute_disk;
    expect(Object.entries(disks).map(([n, d]: [string, any]) => [n.split('_')[1], d.size]).sort()).toEqual([['alice', 200], ['bob', 1000], ['carol', 200]]);
  });

  test('every member shares the fleet\'s network', () => {
    expect(Object.keys(built.json.resource.google_compute_network)).toEqual([expect.stringMatching(/^vision_Network_[0-9A-F]+$/)]);
    expect(built.json.resource.google_compute_network[Object.keys(built.json.resource.google_compute_network)[0]].name).toBe('vision-net');
    expect(built.fleet.network?.networkName).toBe('vision');
  });

  test('an owner is granted their own workspace and nothing else; admins are granted all', () => {
    const iap = Object.values(built.json.resource.google_iap_tunnel_instance_iam_member) as any[];
    const byMember = (m: string) => iap.filter((g) => g.member === m).map((g) => g.instance).sort();
    expect(byMember('user:alice@example.com')).toEqual(['${google_compute_instance.vision_alice_73EC7CE1.name}']);
    expect(byMember('user:bob@example.com')).toHaveLength(1);
    expect(byMember('group:ml-admins@example.com')).toHaveLength(3);
    expect(iap).toHaveLength(6);
  });

  test('vCPUs and GPUs per quota family and region, as an output and an info annotation', () => {
    // carol is Spot: Spot capacity counts against its own quotas.
    expect(JSON.parse(built.json.output.vision_capacity.value)).toEqual([
      { region: 'europe-west4', family: 'g2', spot: false, machines: 2, vcpus: 56, gpus: { 'nvidia-l4': 5 } },
      { region: 'europe-west4', family: 'n2', spot: true, machines: 1, vcpus: 8, gpus: {} },
    ]);
    const infos = built.fleet.node.metadata.filter((m) => m.type === '@cdktf/info').map((m) => m.data);
    expect(infos).toEqual([
      "WorkspaceFleet 'vision' runs in europe-west4: g2: 2 machines, 56 vCPUs, 5 nvidia-l4; n2 (Spot): 1 machine, 8 vCPUs. Quota is per region and family, Spot apart: check the GCP quotas for each family's vCPUs and each GPU model before deploying",
    ]);
  });

  test('members are looked up by name', () => {
    expect(built.fleet.memberNames).toEqual(['alice', 'bob', 'carol']);
    expect(built.fleet.member('bob').workspaceName).toBe('bob');
    expect(errorOf(() => built.fleet.member('dave'))).toBe("WorkspaceFleet 'vision': no member named 'dave'; members are alice, bob, carol");
  });
});

describe('members are keyed by name, never by position', () => {
  const names = (...n: string[]) => n.map((x) => member(x));
  const base = synthFleet({ members: names('alice', 'bob', 'carol') });

  test('reordering changes nothing', () => {
    const reordered = synthFleet({ members: names('carol', 'alice', 'bob') });
    expect(reordered.resources).toEqual(base.resources);
  });

  test('adding a member adds only its resources', () => {
    const more = synthFleet({ members: names('alice', 'bob', 'carol', 'dave') });
    const added = [...more.resources.keys()].filter((k) => !base.resources.has(k));
    expect(added.length).toBeGreaterThan(10);
    expect(added.every((k) => k.split('.')[1].startsWith('vision_dave_'))).toBe(true);
    for (const [k, v] of base.resources) expect([k, more.resources.get(k)]).toEqual([k, v]);
  });

  test('removing a member removes only its resources', () => {
    const fewer = synthFleet({ members: names('alice', 'carol') });
    const removed = [...base.resources.keys()].filter((k) => !fewer.resources.has(k));
    expect(removed.length).toBeGreaterThan(10);
    expect(removed.every((k) => k.split('.')[1].startsWith('vision_bob_'))).toBe(true);
    for (const [k, v] of fewer.resources) expect([k, v]).toEqual([k, base.resources.get(k)]);
  });

  test('addMember after construction is the same as listing the member', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'test');
    const fleet = new WorkspaceFleet(stack, 'vision', { target: GcpTarget.of(GCP), members: names('alice') });
    fleet.addMember(member('bob'));
    fleet.addMember(member('carol'));
    const json = JSON.parse(Testing.synth(stack, true));
    expect(JSON.stringify(json.resource)).toBe(JSON.stringify(base.json.resource));
  });
});

describe('one nixpkgs revision, and a canary rollout that replaces nothing', () => {
  const members = [member('alice', { canary: true }), member('bob'), member('carol')];
  const before = synthFleet({ members });
  const during = synthFleet({ members, rollout: { canaryNixpkgs: CANARY_PIN } });

  test('canaries get the new revision in their document and label; the rest stay', () => {
    const pinOf = (s: Synth, name: string) => {
      const vm = instanceOf(s.json, 'google_compute_instance', name);
      return [machineDoc(vm).nixpkgs.rev, vm.labels['ml-workspace-nixpkgs']];
    };
    expect(pinOf(during, 'alice')).toEqual([CANARY_PIN.rev, CANARY_PIN.rev]);
    expect(pinOf(during, 'bob')).toEqual([NixpkgsPin.DEFAULT.rev, NixpkgsPin.DEFAULT.rev]);
    expect(pinOf(before, 'alice')).toEqual([NixpkgsPin.DEFAULT.rev, NixpkgsPin.DEFAULT.rev]);
  });

  test('starting the rollout changes only the canary VM (metadata and a label, both updated in place)', () => {
    const changed = [...during.resources.keys()].filter((k) => during.resources.get(k) !== before.resources.get(k));
    expect(changed).toEqual([expect.stringMatching(/^google_compute_instance\.vision_alice_[0-9A-F]+$/)]);
  });

  test.each([
    ['AWS', () => AwsTarget.of({ region: 'eu-west-1' }), 'aws_instance', 'user_data'],
    ['Azure', () => AzureTarget.of(AZURE), 'azurerm_linux_virtual_machine', 'user_data'],
  ])('%s: starting the rollout changes only the canary VM\'s document and revision tag, which the provider updates in place', (_cloud, target, type, attribute) => {
    const members = [member('alice', { canary: true }), member('bob')];
    const a = synthFleet({ members }, target());
    const b = synthFleet({ members, rollout: { canaryNixpkgs: CANARY_PIN } }, target());
    const changed = [...b.resources.keys()].filter((k) => b.resources.get(k) !== a.resources.get(k));
    expect(changed).toEqual([expect.stringMatching(new RegExp(`^${type}\\.vision_alice_[0-9A-F]+$`))]);
    const [before, after] = [a, b].map((s) => instanceOf(s.json, type, 'alice'));
    expect(after.tags['ml-workspace-nixpkgs']).toBe(CANARY_PIN.rev);
    // The document, directly or through the local it is kept in (Azure, with apply-time values).
    const documentOf = (s: Synth, vm: any) => JSON.stringify(vm[attribute]) + JSON.stringify(s.json.locals ?? {});
    expect(documentOf(b, after)).not.toBe(documentOf(a, before));
    expect(documentOf(b, after)).toContain(CANARY_PIN.rev);
    // Not a replacement: the provider stops and starts the instance to change its user data.
    if (type === 'aws_instance') expect(after.user_data_replace_on_change).toBe(false);
  });

  test('promoting changes only the others', () => {
    const promoted = synthFleet({ members, nixpkgs: CANARY_PIN });
    const changed = [...promoted.resources.keys()].filter((k) => promoted.resources.get(k) !== during.resources.get(k));
    expect(changed.map((k) => k.split('.')[1].split('_')[1]).sort()).toEqual(['bob', 'carol']);
    expect(changed.every((k) => k.startsWith('google_compute_instance.'))).toBe(true);
  });

  test('who runs what is reported', () => {
    const infos = during.fleet.node.metadata.filter((m) => m.type === '@cdktf/info').map((m) => m.data);
    expect(infos).toContain(
      `WorkspaceFleet 'vision': 1 of 3 members (alice) run nixpkgs ${CANARY_PIN.rev.slice(0, 12)}, the rest ${NixpkgsPin.DEFAULT.rev.slice(0, 12)}; promote by making the canary revision the fleet's nixpkgs and removing rollout`,
    );
  });

  test('a rollout without canaries, or onto the fleet\'s own revision, is refused at synthesis', () => {
    expect(errorOf(() => synthFleet({ members: [member('alice')], rollout: { canaryNixpkgs: CANARY_PIN } }))).toContain(
      "WorkspaceFleet 'vision': rollout.canaryNixpkgs is given but no member is a canary; mark one or more members canary: true, or remove the rollout",
    );
    expect(errorOf(() => synthFleet({ members, nixpkgs: CANARY_PIN, rollout: { canaryNixpkgs: CANARY_PIN } }))).toContain(
      "WorkspaceFleet 'vision': rollout.canaryNixpkgs is the fleet's own revision 0123456789ab; the rollout is promoted: remove it",
    );
  });
});

describe('fleets on AWS and Azure', () => {
  const warnings = (built: Synth) =>
    built.stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === '@cdktf/warn' && String(m.data).startsWith('WorkspaceFleet')).map((m) => m.data));

  test('AWS: members share one VPC; a member with a principal is granted, one without is warned about', () => {
    const built = synthFleet(
      {
        defaults: { gpus: GpuPackage.of(Gpu.NVIDIA_L4), tls: WorkspaceTls.selfSigned() },
        members: [member('alice', { principal: 'arn:aws:iam::123456789012:role/alice' }), member('bob', { access: PUBLIC })],
      },
      AwsTarget.of({ region: 'eu-west-1' }),
    );
    const resource = built.json.resource;
    expect(Object.keys(resource.aws_vpc)).toEqual([expect.stringMatching(/^vision_Network_Vpc_/)]);
    expect(Object.keys(resource.aws_nat_gateway)).toHaveLength(1);
    expect(instanceOf(built.json, 'aws_instance', 'alice')).toMatchObject({ instance_type: 'g6.xlarge', subnet_id: expect.stringMatching(/^\$\{aws_subnet\.vision_Network_Subnet_/) });
    expect(instanceOf(built.json, 'aws_instance', 'bob').subnet_id).toMatch(/^\$\{aws_subnet\.vision_Network_NatSubnet_/);
    const attachments = Object.values(resource.aws_iam_role_policy_attachment).filter((a: any) => a.role === 'alice');
    expect(attachments).toHaveLength(1);
    expect(warnings(built)).toEqual([
      "WorkspaceFleet 'vision': member 'bob' has no principal, so nobody is granted access to its workspace; set principal (on AWS, an IAM role, user or group ARN)",
    ]);
  });

  test('Azure: private members share one Bastion; a public member keeps its own network', () => {
    const built = synthFleet(
      {
        defaults: { gpus: GpuPackage.of(Gpu.NVIDIA_T4) },
        members: [
          member('alice', { principal: '11111111-2222-3333-4444-555555555555' }),
          member('carol', { principal: '66666666-7777-8888-9999-000000000000' }),
          member('bob', { access: PUBLIC, principal: '22222222-3333-4444-5555-666666666666' }),
        ],
      },
      AzureTarget.of(AZURE),
    );
    const resource = built.json.resource;
    expect(Object.keys(resource.azurerm_bastion_host)).toEqual([expect.stringMatching(/^vision_Network_Bastion_/)]);
    expect(Object.keys(resource.azurerm_virtual_network).sort()).toEqual([expect.stringMatching(/^vision_Network_VirtualNetwork_/), expect.stringMatching(/^vision_bob_VirtualNetwork_/)]);
    expect(instanceOf(built.json, 'azurerm_linux_virtual_machine', 'alice').size).toBe('Standard_NC4as_T4_v3');
    const readers = Object.entries(resource.azurerm_role_assignment).filter(([n]) => n.includes('BastionReader')).map(([, a]: [string, any]) => a.principal_id).sort();
    expect(readers).toEqual(['11111111-2222-3333-4444-555555555555', '66666666-7777-8888-9999-000000000000']);
    expect(warnings(built)).toEqual([]);
  });
});

describe('a fleet checks its own props and names itself in every message', () => {
  const make = (props: any, target: CloudTarget = GcpTarget.of(GCP)) => errorOf(() => synthFleet({ ...props }, target));

  test.each([
    ['a member\'s bad value is reported as the fleet\'s member', { members: [member('alice', { homeDiskSizeGiB: 5 })] }, "WorkspaceFleet 'vision' member 'alice': homeDiskSizeGiB 5 must be a whole number from 10 to 65536"],
    ['two members of one name', { members: [member('alice'), member('alice')] }, "WorkspaceFleet 'vision': member name 'alice' is already a member; give each member its own name"],
    ['a bad member name', { members: [member('Alice')] }, "WorkspaceFleet 'vision': member name 'Alice' is not a valid member name; use 2-24 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen"],
    ['a member without an owner', { members: [{ name: 'alice' }] }, "WorkspaceFleet 'vision': member: owner is required: { name, owner, cpu?, gpus?, ... }"],
    ['a member that is not an object', { members: ['alice'] }, "WorkspaceFleet 'vision': member: options 'alice' must be an object: { name, owner, cpu?, gpus?, ... }"],
    ['members that are not a list', { members: { alice: {} } }, "WorkspaceFleet 'vision': members {\"alice\":{}} must be a list of members: [{ name, owner, ... }]"],
    ['an unknown CPU package', { members: [member('alice', { cpu: 'HUGE' as any })] }, "WorkspaceFleet 'vision': member 'alice' cpu 'HUGE' is not a CPU package; use one of WorkspaceSize.SMALL, WorkspaceSize.MEDIUM, WorkspaceSize.LARGE, WorkspaceSize.XLARGE"],
    ['a GPU package as a string', { defaults: { gpus: 'nvidia-l4' } }, "WorkspaceFleet 'vision': gpus 'nvidia-l4' must be made with GpuPackage.of(Gpu.NVIDIA_L4, 1) or GpuPackage.NONE"],
    ['a package the cloud has no machine for', { members: [member('alice', { cpu: WorkspaceSize.XLARGE, gpus: GpuPackage.of(Gpu.NVIDIA_A100_40GB) })] }, "WorkspaceFleet 'vision': member 'alice' gpus 'GpuPackage.of(Gpu.NVIDIA_A100_40GB, 1)' with CPU package XLARGE (at least 32 vCPUs) has no GCP machine: the largest with 1 such GPU is a2-highgpu-1g (12 vCPUs); choose a smaller CPU package or more GPUs"],
    ['a non-string admin', { admins: [42] }, "WorkspaceFleet 'vision': admins [42] must be a list of strings"],
    ['a population as admin', { admins: ['allUsers'], members: [member('alice')] }, "WorkspaceFleet 'vision' member 'alice': grantAccess member 'allUsers' is not an IAM principal; write it like 'user:alice@example.com' or 'group:ml-team@example.com'"],
    ['a domain as a member principal', { members: [member('alice', { principal: 'domain:example.com' })] }, "WorkspaceFleet 'vision' member 'alice': grantAccess member 'domain:example.com' grants everyone with an account in that domain; a workspace is one person's machine: grant a person ('user:...') or a group ('group:ml-team@example.com')"],
    ['a bad fleet name', { fleetName: 'vision_team' }, "WorkspaceFleet 'vision': fleetName 'vision_team' is not a valid fleet name; use 2-24 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen (set fleetName when the construct id does not qualify)"],
    ['a rollout without its pin', { rollout: {} }, "WorkspaceFleet 'vision': rollout: canaryNixpkgs is required: { canaryNixpkgs: NixpkgsPin.of({ rev, narHash }) }"],
  ])('%s', (_what, props, message) => {
    expect(make(props)).toBe(message);
  });

  test.each([
    ['a member written with GpuWorkspace spellings', { members: [{ name: 'alice', owner: 'a@example.com', gpu: Gpu.NVIDIA_L4 }] }, "WorkspaceFleet 'vision': member 'alice' key 'gpu' is not a fleet setting; use gpus"],
    ['a member with a size', { members: [{ name: 'alice', owner: 'a@example.com', size: WorkspaceSize.LARGE }] }, "WorkspaceFleet 'vision': member 'alice' key 'size' is not a fleet setting; use cpu"],
    ['a default the fleet does not take', { defaults: { nixpkgs: NixpkgsPin.DEFAULT } }, "WorkspaceFleet 'vision': defaults key 'nixpkgs' is not a fleet setting; use the fleet's nixpkgs"],
    ['a prop the fleet does not take', { member: [] }, "WorkspaceFleet 'vision': props key 'member' is not a fleet setting; it takes target, network, fleetName, admins, nixpkgs, defaults, members, rollout"],
    ['one DNS record for every member', { defaults: { dns: WorkspaceDns.zone({ zoneName: 'ml-zone', recordName: 'ide.ml.example.com' }) } }, "WorkspaceFleet 'vision': defaults.dns 'WorkspaceDns.zone(...)' would give every member the same DNS record; use WorkspaceDns.none(), .cloudEndpoints() or .azureDomainLabel(), which name each member on its own, or give members that need a zone record a GpuWorkspace of their own"],
    ['a bad cost center, found by the fleet\'s network', { defaults: { costCenter: 'ML Research' }, members: [member('alice')] }, "WorkspaceFleet 'vision': defaults.costCenter 'ML Research' is not a valid label value; use 1-63 lowercase letters, digits, '_' or '-', e.g. 'ml-research'"],
  ])('%s', (_what, props, message) => {
    expect(make(props)).toBe(message);
  });

  test('AWS: an admin of many members gets one policy for all of them, not one per member (the quota is 10 per principal)', () => {
    const members = Array.from({ length: 11 }, (_, i) => member(`m${i}`, { principal: `arn:aws:iam::123456789012:role/m${i}` }));
    const built = synthFleet({ members, admins: ['arn:aws:iam::123456789012:role/ml-platform'] }, AwsTarget.of({ region: 'eu-west-1' }));
    const attachments = Object.values<any>(built.json.resource.aws_iam_role_policy_attachment).filter((a) => a.role === 'ml-platform');
    expect(attachments).toHaveLength(1);
    const policies = Object.entries<any>(built.json.resource.aws_iam_policy).filter(([, p]) => p.name.startsWith('mlwfleet-'));
    expect(policies.map(([, p]) => p.name)).toEqual([expect.stringMatching(/^mlwfleet-vision-eu-west-1-access-[0-9a-f]{8}$/)]);
    const document = Object.entries<any>(built.json.data.aws_iam_policy_document).find(([n]) => n.startsWith('vision_Access-role-ml-platform-'))![1];
    const [sessions, , tokens] = document.statement;
    expect(sessions.sid).toBe('StartSessionsToTheseWorkspaces');
    expect(sessions.resources.filter((r: string) => r.startsWith('${aws_instance.'))).toHaveLength(11);
    expect(tokens).toMatchObject({ sid: 'ReadConnectionTokens', actions: ['secretsmanager:GetSecretValue'] });
    expect(tokens.resources).toHaveLength(11);
    // Each member's own principal still gets its own workspace alone.
    const own = Object.values<any>(built.json.data.aws_iam_policy_document).filter((d) => d.statement[0].sid === 'StartSessionsToThisWorkspace');
    expect(own).toHaveLength(11);
    expect(built.fleet.node.metadata.filter((m) => m.type === '@cdktf/warn')).toEqual([]);
  });

  test('AWS: a member added after the admins is in their policy too', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'test');
    const fleet = new WorkspaceFleet(stack, 'vision', { target: AwsTarget.of({ region: 'eu-west-1' }), admins: ['arn:aws:iam::123456789012:group/ml-admins'] });
    fleet.addMember(member('alice', { principal: 'arn:aws:iam::123456789012:role/alice' }));
    const json = JSON.parse(Testing.synth(stack, true));
    const document = Object.entries<any>(json.data.aws_iam_policy_document).find(([n]) => n.startsWith('vision_Access-group-ml-admins-'))![1];
    expect(document.statement[0].resources.filter((r: string) => r.startsWith('${aws_instance.'))).toEqual([expect.stringMatching(/^\$\{aws_instance\.vision_alice_[0-9A-F]+\.arn\}$/)]);
    expect(Object.values<any>(json.resource.aws_iam_group_policy_attachment).map((a) => a.group)).toEqual(['ml-admins']);
  });

  test('AWS: an admin that is not an IAM ARN is refused by the fleet', () => {
    expect(make({ admins: ['alice@example.com'] }, AwsTarget.of({ region: 'eu-west-1' }))).toBe(
      "WorkspaceFleet 'vision': admins member 'alice@example.com' is not an IAM role, user or group ARN; write it like 'arn:aws:iam::123456789012:role/alice'",
    );
  });

  test('a target that fixes the machine type is refused: the packages choose it', () => {
    expect(make({}, GcpTarget.of({ ...GCP, machineType: 'g2-standard-12' }))).toBe(
      "WorkspaceFleet 'vision': target.machineType 'g2-standard-12' would give every member one machine type; leave it out and choose packages (defaults.cpu, defaults.gpus and each member's cpu and gpus)",
    );
  });

  test('a network for another cloud is refused', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const network = new WorkspaceNetwork(stack, 'team', { target: AwsTarget.of({ region: 'eu-west-1' }) });
    expect(errorOf(() => new WorkspaceFleet(stack, 'vision', { target: GcpTarget.of(GCP), network }))).toBe(
      "WorkspaceFleet 'vision': network 'test/team' is a AWS network and the target is GCP; use a network made for the same cloud",
    );
  });

  test('a fleet with no members makes no network and reports nothing', () => {
    const built = synthFleet({});
    expect(built.json.resource).toBeUndefined();
    expect(built.fleet.network).toBeUndefined();
    expect(built.json.output.vision_capacity.value).toBe('[]');
  });

  test('a target naming an existing network: members use it and no network is made', () => {
    const built = synthFleet({ members: [member('alice')] }, GcpTarget.of({ ...GCP, network: 'hub', subnetwork: 'hub-ml' }));
    expect(built.json.resource.google_compute_network).toBeUndefined();
    expect(instanceOf(built.json, 'google_compute_instance', 'alice').network_interface[0]).toMatchObject({ network: 'hub', subnetwork: 'hub-ml' });
  });

  test('tls from the defaults reaches every member', () => {
    const built = synthFleet({ defaults: { tls: WorkspaceTls.selfSigned() }, members: [member('alice', { access: PUBLIC })] });
    expect(Object.keys(built.json.resource.tls_self_signed_cert ?? {})).toHaveLength(1);
  });
});
