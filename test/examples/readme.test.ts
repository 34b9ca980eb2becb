/**
 * The README's code blocks that say they synthesize do, exactly as written: each block after a
 * `<!-- synthesized by test/examples/readme.test.ts -->` line is saved as a main.ts and run as
 * `cdktf synth` would run it. Python and Go blocks are run by the bindings scripts named in
 * their markers.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const MARKER = /<!-- synthesized by ([^ ]+) -->\n```(\w+)\n([\s\S]*?)\n```/g;
const blocks = [...README.matchAll(MARKER)].map((m) => ({ runner: m[1], language: m[2], code: m[3] }));
// A fragment that uses `this` (the headline) runs inside a stack's constructor, with the checks.
const FRAGMENT = /<!-- synthesized inside a stack by test\/examples\/readme\.test\.ts -->\n```ts\n([\s\S]*?)\n```/g;
const fragments = [...README.matchAll(FRAGMENT)].map((m) => {
  const lines = m[1].split('\n');
  const imports = lines.filter((l) => l.startsWith('import '));
  const body = lines.filter((l) => !l.startsWith('import '));
  return [
    "import { App, Aspects, TerraformStack } from 'cdktf';",
    "import { Construct } from 'constructs';",
    "import { WorkspacePolicyChecks as Checks } from 'cdktf-ml-workspace';",
    ...imports,
    'class Snippet extends TerraformStack {',
    '  constructor(scope: Construct, id: string) {',
    '    super(scope, id);',
    ...body.map((l) => `    ${l}`),
    '    Aspects.of(this).add(new Checks());',
    '  }',
    '}',
    'const app = new App();',
    "new Snippet(app, 'ml-platform');",
    'app.synth();',
  ].join('\n');
});
const mine = blocks.filter((b) => b.runner === 'test/examples/readme.test.ts');
// Under the repository, so the imports resolve to the packages' sources as the examples' do.
const dir = fs.mkdtempSync(path.join(ROOT, 'test', 'examples', '.readme-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('every marked block is run by a runner that exists and reads this README', () => {
  expect(mine.map((b) => b.language)).toEqual(['ts', 'ts', 'ts']);
  expect(fragments).toHaveLength(2);
  for (const { runner } of blocks) {
    expect(fs.readFileSync(path.join(ROOT, runner), 'utf8')).toContain('README.md');
  }
  expect(blocks.map((b) => `${b.runner} ${b.language}`)).toEqual(
    expect.arrayContaining(['scripts/bindings.sh python', 'scripts/go/bindings.sh go']),
  );
});

describe.each([...fragments, ...mine.map((b) => b.code)].map((code, i) => [i + 1, code] as const))('README TypeScript block %i', (n, code) => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-readme-'));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));
  const main = path.join(dir, `block-${n}.ts`);
  fs.writeFileSync(main, `${code}\n`);
  const previous = process.env.CDKTF_OUTDIR;
  process.env.CDKTF_OUTDIR = outdir;
  try {
    jest.isolateModules(() => require(main));
  } finally {
    if (previous === undefined) delete process.env.CDKTF_OUTDIR;
    else process.env.CDKTF_OUTDIR = previous;
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  const stack = JSON.parse(fs.readFileSync(path.join(outdir, manifest.stacks['ml-platform'].synthesizedStackPath), 'utf8'));

  test('synthesizes a workspace VM with its outputs', () => {
    const vms = ['google_compute_instance', 'aws_instance', 'azurerm_linux_virtual_machine'].filter((t) => stack.resource[t]);
    expect(vms).toHaveLength(1);
    expect(Object.keys(stack.output)).toEqual(expect.arrayContaining(['alice_url', 'alice_sign_in']));
  });

  test('the policy checks find nothing but the local state a first app starts with', () => {
    const annotations: Array<{ level: string; message: string }> = manifest.stacks['ml-platform'].annotations;
    expect(annotations.filter((a) => a.level !== '@cdktf/info').map((a) => `${a.level} ${a.message.split(' ')[0]}`)).toEqual(['@cdktf/warn [MLW-STATE1]']);
    expect(annotations.find((a) => a.level === '@cdktf/warn')?.message).toMatch(/local/);
  });
});
