import { TerraformOutput, TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';
import { AccessMode, WorkspaceAccess } from '../core/access';
import { AuthMode, WorkspaceAuth } from '../core/auth';
import { CloudTarget, TARGET_EXAMPLE } from '../core/cloud-target';
import { WorkspaceDns } from '../core/dns';
import { Gpu } from '../core/gpu';
import { WorkspacePrincipal } from '../core/principal';
import { WorkspaceSize } from '../core/size';
import { TlsMode, WorkspaceTls } from '../core/tls';
import { checkShapes, Shape } from '../core/shapes';
import { invalid } from '../core/validation';
import { NixpkgsPin } from '../core/versions';
import { WorkspaceSpec } from '../host/workspace-spec';
import { validateWorkspace } from './validate';
import { claimResourceName } from '../host/names';
import { workspaceCloud } from '../host/workspace-cloud';
import { WorkspaceNetwork } from '../network/workspace-network';
import { usageError } from '../core/errors';
import { MachineDescription } from '../clouds/common/built';

/**
 * What a front door that makes workspaces (a fleet) tells the next one it constructs: the kind
 * its messages name and the machine its packages chose. Set only around that one constructor
 * call (see {@link constructMember}).
 *
 * @internal
 */
export interface MemberContext {
  readonly kind: string;
  readonly machine?: { readonly type: string; readonly gpuCount: number };
}
let pendingMember: MemberContext | undefined;

/** Constructs a workspace as another front door's member. @internal */
export function constructMember<T>(context: MemberContext, make: () => T): T {
  const outer = pendingMember;
  pendingMember = context;
  try {
    return make();
  } finally {
    pendingMember = outer;
  }
}


/** `maxRuntimeHours` of a workspace with a GPU unless given. */
const DEFAULT_GPU_MAX_RUNTIME_HOURS = 24;

/** What a workspace is like beyond its placement, owner and machine: shared by `GpuWorkspace` and a fleet's defaults. */
export interface WorkspaceOptions {
  /**
   * Network access.
   * @default WorkspaceAccess.private()
   */
  readonly access?: WorkspaceAccess;
  /**
   * TLS certificate source.
   * @default - `WorkspaceTls.letsEncrypt()` with the owner's email in public mode,
   * `WorkspaceTls.selfSigned()` in private mode
   */
  readonly tls?: WorkspaceTls;
  /**
   * Authentication in front of the IDE.
   * @default WorkspaceAuth.connectionToken()
   */
  readonly auth?: WorkspaceAuth;
  /**
   * DNS name.
   * @default - in public mode `WorkspaceDns.cloudEndpoints()` on GCP,
   * `WorkspaceDns.azureDomainLabel()` on Azure and `WorkspaceDns.none()` on AWS (give a Route 53
   * zone there for Let's Encrypt); `WorkspaceDns.none()` in private mode
   */
  readonly dns?: WorkspaceDns;
  /**
   * Run on Spot capacity (much cheaper, may be stopped by the cloud at any time; the disk, IP
   * and name survive).
   * @default false
   */
  readonly spot?: boolean;
  /**
   * Size of the persistent home disk, 10–65536 GiB.
   * @default 200
   */
  readonly homeDiskSizeGiB?: number;
  /**
   * Size of the boot disk (the Nix store lives there; CUDA closures are large), 50–65536 GiB.
   * @default 100
   */
  readonly bootDiskSizeGiB?: number;
  /**
   * How long daily home-disk snapshots are kept, 1–3650 days.
   * @default 14
   */
  readonly snapshotRetentionDays?: number;
  /**
   * The `cost-center` label value.
   * @default 'unassigned'
   */
  readonly costCenter?: string;
  /**
   * Extra labels for every billable resource. Keys and values follow GCP's label rules
   * (lowercase letters, digits, `_` and `-`, at most 63 characters); the library's own keys
   * (`ml-workspace`, `workspace`, `owner`, `cost-center`) cannot be overridden.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Stop the machine after this many minutes with no IDE or SSH session, GPUs below
   * `idleGpuUtilizationPercent` and CPU load below `idleCpuLoadPerCore`, so a long training run
   * is never stopped and an idle GPU is never left running. 0 switches idle stop off; otherwise
   * 5–1440. Stopping keeps disks, IP and name. On GCP and AWS a guest power-off stops compute
   * billing (AWS instances are set to stop, not terminate, on shutdown), so no cloud permission
   * is needed; on Azure a shutdown leaves the VM allocated and billed, so the VM deallocates
   * itself through its managed identity, which gets a custom role with only the
   * `virtualMachines/deallocate/action` action, on that one VM. Start it again with the cloud's
   * console or CLI, or (GCP, AWS) `cdktf deploy`.
   * @default 60
   */
  readonly idleStopMinutes?: number;
  /**
   * A GPU at or above this utilisation (0–100 %) keeps the machine busy.
   * @default 5
   */
  readonly idleGpuUtilizationPercent?: number;
  /**
   * A 5-minute load average per core at or above this (0–64) keeps the machine busy.
   * @default 0.3
   */
  readonly idleCpuLoadPerCore?: number;
  /**
   * Stop the machine this many hours after boot, busy or not (1–8760, or 0 for no limit): a
   * safety net for forgotten or hung jobs, and for a GPU whose driver stopped answering (its
   * utilisation then counts as busy only for `idleStopMinutes`). Set it higher, or to 0, for
   * training runs that take longer.
   * @default - 24 on workspaces with a GPU, no limit without one
   */
  readonly maxRuntimeHours?: number;
}

/** Properties of a {@link GpuWorkspace}. */
export interface GpuWorkspaceProps extends WorkspaceOptions {
  /**
   * The cloud and placement, from that cloud's package: `GcpTarget.of({ project, region, zone })`
   * (`cdktf-ml-workspace-gcp`), `AwsTarget.of({ region })` (`cdktf-ml-workspace-aws`) or
   * `AzureTarget.of({ location, imageId, keyVaultAllowedCidrs })` (`cdktf-ml-workspace-azure`).
   */
  readonly target: CloudTarget;
  /**
   * A network shared with other workspaces (a `WorkspaceNetwork` made for the same project and
   * region, region and zone, or location), instead of one of the workspace's own. On Azure only
   * private workspaces join one.
   * @default - the workspace makes its own network, or uses the one the target names
   */
  readonly network?: WorkspaceNetwork;
  /**
   * The owner's email. It becomes the `owner` label, the default SSO allow-list and the
   * default Let's Encrypt contact.
   */
  readonly owner: string;
  /**
   * The workspace's name: the VM's name and the prefix of every resource it creates.
   * 2–24 characters, lowercase letters, digits and hyphens, starting with a letter.
   * @default - the construct id
   */
  readonly workspaceName?: string;
  /**
   * The size preset; with a GPU it also sets how many GPUs.
   * @default WorkspaceSize.SMALL
   */
  readonly size?: WorkspaceSize;
  /**
   * The GPU model.
   * @default - no GPU
   */
  readonly gpu?: Gpu;
  /**
   * Whether the VM should be running. `false` stops it and keeps the home disk, boot disk, IP
   * and DNS name; compute billing stops. GCP and AWS only: Terraform manages no power state for
   * an Azure VM, so `false` is refused there (deallocate with `az vm deallocate`; idle stop
   * deallocates it on its own).
   * @default true
   */
  readonly running?: boolean;
  /**
   * The nixpkgs revision the machine is built from.
   * @default NixpkgsPin.DEFAULT
   */
  readonly nixpkgs?: NixpkgsPin;
}

/**
 * One cloud VM running NixOS with a browser VS Code (openvscode-server) behind nginx with TLS
 * and real authentication, optionally with NVIDIA GPUs, a stable DNS name and a persistent home
 * disk that survives stopping and re-creating the VM.
 *
 * ```ts
 * new GpuWorkspace(this, 'alice', {
 *   target: GcpTarget.of({ project: 'ml-prod', region: 'europe-west4', zone: 'europe-west4-a' }),
 *   owner: 'alice@example.com',
 *   gpu: Gpu.NVIDIA_L4,
 *   access: WorkspaceAccess.public({ allowedCidrs: ['203.0.113.0/24'] }),
 * });
 * ```
 */
export class GpuWorkspace extends Construct {
  /** The workspace's name (prefix of every resource name). */
  public readonly workspaceName: string;
  /** The IDE's URL (`https://localhost:8443/` through the tunnel in private mode). */
  public readonly url: string;
  /** The static public IP in public mode, the internal IP in private mode. */
  public readonly ipAddress: string;
  /** The DNS name the certificate is issued for. */
  public readonly hostName: string;
  /** The VM's name (GCP, Azure) or instance id (AWS). */
  public readonly instanceName: string;
  /** The shell command that gets a person into the IDE. */
  public readonly signInCommand: string;
  /** The machine type (GCP), instance type (AWS) or VM size (Azure) the workspace runs on. */
  public readonly machineType: string;
  /**
   * The identity the VM runs as (GCP service account, AWS instance role, Azure managed
   * identity), for granting it access to other resources.
   */
  public readonly principal: WorkspacePrincipal;
  /** The workspace's settings with every default filled in. @internal */
  public readonly _spec: WorkspaceSpec;
  /** The target the workspace was made for. @internal */
  public readonly _target: CloudTarget;

  constructor(scope: Construct, id: string, props: GpuWorkspaceProps) {
    super(scope, id);
    // Taken once: workspaces this one's constructor might make are not members.
    const member = pendingMember;
    pendingMember = undefined;
    const kind = member?.kind ?? 'GpuWorkspace';
    this.kind = kind;
    // Plain JavaScript and the other jsii languages can pass what TypeScript would refuse.
    if (typeof props !== 'object' || props === null) {
      throw invalid(this, kind, 'props', props, 'must be an object: { target, owner, ... }');
    }
    const target = props.target as CloudTarget | undefined;
    if (!(target instanceof CloudTarget)) {
      throw invalid(this, kind, 'target', target, `must be a CloudTarget: ${TARGET_EXAMPLE}`);
    }
    checkShapes(`${kind} '${id}'`, props as unknown as Record<string, unknown>, PROP_SHAPES);
    this._target = props.target;
    this._spec = resolveSpec(this, props, kind, member?.machine);
    // Workspaces and networks prefix their resources' names with theirs: one of each name per scope.
    claimResourceName(this, kind, 'workspaceName', this._spec.name, props.target);

    const cloud = workspaceCloud(kind, id, props.target);
    const network = this._spec.network;
    if (network) {
      if (network.target.cloud !== props.target.cloud) {
        throw invalid(this, kind, 'network', network.path, `is a ${network.target.cloud} network and the target is ${props.target.cloud}; use a network made for the same cloud`);
      }
      // Across stacks, the network's resources would be remote-state outputs, which Terraform
      // refuses in depends_on (and the IAP, NAT and Bastion dependencies need them).
      if (network.stack !== TerraformStack.of(this)) {
        throw invalid(this, kind, 'network', network.path, `is in stack '${network.stack.node.id}' and the workspace in '${TerraformStack.of(this).node.id}'; make the network in the workspace's stack (one network per stack and region)`);
      }
      const problem = cloud.joinProblem(this._spec, props.target, network);
      if (problem) throw invalid(this, kind, problem.prop, problem.value, problem.problem);
    }
    cloud.validate(this, this._spec, props.target);
    const built = cloud.build(this, this._spec, props.target);
    this._resources = built.resources;
    this.node.defaultChild = built.defaultChild;

    this.workspaceName = this._spec.name;
    this.url = built.url;
    this.ipAddress = built.ipAddress;
    this.hostName = built.hostName;
    this.instanceName = built.instanceName;
    this.signInCommand = built.signIn;
    this.machineType = built.machine.type;
    this.principal = built.principal;

    // Output names are `<workspace>_<what>`: readable in `cdktf output`, unique per stack
    // because workspace names are (checked above).
    const output = (what: string, value: string, description: string) =>
      new TerraformOutput(this, what, { value, description }).overrideLogicalId(`${this.workspaceName}_${what}`);
    output('url', this.url, `IDE URL of workspace ${this.workspaceName}`);
    output('ip_address', this.ipAddress, 'Workspace IP address');
    output('instance_name', this.instanceName, 'Workspace VM name');
    output('sign_in', this.signInCommand, 'How to get into the IDE');
    output('machine', describeMachine(built.machine), 'Machine type and GPUs');
  }

  /**
   * Lets a person or group use this workspace, granting only what that needs on this
   * workspace's own resources, nothing account- or project-wide.
   *
   * - GCP: IAP tunnel access and OS Login on this VM (`roles/iap.tunnelResourceAccessor`,
   *   `roles/compute.osLogin`), permission to act as the workspace's service account (which
   *   OS Login requires), and read access to the connection token secret when there is one.
   * - AWS: an IAM policy attached to the role, user or group allowing Session Manager sessions
   *   (shell and port forwarding) to this instance only, and reading the connection token secret.
   * - Azure: `Reader` on the VM, its network interface and (private mode) the Bastion host,
   *   which is what `az network bastion tunnel` checks, and `Key Vault Secrets User` on the
   *   connection token secret (never on the vault, so not on the admin SSH key).
   *
   * Grants go to people and groups, never to populations: `domain:...`, `allUsers`,
   * `principalSet://goog/public:...` and any wildcard are refused. Granting the same member
   * again grants nothing new.
   *
   * @param member on GCP an IAM principal (`user:alice@example.com`, `group:ml-team@example.com`,
   * `serviceAccount:...`, `principal://...`); on AWS an IAM role, user or group ARN
   * (`arn:aws:iam::123456789012:role/alice`); on Azure the object id of a Microsoft Entra user,
   * group or service principal
   */
  public grantAccess(member: string): void {
    const fail = (problem: string) => usageError(`${this.kind} '${this.node.id}': grantAccess member ${problem}`);
    if (typeof member !== 'string') {
      throw fail(`${JSON.stringify(member) ?? String(member)} is not a string; pass the principal, e.g. 'user:alice@example.com'`);
    }
    if (Token.isUnresolved(member)) {
      throw fail('must be known at synth time (it names the grant\'s construct id); pass a literal principal');
    }
    // The IDE is a shell on the machine: a grant is to people, never to a population.
    if (member.includes('*')) {
      throw fail(`'${member}' is a wildcard, which grants a whole population; name a person or a group`);
    }
    // Granting the same member again grants nothing new.
    if (this.granted.has(member)) return;
    workspaceCloud(this.kind, this.node.id, this._target).grant(this, this.workspaceName, this._target, this._resources, member, fail);
    this.granted.add(member);
  }

  /** The construct kind messages name: `GpuWorkspace`, or the fleet's member. */
  private readonly kind: string;
  /** Members granted access so far. */
  private readonly granted = new Set<string>();
  /**
   * The cloud's resources, whichever cloud it is; each cloud's package reads them for its typed
   * escape hatches (`GcpResources.ofWorkspace(workspace)`). @internal
   */
  public readonly _resources: unknown;
}

/** The type of each of the {@link WorkspaceOptions}, shared with the fleet's defaults. @internal */
export const WORKSPACE_OPTION_SHAPES: Record<string, Shape> = {
  access: { instanceOf: WorkspaceAccess, example: 'WorkspaceAccess.private() or WorkspaceAccess.public({ allowedCidrs })' },
  tls: { instanceOf: WorkspaceTls, example: 'WorkspaceTls.letsEncrypt(), .selfSigned() or .privateCa({ ... })' },
  auth: { instanceOf: WorkspaceAuth, example: 'WorkspaceAuth.connectionToken() or WorkspaceAuth.sso({ ... })' },
  dns: { instanceOf: WorkspaceDns, example: 'WorkspaceDns.none(), .cloudEndpoints(), .azureDomainLabel() or .zone({ ... })' },
  spot: 'boolean',
  homeDiskSizeGiB: 'number',
  bootDiskSizeGiB: 'number',
  snapshotRetentionDays: 'number',
  costCenter: 'string',
  labels: 'string map',
  idleStopMinutes: 'number',
  idleGpuUtilizationPercent: 'number',
  idleCpuLoadPerCore: 'number',
  maxRuntimeHours: 'number',
};

/** The type of each prop, checked before anything reads one. */
const PROP_SHAPES: Record<string, Shape> = {
  ...WORKSPACE_OPTION_SHAPES,
  owner: 'string',
  workspaceName: 'string',
  size: 'string',
  gpu: { instanceOf: Gpu, example: "Gpu.NVIDIA_L4 or Gpu.of('nvidia-l4')" },
  running: 'boolean',
  nixpkgs: { instanceOf: NixpkgsPin, example: 'NixpkgsPin.of({ rev, narHash })' },
  network: { instanceOf: WorkspaceNetwork, example: "new WorkspaceNetwork(this, 'team', { target })" },
};

/** Fills in defaults and validates; throws the library's validation errors. */
function resolveSpec(scope: Construct, props: GpuWorkspaceProps, kind: string, machine: MemberContext['machine']): WorkspaceSpec {
  const access = props.access ?? WorkspaceAccess.private();
  const isPublic = access.mode === AccessMode.PUBLIC;
  const tls = props.tls ?? (isPublic ? WorkspaceTls.letsEncrypt() : WorkspaceTls.selfSigned());
  const auth = props.auth ?? WorkspaceAuth.connectionToken();
  const cloud = props.target.cloud;
  const publicDefault = workspaceCloud(kind, scope.node.id, props.target).publicDnsDefault();
  const dns = props.dns ?? (isPublic ? publicDefault : WorkspaceDns.none());
  const sso = auth.ssoOptions;
  const spec: WorkspaceSpec = {
    kind,
    machine,
    cloud,
    name: props.workspaceName ?? scope.node.id,
    owner: props.owner,
    size: props.size ?? WorkspaceSize.SMALL,
    gpu: props.gpu,
    access: { mode: access.mode, allowedCidrs: access.allowedCidrs, allowBroadRanges: access.allowBroadRanges },
    tls: {
      mode: tls.mode,
      email: tls.mode === TlsMode.LETS_ENCRYPT ? tls.email ?? props.owner : undefined,
      validityHours: tls.validityHours,
      caCertificatePem: tls.caCertificatePem,
      caPrivateKeyPem: tls.caPrivateKeyPem,
    },
    auth: {
      mode: auth.mode,
      sso:
        auth.mode === AuthMode.SSO && sso
          ? {
            ...sso,
            allowedEmails:
              sso.allowedEmails ?? ((sso.allowedDomains ?? []).length === 0 ? [props.owner] : []),
            allowedDomains: sso.allowedDomains ?? [],
          }
          : undefined,
      rotationDays: auth.rotationDays,
    },
    dns: { mode: dns.mode, zone: dns.zoneOptions },
    spot: props.spot ?? false,
    running: props.running ?? true,
    homeDiskSizeGiB: props.homeDiskSizeGiB ?? 200,
    bootDiskSizeGiB: props.bootDiskSizeGiB ?? 100,
    snapshotRetentionDays: props.snapshotRetentionDays ?? 14,
    labels: {},
    nixpkgs: props.nixpkgs ?? NixpkgsPin.DEFAULT,
    idleStop:
      props.idleStopMinutes === 0
        ? undefined
        : {
          idleMinutes: props.idleStopMinutes ?? 60,
          gpuUtilizationPercent: props.idleGpuUtilizationPercent ?? 5,
          cpuLoadPerCore: props.idleCpuLoadPerCore ?? 0.3,
          // 0: no limit; GPU workspaces have one unless asked (the most expensive machine
          // to leave running with a hung job).
          maxRuntimeHours:
            props.maxRuntimeHours === 0
              ? undefined
              : props.maxRuntimeHours ?? (props.gpu ? DEFAULT_GPU_MAX_RUNTIME_HOURS : undefined),
        },
    network: props.network?._attached,
    user: 'workspace',
  };
  return validateWorkspace(scope, spec, props.labels ?? {}, props.costCenter ?? 'unassigned');
}

/** `g2-standard-8 with 1 x nvidia-l4`, `g6.xlarge with nvidia-l4`, `n2-standard-8, no GPU`. */
function describeMachine(machine: MachineDescription): string {
  if (!machine.gpu) return `${machine.type}, no GPU`;
  return `${machine.type} with ${machine.gpuCount !== undefined ? `${machine.gpuCount} x ` : ''}${machine.gpu}`;
}
