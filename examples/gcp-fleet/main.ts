// A team's GPU workspaces on Google Cloud: four private workspaces on one shared network (one
// Cloud NAT, one IAP firewall rule), each with its own CPU and GPU packages, one nixpkgs
// revision with a canary member trying the next, each owner granted their own workspace and
// the team's admins granted all. Nothing listens on the internet: people reach the IDE
// through IAP (the sign-in output of each member is the command).
//
//   GOOGLE_CLOUD_PROJECT=my-project ML_WORKSPACE_STATE_BUCKET=my-tfstate-bucket npx cdktf deploy
import { App, Aspects, GcsBackend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { Gpu, GpuPackage, NixpkgsPin, WorkspaceFleet, WorkspacePolicyChecks, WorkspaceSize } from 'cdktf-ml-workspace';
import { GcpTarget } from 'cdktf-ml-workspace-gcp';

class GcpFleetStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    new GcsBackend(this, { bucket: process.env.ML_WORKSPACE_STATE_BUCKET ?? 'ml-research-tfstate', prefix: 'ml-workspace/gcp-fleet' });

    const fleet = new WorkspaceFleet(this, 'vision', {
      target: GcpTarget.of({
        project: process.env.GOOGLE_CLOUD_PROJECT ?? 'ml-research-sandbox',
        region: 'europe-west4',
        zone: 'europe-west4-a',
      }),
      // What every member gets unless it says otherwise: 8 vCPUs and one L4 (g2-standard-8).
      defaults: {
        cpu: WorkspaceSize.MEDIUM,
        gpus: GpuPackage.of(Gpu.NVIDIA_L4),
        costCenter: 'ml-research',
        labels: { team: 'vision' },
      },
      members: [
        { name: 'alice', owner: 'alice@example.com' },
        // A small CPU with four GPUs (g2-standard-48) for multi-GPU training.
        { name: 'bob', owner: 'bob@example.com', cpu: WorkspaceSize.SMALL, gpus: GpuPackage.of(Gpu.NVIDIA_L4, 4), homeDiskSizeGiB: 1000 },
        // Data preparation: no GPU, more cores (n2-standard-16).
        { name: 'carol', owner: 'carol@example.com', cpu: WorkspaceSize.LARGE, gpus: GpuPackage.NONE },
        // The canary runs the rollout's nixpkgs revision before the rest.
        { name: 'dave', owner: 'dave@example.com', canary: true },
      ],
      admins: ['group:ml-platform@example.com'],
      // The commit of the release branch to try on the canary first (the zeros are a
      // placeholder: set both variables; images must trust the revision, see
      // mlWorkspace.bootstrap.trustedNixpkgsRevisions). Promote it by making it the fleet's
      // `nixpkgs` and removing `rollout`; no VM is replaced either way.
      rollout: {
        canaryNixpkgs: NixpkgsPin.of({
          rev: process.env.ML_WORKSPACE_CANARY_REV ?? '0000000000000000000000000000000000000000',
          narHash: process.env.ML_WORKSPACE_CANARY_NAR_HASH ?? 'sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
        }),
      },
    });
    // More members can join later; the key is the name, so nobody else's workspace changes.
    fleet.addMember({ name: 'erin', owner: 'erin@example.com', gpus: GpuPackage.of(Gpu.NVIDIA_L4, 2) });

    // The library's security rules; findings are reported as errors on the resources.
    Aspects.of(this).add(new WorkspacePolicyChecks());
  }
}

const app = new App();
new GcpFleetStack(app, 'gcp-fleet');
app.synth();
