// A GPU workspace on AWS for one data scientist: NixOS on an L4 instance (g6), browser VS Code
// behind nginx with a Let's Encrypt certificate for a name in a Route 53 zone, reachable over
// HTTPS from one office range, with a 500 GiB encrypted home volume snapshotted daily. No SSH
// port is open: shells go through Session Manager.
//
//   ML_WORKSPACE_ZONE_ID=Z... AWS_REGION=eu-west-1 ML_WORKSPACE_STATE_BUCKET=my-tfstate-bucket npx cdktf deploy
import { App, Aspects, S3Backend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import {
  Gpu,
  GpuWorkspace,
  WorkspaceAccess,
  WorkspaceDns,
  WorkspacePolicyChecks,
  WorkspaceSize,
} from 'cdktf-ml-workspace';
import { AwsTarget } from 'cdktf-ml-workspace-aws';

class AwsWorkspaceStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    // State holds the workspace's generated secrets: keep it in an S3 bucket that only the
    // deployers can read, encrypted, with S3-native locking (Terraform 1.10 and later; the
    // setting is newer than cdktf's S3BackendConfig, hence the override).
    const state = new S3Backend(this, {
      bucket: process.env.ML_WORKSPACE_STATE_BUCKET ?? 'ml-research-tfstate',
      key: 'ml-workspace/aws.tfstate',
      region: process.env.AWS_REGION ?? 'eu-west-1',
      encrypt: true,
    });
    state.addOverride('use_lockfile', true);

    const workspace = new GpuWorkspace(this, 'alice', {
      target: AwsTarget.of({ region: process.env.AWS_REGION ?? 'eu-west-1' }),
      owner: 'alice@example.com',
      costCenter: 'ml-research',
      size: WorkspaceSize.MEDIUM,
      gpu: Gpu.NVIDIA_L4,
      // The office's egress range; everything else is refused by the security group.
      access: WorkspaceAccess.public({ allowedCidrs: ['203.0.113.0/24'] }),
      // Let's Encrypt does not certify amazonaws.com names: the workspace gets a name in a
      // Route 53 hosted zone you own.
      dns: WorkspaceDns.zone({
        zoneName: process.env.ML_WORKSPACE_ZONE_ID ?? 'Z0123456789ABCDEFGHIJ',
        recordName: 'alice.ml.example.com',
      }),
      homeDiskSizeGiB: 500,
      labels: { team: 'vision' },
    });
    // Alice's SSO role may open Session Manager sessions to this instance and read her token.
    workspace.grantAccess('arn:aws:iam::123456789012:role/alice');

    // The library's security rules; findings are reported as errors on the resources.
    Aspects.of(this).add(new WorkspacePolicyChecks());
  }
}

const app = new App();
new AwsWorkspaceStack(app, 'aws-workspace');
app.synth();
