// A GPU workspace on Google Cloud for one data scientist: NixOS on an L4 machine, browser
// VS Code behind nginx with a Let's Encrypt certificate, reachable over HTTPS from one office
// range, with a 500 GiB home disk snapshotted daily.
//
//   GOOGLE_CLOUD_PROJECT=my-project ML_WORKSPACE_STATE_BUCKET=my-tfstate-bucket npx cdktf deploy
import { App, Aspects, GcsBackend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { Gpu, GpuWorkspace, WorkspaceAccess, WorkspacePolicyChecks, WorkspaceSize } from 'cdktf-ml-workspace';
import { GcpTarget } from 'cdktf-ml-workspace-gcp';

class GcpWorkspaceStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    // State holds the workspace's generated secrets: keep it in a versioned GCS bucket that
    // only the deployers can read (GCS encrypts it and locks it for each run).
    new GcsBackend(this, { bucket: process.env.ML_WORKSPACE_STATE_BUCKET ?? 'ml-research-tfstate', prefix: 'ml-workspace/gcp' });

    const workspace = new GpuWorkspace(this, 'alice', {
      target: GcpTarget.of({
        project: process.env.GOOGLE_CLOUD_PROJECT ?? 'ml-research-sandbox',
        region: 'europe-west4',
        zone: 'europe-west4-a',
      }),
      owner: 'alice@example.com',
      costCenter: 'ml-research',
      size: WorkspaceSize.MEDIUM,
      gpu: Gpu.NVIDIA_L4,
      // The office's egress range; everything else is refused at the firewall.
      access: WorkspaceAccess.public({ allowedCidrs: ['203.0.113.0/24'] }),
      homeDiskSizeGiB: 500,
      labels: { team: 'vision' },
    });
    // Alice may open the IAP tunnel / SSH with OS Login and read her connection token.
    workspace.grantAccess('user:alice@example.com');

    // The library's security rules; findings are reported as errors on the resources.
    Aspects.of(this).add(new WorkspacePolicyChecks());
  }
}

const app = new App();
new GcpWorkspaceStack(app, 'gcp-workspace');
app.synth();
