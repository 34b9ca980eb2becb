// A team's GPU workspaces on AWS: three private workspaces in one shared VPC (one NAT gateway,
// one set of Session Manager and Secrets Manager endpoints), each with its own CPU and GPU
// packages, each owner's IAM role granted their own workspace and the platform team's role all
// of them. No port is open: shells and the IDE go through Session Manager.
//
//   AWS_REGION=eu-west-1 ML_WORKSPACE_STATE_BUCKET=my-tfstate-bucket npx cdktf deploy
import { App, Aspects, S3Backend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { Gpu, GpuPackage, WorkspaceFleet, WorkspacePolicyChecks, WorkspaceSize } from 'cdktf-ml-workspace';
import { AwsTarget } from 'cdktf-ml-workspace-aws';

class AwsFleetStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    const region = process.env.AWS_REGION ?? 'eu-west-1';
    const state = new S3Backend(this, {
      bucket: process.env.ML_WORKSPACE_STATE_BUCKET ?? 'ml-research-tfstate',
      key: 'ml-workspace/aws-fleet.tfstate',
      region,
      encrypt: true,
    });
    state.addOverride('use_lockfile', true);

    // The people's IAM roles (e.g. from IAM Identity Center) in the account.
    const role = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
    new WorkspaceFleet(this, 'vision', {
      target: AwsTarget.of({ region }),
      defaults: {
        cpu: WorkspaceSize.MEDIUM,
        gpus: GpuPackage.of(Gpu.NVIDIA_L4),
        costCenter: 'ml-research',
        labels: { team: 'vision' },
      },
      members: [
        { name: 'alice', owner: 'alice@example.com', principal: role('alice') },
        // Four L4s on the smallest instance that has them (g6.12xlarge).
        { name: 'bob', owner: 'bob@example.com', principal: role('bob'), cpu: WorkspaceSize.SMALL, gpus: GpuPackage.of(Gpu.NVIDIA_L4, 4) },
        { name: 'carol', owner: 'carol@example.com', principal: role('carol'), gpus: GpuPackage.NONE, spot: true },
      ],
      admins: [role('ml-platform')],
    });

    Aspects.of(this).add(new WorkspacePolicyChecks());
  }
}

const app = new App();
new AwsFleetStack(app, 'aws-fleet');
app.synth();
