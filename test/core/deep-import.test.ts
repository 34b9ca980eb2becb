/**
 * The clouds register themselves when the package root loads. A program that imports the front
 * door by its deep path loads none, and is told how to import instead of failing obscurely.
 * (This file imports nothing from src/index.ts, and jest gives each file its own modules.)
 */
import { TerraformStack, Testing } from 'cdktf';
import { CloudTarget } from '../../src/core/cloud-target';
import { GpuWorkspace } from '../../src/workspace/gpu-workspace';

test('a deep import of the front door says to import the package root', () => {
  const stack = new TerraformStack(Testing.app(), 'test');
  expect(() => new GpuWorkspace(stack, 'alice', { target: CloudTarget.aws({ region: 'eu-west-1' }), owner: 'alice@example.com' })).toThrow(
    "GpuWorkspace 'alice': no implementation of cloud AWS is loaded; import the library from its package root ('cdktf-ml-workspace'), which loads every cloud (a deep import of lib/workspace loads none)",
  );
});
