import { Annotations, Lazy, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { WorkspaceAccess } from '../core/access';
import { CloudTarget, TARGET_EXAMPLE } from '../core/cloud-target';
import { MachineShape, pickShape } from '../core/machine-shapes';
import { GpuPackage } from '../core/packages';
import { requireShapes, Shape } from '../core/shapes';
import { DnsMode } from '../core/dns';
import { WorkspaceSize } from '../core/size';
import { describe, invalid } from '../core/validation';
import { NixpkgsPin } from '../core/versions';
import { constructMember, GpuWorkspace, WORKSPACE_OPTION_SHAPES, WorkspaceOptions } from '../workspace/gpu-workspace';
import { isResourceName, NAME_RULE } from '../workspace/validate';
import { WorkspaceCloud, workspaceCloud } from '../host/workspace-cloud';
import { WorkspaceNetwork } from '../network/workspace-network';
import { usageError } from '../core/errors';

/** What every member of a fleet gets unless the member says otherwise. */
export interface WorkspaceFleetDefaults extends WorkspaceOptions {
  /**
   * The CPU package: at least 4 (SMALL), 8 (MEDIUM), 16 (LARGE) or 32 (XLARGE) vCPUs; memory
   * follows the machine family (about 4 GiB per vCPU on CPU machines, more on GPU ones).
   * @default WorkspaceSize.SMALL
   */
  readonly cpu?: WorkspaceSize;
  /**
   * The GPU package, chosen independently of the CPU package.
   * @default GpuPackage.NONE
   */
  readonly gpus?: GpuPackage;
}

/** One person's workspace in a fleet. Every field but `name` and `owner` overrides the fleet's defaults. */
export interface WorkspaceFleetMember {
  /**
   * The member's stable key: the workspace's name and the id of its constructs, so adding,
   * removing or reordering members changes only that member's resources. Renaming a member
   * replaces its workspace (and its home disk is protected from destruction). 2–24 lowercase
   * letters, digits and hyphens, starting with a letter.
   */
  readonly name: string;
  /** The owner's email. */
  readonly owner: string;
  /**
   * Who is granted access to this workspace, and to no other: on GCP an IAM principal, on AWS
   * an IAM role, user or group ARN, on Azure a Microsoft Entra object id.
   * @default - on GCP `user:<owner>`; on AWS and Azure nobody (a warning says so)
   */
  readonly principal?: string;
  /** The CPU package. @default - the fleet's */
  readonly cpu?: WorkspaceSize;
  /** The GPU package. @default - the fleet's */
  readonly gpus?: GpuPackage;
  /** @default - the fleet's */
  readonly access?: WorkspaceAccess;
  /** @default - the fleet's */
  readonly spot?: boolean;
  /** Whether the VM should be running (GCP and AWS). @default true */
  readonly running?: boolean;
  /** @default - the fleet's */
  readonly homeDiskSizeGiB?: number;
  /** @default - the fleet's */
  readonly costCenter?: string;
  /** Added to the fleet's labels. @default - none */
  readonly labels?: { [key: string]: string };
  /**
   * A canary gets the rollout's nixpkgs revision before the rest of the fleet.
   * @default false
   */
  readonly canary?: boolean;
}

/** A staged change of the fleet's nixpkgs revision. */
export interface WorkspaceFleetRollout {
  /**
   * The revision canary members run while the rest stay on the fleet's `nixpkgs`. Promote it
   * by making it the fleet's `nixpkgs` and removing the rollout; roll back by removing the
   * rollout. Either way no VM is replaced: each machine rebuilds at its next boot (on AWS at
   * apply, since the provider stops and starts an instance to change its user data).
   */
  readonly canaryNixpkgs: NixpkgsPin;
}

/** Properties of a {@link WorkspaceFleet}. */
export interface WorkspaceFleetProps {
  /** The cloud and placement of every member. It must not set a machine type: the packages choose it. */
  readonly target: CloudTarget;
  /**
   * The network the members share.
   * @default - a `WorkspaceNetwork` named after the fleet, made when the first member that can
   * join one is added; none when the target names an existing network (members use it). On
   * Azure, public members keep their own network (a shared Azure network takes private ones).
   */
  readonly network?: WorkspaceNetwork;
  /**
   * The fleet's name: the prefix of its network's resources.
   * @default - the construct id
   */
  readonly fleetName?: string;
  /** What every member gets unless it says otherwise. @default - the `GpuWorkspace` defaults */
  readonly defaults?: WorkspaceFleetDefaults;
  /** The members; more can be added with `addMember`. @default - none */
  readonly members?: WorkspaceFleetMember[];
  /**
   * Principals granted access to every member's workspace (the cloud's principal form, as
   * `WorkspaceFleetMember.principal`).
   * @default - none
   */
  readonly admins?: string[];
  /**
   * The nixpkgs revision of every member (but canaries during a rollout).
   * @default NixpkgsPin.DEFAULT
   */
  readonly nixpkgs?: NixpkgsPin;
  /** A staged nixpkgs change for the canary members. @default - none */
  readonly rollout?: WorkspaceFleetRollout;
}

/** vCPUs and GPUs a fleet runs in one quota family and region. */
interface Capacity {
  region: string;
  /** The quota the vCPUs count against: GCP machine series, AWS instance class group, Azure VM family. */
  family: string;
  /** Spot capacity counts against the cloud's separate Spot quotas. */
  spot: boolean;
  machines: number;
  vcpus: number;
  gpus: Record<string, number>;
}

/**
 * A team's workspaces in one declaration: each member gets a `GpuWorkspace` on a shared
 * network, with a CPU package and a GPU package chosen independently, one nixpkgs revision
 * with a canary rollout, access for its owner alone, and fleet-wide admins.
 *
 * ```ts
 * const fleet = new WorkspaceFleet(this, 'vision', {
 *   target,
 *   defaults: { cpu: WorkspaceSize.MEDIUM, gpus: GpuPackage.of(Gpu.NVIDIA_L4) },
 *   members: [
 *     { name: 'alice', owner: 'alice@example.com' },
 *     { name: 'bob', owner: 'bob@example.com', cpu: WorkspaceSize.SMALL, gpus: GpuPackage.of(Gpu.NVIDIA_L4, 4) },
 *   ],
 * });
 * fleet.addMember({ name: 'carol', owner: 'carol@example.com', gpus: GpuPackage.NONE });
 * ```
 *
 * The vCPUs and GPUs the fleet needs per quota family and region are reported at synthesis (an
 * info annotation) and as the `<fleet>_capacity` output: GPU quota is per region and family.
 */
export class WorkspaceFleet extends Construct {
  /** The fleet's name. */
  public readonly fleetName: string;
  private readonly props: WorkspaceFleetProps;
  private readonly cloud: WorkspaceCloud;
  private readonly kind: string;
  private readonly byName = new Map<string, GpuWorkspace>();
  private readonly shapes = new Map<string, MachineShape>();
  private readonly canaries = new Set<string>();
  private readonly spot = new Set<string>();
  private sharedNetwork?: WorkspaceNetwork;

  constructor(scope: Construct, id: string, props: WorkspaceFleetProps) {
    super(scope, id);
    this.kind = 'WorkspaceFleet';
    requireShapes(`WorkspaceFleet '${id}'`, props, '{ target, members?, defaults?, network?, admins?, nixpkgs?, rollout? }', PROP_SHAPES, ['target']);
    refuseUnknownKeys(this, 'props', props, [...Object.keys(PROP_SHAPES), 'defaults', 'members', 'rollout']);
    if (props.members !== undefined && !Array.isArray(props.members)) {
      throw invalid(this, this.kind, 'members', props.members, 'must be a list of members: [{ name, owner, ... }]');
    }
    if (props.defaults !== undefined) {
      requireShapes(`WorkspaceFleet '${id}'`, props.defaults, '{ cpu?, gpus?, access?, ... }', DEFAULT_SHAPES);
      refuseUnknownKeys(this, 'defaults', props.defaults, Object.keys(DEFAULT_SHAPES));
      if (props.defaults.dns?.mode === DnsMode.ZONE) {
        throw invalid(
          this,
          this.kind,
          'defaults.dns',
          'WorkspaceDns.zone(...)',
          'would give every member the same DNS record; use WorkspaceDns.none(), .cloudEndpoints() or .azureDomainLabel(), which name each member on its own, or give members that need a zone record a GpuWorkspace of their own',
        );
      }
    }
    if (props.rollout !== undefined) {
      requireShapes(`WorkspaceFleet '${id}': rollout`, props.rollout, '{ canaryNixpkgs: NixpkgsPin.of({ rev, narHash }) }', { canaryNixpkgs: NIXPKGS_SHAPE }, ['canaryNixpkgs']);
    }
    const name = props.fleetName ?? id;
    if (!isResourceName(name)) {
      throw invalid(this, this.kind, 'fleetName', name, `is not a valid fleet name; use ${NAME_RULE} (set fleetName when the construct id does not qualify)`);
    }
    this.fleetName = name;
    this.props = props;
    this.cloud = workspaceCloud(this.kind, id, props.target);
    const fixed = this.cloud.fixedMachine(props.target);
    if (fixed) {
      throw invalid(this, this.kind, fixed.prop, fixed.value, 'would give every member one machine type; leave it out and choose packages (defaults.cpu, defaults.gpus and each member\'s cpu and gpus)');
    }
    if (props.network) {
      if (props.network.target.cloud !== props.target.cloud) {
        throw invalid(this, this.kind, 'network', props.network.node.path, `is a ${props.network.target.cloud} network and the target is ${props.target.cloud}; use a network made for the same cloud`);
      }
      this.sharedNetwork = props.network;
    }
    for (const admin of props.admins ?? []) {
      if (typeof admin !== 'string' || admin === '') {
        throw invalid(this, this.kind, 'admins', admin, 'must be principals (strings), e.g. \'group:ml-admins@example.com\'');
      }
    }

    // One grant per admin for the whole fleet where the cloud takes it (AWS: one policy, not one
    // per member, which would run into the managed-policy quota per principal).
    const grantAll = this.cloud.grantAll;
    if (grantAll) {
      const fail = (problem: string) => usageError(`WorkspaceFleet '${id}': admins member ${problem}`);
      for (const admin of new Set(props.admins ?? [])) {
        grantAll(this, name, props.target, () => [...this.byName.values()].map((w) => w._resources), admin, fail);
      }
    }
    for (const member of props.members ?? []) this.addMember(member);

    // Reported once every member is in (addMember may come after the constructor).
    this.node.addValidation({ validate: () => this.checkRollout() });
    new TerraformOutput(this, 'capacity', {
      value: Lazy.stringValue({ produce: () => JSON.stringify(this.capacity()) }),
      description: `vCPUs and GPUs of fleet ${name} per quota family and region`,
    }).overrideLogicalId(`${name}_capacity`);
  }

  /**
   * Adds a member and returns its workspace (for escape hatches and more grants).
   */
  public addMember(member: WorkspaceFleetMember): GpuWorkspace {
    const where = `WorkspaceFleet '${this.node.id}'`;
    requireShapes(`${where}: member`, member, '{ name, owner, cpu?, gpus?, ... }', MEMBER_SHAPES, ['name', 'owner']);
    refuseUnknownKeys(this, `member '${String(member.name)}'`, member, Object.keys(MEMBER_SHAPES));
    const name = member.name;
    if (!isResourceName(name)) {
      throw invalid(this, this.kind, 'member name', name, `is not a valid member name; use ${NAME_RULE}`);
    }
    if (this.byName.has(name)) {
      throw invalid(this, this.kind, 'member name', name, 'is already a member; give each member its own name');
    }
    const defaults = this.props.defaults ?? {};
    const cpu = member.cpu ?? defaults.cpu ?? WorkspaceSize.SMALL;
    if (!Object.values(WorkspaceSize).includes(cpu)) {
      throw invalid(this, this.kind, `member '${name}' cpu`, cpu, `is not a CPU package; use one of ${Object.values(WorkspaceSize).map((v) => `WorkspaceSize.${v}`).join(', ')}`);
    }
    const gpus = member.gpus ?? defaults.gpus ?? GpuPackage.NONE;
    const spot = member.spot ?? defaults.spot ?? false;
    const picked = pickShape(this.cloud.shapes, this.cloud.cloudName, cpu, gpus, spot);
    if ('problem' in picked) {
      throw invalid(this, this.kind, `member '${name}' gpus`, gpus.toString(), picked.problem);
    }
    const shape = picked.shape;
    const access = member.access ?? defaults.access ?? WorkspaceAccess.private();
    const canary = member.canary === true;
    const nixpkgs = canary && this.props.rollout ? this.props.rollout.canaryNixpkgs : this.props.nixpkgs;
    const network = this.networkFor(access);
    const labels = { ...(defaults.labels ?? {}), ...(member.labels ?? {}) };

    const workspace = constructMember({ kind: `${this.kind} '${this.node.id}' member`, machine: { type: shape.type, gpuCount: shape.gpuCount } }, () =>
      new GpuWorkspace(this, name, {
        target: this.props.target,
        network,
        owner: member.owner,
        workspaceName: name,
        size: cpu,
        gpu: gpus.gpu,
        access,
        tls: defaults.tls,
        auth: defaults.auth,
        dns: defaults.dns,
        spot,
        running: member.running,
        homeDiskSizeGiB: member.homeDiskSizeGiB ?? defaults.homeDiskSizeGiB,
        bootDiskSizeGiB: defaults.bootDiskSizeGiB,
        snapshotRetentionDays: defaults.snapshotRetentionDays,
        costCenter: member.costCenter ?? defaults.costCenter,
        labels,
        idleStopMinutes: defaults.idleStopMinutes,
        idleGpuUtilizationPercent: defaults.idleGpuUtilizationPercent,
        idleCpuLoadPerCore: defaults.idleCpuLoadPerCore,
        maxRuntimeHours: defaults.maxRuntimeHours,
        nixpkgs,
      }),
    );
    this.byName.set(name, workspace);
    this.shapes.set(name, shape);
    if (canary) this.canaries.add(name);
    if (spot) this.spot.add(name);

    const principal = member.principal ?? this.cloud.ownerPrincipal(member.owner);
    if (principal !== undefined) {
      workspace.grantAccess(principal);
    } else {
      Annotations.of(workspace).addWarning(
        `${where}: member '${name}' has no principal, so nobody is granted access to its workspace; set principal (on ${this.cloud.cloudName}, ${this.cloud.principalForm})`,
      );
    }
    // Where the cloud grants a group at once (AWS), admins were granted in the constructor.
    if (!this.cloud.grantAll) for (const admin of this.props.admins ?? []) workspace.grantAccess(admin);
    for (const listener of this.memberListeners) listener(workspace);
    return workspace;
  }

  /** Calls `listener` with every member, now and as members are added. @internal */
  public _onMember(listener: (member: GpuWorkspace) => void): void {
    this.memberListeners.push(listener);
    for (const member of this.byName.values()) listener(member);
  }

  /** What wants to hear of each member (a usage exporter's budgets). */
  private readonly memberListeners: Array<(member: GpuWorkspace) => void> = [];

  /** A member's workspace by name; throws for a name that is not a member. */
  public member(name: string): GpuWorkspace {
    const found = this.byName.get(name);
    if (!found) {
      throw usageError(`WorkspaceFleet '${this.node.id}': no member named ${describe(name)}; members are ${[...this.byName.keys()].join(', ') || 'none'}`);
    }
    return found;
  }

  /** The members' names, in the order they were added. */
  public get memberNames(): string[] {
    return [...this.byName.keys()];
  }

  /** The shared network, when the fleet has one (made on the first member that joins). */
  public get network(): WorkspaceNetwork | undefined {
    return this.sharedNetwork;
  }

  /** The network a member with this access joins: the fleet's, made on first need. */
  private networkFor(access: WorkspaceAccess): WorkspaceNetwork | undefined {
    if (!this.cloud.sharedNetworkTakes(access.mode)) return undefined;
    if (this.sharedNetwork) return this.sharedNetwork;
    if (this.cloud.namesExistingNetwork(this.props.target)) return undefined;
    const defaults = this.props.defaults ?? {};
    try {
      this.sharedNetwork = new WorkspaceNetwork(this, 'Network', {
        target: this.props.target,
        networkName: this.fleetName,
        costCenter: defaults.costCenter,
        labels: defaults.labels,
      });
    } catch (e) {
      // What the user wrote is the fleet's: its defaults, its name, its target.
      const message = (e as Error).message
        .replace(/^WorkspaceNetwork 'Network': (costCenter|labels)\b/, `WorkspaceFleet '${this.node.id}': defaults.$1`)
        .replace(/^WorkspaceNetwork 'Network': networkName\b/, `WorkspaceFleet '${this.node.id}': fleetName`)
        .replace(/^WorkspaceNetwork 'Network': /, `WorkspaceFleet '${this.node.id}': `);
      throw usageError(message);
    }
    return this.sharedNetwork;
  }

  /** vCPUs and GPUs per quota family (on-demand and Spot apart) and region, sorted. */
  private capacity(): Capacity[] {
    const region = this.cloud.quotaRegion(this.props.target);
    const byQuota = new Map<string, Capacity>();
    for (const [name, shape] of this.shapes) {
      const spot = this.spot.has(name);
      const family = shape.quota ?? shape.family;
      const key = `${family}/${spot}`;
      const entry = byQuota.get(key) ?? { region, family, spot, machines: 0, vcpus: 0, gpus: {} };
      entry.machines += 1;
      entry.vcpus += shape.vcpus;
      if (shape.gpu) entry.gpus[shape.gpu] = (entry.gpus[shape.gpu] ?? 0) + shape.gpuCount;
      byQuota.set(key, entry);
    }
    return [...byQuota.values()].sort((a, b) => a.family.localeCompare(b.family) || Number(a.spot) - Number(b.spot));
  }

  /** The rollout's consistency, and the info annotations operators read at synthesis. */
  private checkRollout(): string[] {
    const errors: string[] = [];
    const rollout = this.props.rollout;
    const fleetPin = this.props.nixpkgs ?? NixpkgsPin.DEFAULT;
    if (rollout && this.canaries.size === 0 && this.byName.size > 0) {
      errors.push(`WorkspaceFleet '${this.node.id}': rollout.canaryNixpkgs is given but no member is a canary; mark one or more members canary: true, or remove the rollout`);
    }
    if (rollout && rollout.canaryNixpkgs.rev === fleetPin.rev) {
      errors.push(`WorkspaceFleet '${this.node.id}': rollout.canaryNixpkgs is the fleet's own revision ${fleetPin.rev.slice(0, 12)}; the rollout is promoted: remove it`);
    }
    const capacity = this.capacity();
    if (capacity.length > 0) {
      const parts = capacity.map((c) => {
        const gpus = Object.entries(c.gpus).map(([model, n]) => `${n} ${model}`);
        return `${c.family}${c.spot ? ' (Spot)' : ''}: ${c.machines} machine${c.machines === 1 ? '' : 's'}, ${c.vcpus} vCPUs${gpus.length ? `, ${gpus.join(', ')}` : ''}`;
      });
      Annotations.of(this).addInfo(
        `WorkspaceFleet '${this.node.id}' runs in ${capacity[0].region}: ${parts.join('; ')}. Quota is per region and family, Spot apart: check the ${this.cloud.cloudName} quotas for each family's vCPUs and each GPU model before deploying`,
      );
    }
    if (rollout && this.canaries.size > 0) {
      Annotations.of(this).addInfo(
        `WorkspaceFleet '${this.node.id}': ${this.canaries.size} of ${this.byName.size} members (${[...this.canaries].join(', ')}) run nixpkgs ${rollout.canaryNixpkgs.rev.slice(0, 12)}, the rest ${fleetPin.rev.slice(0, 12)}; promote by making the canary revision the fleet's nixpkgs and removing rollout`,
      );
    }
    return errors;
  }
}

const NIXPKGS_SHAPE: Shape = { instanceOf: NixpkgsPin, example: 'NixpkgsPin.of({ rev, narHash })' };

const PROP_SHAPES: Record<string, Shape> = {
  target: { instanceOf: CloudTarget, example: TARGET_EXAMPLE },
  network: { instanceOf: WorkspaceNetwork, example: "new WorkspaceNetwork(this, 'team', { target })" },
  fleetName: 'string',
  admins: 'string[]',
  nixpkgs: NIXPKGS_SHAPE,
};

const PACKAGE_SHAPES: Record<string, Shape> = {
  cpu: 'string',
  gpus: { instanceOf: GpuPackage, example: 'GpuPackage.of(Gpu.NVIDIA_L4, 1) or GpuPackage.NONE' },
};

const DEFAULT_SHAPES: Record<string, Shape> = { ...PACKAGE_SHAPES, ...WORKSPACE_OPTION_SHAPES };

/** What a member may override, typed as the defaults are. */
const SHARED_SHAPES: Record<string, Shape> = {
  ...PACKAGE_SHAPES,
  ...Object.fromEntries(['access', 'spot', 'homeDiskSizeGiB', 'costCenter', 'labels'].map((k) => [k, WORKSPACE_OPTION_SHAPES[k]])),
};

const MEMBER_SHAPES: Record<string, Shape> = {
  ...SHARED_SHAPES,
  name: 'string',
  owner: 'string',
  principal: 'string',
  running: 'boolean',
  canary: 'boolean',
};

/** What a careless user writes for a fleet key, and the key it is. */
const SPELLINGS: Record<string, string> = { gpu: 'gpus', size: 'cpu', workspaceName: 'name', nixpkgs: "the fleet's nixpkgs", dns: "the fleet's defaults.dns", tls: "the fleet's defaults.tls", auth: "the fleet's defaults.auth" };

/** Refuses keys a fleet does not read (a JavaScript caller's `gpu:` would otherwise be a machine without one). */
function refuseUnknownKeys(scope: Construct, where: string, value: object, known: string[]): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const hint = SPELLINGS[key] ? `; use ${SPELLINGS[key]}` : `; it takes ${known.join(', ')}`;
    throw invalid(scope, 'WorkspaceFleet', `${where} key`, key, `is not a fleet setting${hint}`);
  }
}
