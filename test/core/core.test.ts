import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Gpu, NixpkgsPin } from 'cdktf-ml-workspace';
import { toLabelValue } from 'cdktf-ml-workspace/lib/core/label-rules';
import { cidrProblem } from 'cdktf-ml-workspace/lib/core/cidr';

describe('Gpu catalog', () => {
  test('catalog entries are found by name and print as their constant', () => {
    expect(Gpu.of('nvidia-l4')).toBe(Gpu.NVIDIA_L4);
    expect(Gpu.NVIDIA_H100_80GB.toString()).toBe('Gpu.NVIDIA_H100_80GB');
    expect(Gpu.NVIDIA_A100_80GB.memoryGb).toBe(80);
  });

  test('a model outside the catalog keeps its name and is marked as such', () => {
    const h200 = Gpu.of('nvidia-h200-141gb');
    expect(h200.inCatalog).toBe(false);
    expect(h200.toString()).toBe("Gpu.of('nvidia-h200-141gb')");
  });
});

describe('label values', () => {
  test.each([
    ['alice@example.com', 'alice_example_com'],
    ['Alice.Smith@Example.COM', 'alice_smith_example_com'],
    ['  team  A ', 'team_a'],
    ['x'.repeat(80), 'x'.repeat(63)],
  ])('%s becomes %s', (text, value) => {
    expect(toLabelValue(text)).toBe(value);
  });
});

describe('CIDR ranges', () => {
  test.each(['10.0.0.0/8', '203.0.113.0/24', '0.0.0.0/0', '2001:db8::/32', '::/0'])('%s is accepted', (cidr) => {
    expect(cidrProblem(cidr)).toBeUndefined();
  });
  test.each([
    ['10.0.0.1/8', "has host bits set; use '10.0.0.0/8'"],
    ['300.0.0.0/8', "is not a CIDR range; write it like '203.0.113.0/24' or '2001:db8::/48'"],
    ['', "is not a CIDR range; write it like '203.0.113.0/24' or '2001:db8::/48'"],
  ])('%s is refused: %s', (cidr, problem) => {
    expect(cidrProblem(cidr)).toBe(problem);
  });
});

test('the default nixpkgs pin is the one nix/flake.lock locks', () => {
  const lock = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'nix', 'flake.lock'), 'utf8'));
  const locked = lock.nodes[lock.nodes[lock.root].inputs.nixpkgs].locked;
  expect({ owner: locked.owner, repo: locked.repo, rev: locked.rev, narHash: locked.narHash }).toEqual({
    owner: NixpkgsPin.DEFAULT.owner,
    repo: NixpkgsPin.DEFAULT.repo,
    rev: NixpkgsPin.DEFAULT.rev,
    narHash: NixpkgsPin.DEFAULT.narHash,
  });
});

describe('the repository', () => {
  // Terraform state holds every secret Terraform made (tokens, keys).
  test.each(['terraform.tfstate', 'examples/gcp-workspace/terraform.gcp-workspace.tfstate', 'terraform.tfstate.backup', 'x.tfstate.1700000000.backup'])(
    'never adds state file %s to git',
    (file) => {
      expect(execFileSync('git', ['check-ignore', '--no-index', file], { cwd: path.resolve(__dirname, '..', '..'), encoding: 'utf8' }).trim()).toBe(file);
    },
  );
});
