import { TerraformStack, Testing } from 'cdktf';
import { Gpu, GpuPackage, GpuWorkspace, WorkspaceFleet } from 'cdktf-ml-workspace';
import { GcpTarget } from 'cdktf-ml-workspace-gcp';
import { GCP } from '../util';

/** The error a call throws. */
function thrown(call: () => unknown): Error {
  try {
    call();
  } catch (e) {
    return e as Error;
  }
  throw new Error('nothing was thrown');
}

/** The stack's frames (the lines after the message). */
const frames = (e: Error) => (e.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));

describe("a usage error's stack starts at the caller, never inside the library", () => {
  // Node records 10 frames unless told otherwise (jest raises the limit): test with Node's.
  let limit: number;
  beforeAll(() => {
    limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 10;
  });
  afterAll(() => {
    Error.stackTraceLimit = limit;
  });

  test.each([
    ['a front door (GpuWorkspace)', () => new GpuWorkspace(new TerraformStack(Testing.app(), 'test'), 'alice', { target: GcpTarget.of(GCP), owner: 'alice' })],
    ['a core factory (GpuPackage.of)', () => GpuPackage.of(Gpu.NVIDIA_L4, 0)],
    [
      "a fleet's member, nine frames deep in the library",
      () =>
        new WorkspaceFleet(new TerraformStack(Testing.app(), 'test'), 'vision', {
          target: GcpTarget.of(GCP),
          members: [{ name: 'alice', owner: 'alice' }],
        }),
    ],
    ['a cloud package (GcpTarget.of)', () => GcpTarget.of({ ...GCP, project: 42 as unknown as string })],
    [
      'a cloud builder (the GCP placement check)',
      () => new GpuWorkspace(new TerraformStack(Testing.app(), 'test'), 'alice', { target: GcpTarget.of({ ...GCP, zone: 'us-central1-a' }), owner: 'alice@example.com' }),
    ],
  ])('%s', (_what, call) => {
    const error = thrown(call);
    expect(error.message).toMatch(/^(GpuWorkspace 'alice'|WorkspaceFleet 'vision'|GpuPackage\.of|GcpTarget\.of)[: ]/);
    expect(frames(error)[0]).toContain(__filename);
    expect(frames(error).length).toBeLessThanOrEqual(10);
    expect(frames(error).filter((f) => /packages[\\/](core|gcp|aws|azure)[\\/](src|lib)[\\/]/.test(f))).toEqual([]);
  });
});
