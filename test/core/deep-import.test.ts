/**
 * A cloud registers itself when its package root loads. A program that imports the target by
 * its deep path registers nothing, and is told how to import instead of failing obscurely.
 * (This file imports no package root, and jest gives each file its own modules.)
 */
import { TerraformStack, Testing } from 'cdktf';
import { GpuWorkspace } from 'cdktf-ml-workspace/lib/workspace/gpu-workspace';
import { AwsTarget } from 'cdktf-ml-workspace-aws/lib/target';

test('a deep import of a target says to import the cloud package from its root', () => {
  const stack = new TerraformStack(Testing.app(), 'test');
  expect(() => new GpuWorkspace(stack, 'alice', { target: AwsTarget.of({ region: 'eu-west-1' }), owner: 'alice@example.com' })).toThrow(
    "GpuWorkspace 'alice': no implementation of cloud AWS is loaded; import the cloud's package from its root ('cdktf-ml-workspace-aws'), which registers it (a deep import of its lib/target registers nothing)",
  );
});
