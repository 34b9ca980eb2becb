import * as fs from 'fs';
import { builtinModules } from 'module';
import * as path from 'path';

const PACKAGES = path.resolve(__dirname, '..', '..', 'packages');
const CLOUD_PROVIDERS: Record<string, string> = { gcp: '@cdktf/provider-google', aws: '@cdktf/provider-aws', azure: '@cdktf/provider-azurerm' };
const UTILITY_PROVIDERS = ['@cdktf/provider-tls', '@cdktf/provider-random', '@cdktf/provider-time'];

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every import of every package's sources: the package, the file (relative to its src/) and the module. */
const imports = ['core', 'gcp', 'aws', 'azure'].flatMap((pkg) => {
  const src = path.join(PACKAGES, pkg, 'src');
  return sources(src).flatMap((file) =>
    // import … from, export … from, a bare import, a require: any quote.
    [...fs.readFileSync(file, 'utf8').matchAll(/^(?:import|export) [^;'"]*?from ['"]([^'"]+)['"]|^import ['"]([^'"]+)['"]|require\(['"]([^'"]+)['"]\)/gm)].map((m) => {
      const module = m[1] ?? m[2] ?? m[3];
      return {
        pkg,
        file: path.relative(src, file).split(path.sep).join('/'),
        module,
        // A relative import, as a path relative to the package's src/.
        target: module.startsWith('.') ? path.relative(src, path.resolve(path.dirname(file), module)).split(path.sep).join('/') : undefined,
      };
    }),
  );
});
const providerImports = imports.filter((i) => i.module.startsWith('@cdktf/provider-'));
const providerOf = (module: string) => module.split('/').slice(0, 2).join('/');

test('provider packages are imported by every package', () => {
  for (const pkg of ['core', 'gcp', 'aws', 'azure']) expect(providerImports.filter((i) => i.pkg === pkg).length).toBeGreaterThan(2);
});

test('every provider import is a deep import of one resource, never the barrel', () => {
  expect(providerImports.filter((i) => !/^@cdktf\/provider-[a-z]+\/lib\/[a-z0-9-]+$/.test(i.module))).toEqual([]);
});

test('the core imports no cloud provider, and only its clouds/common helpers import any provider', () => {
  const core = providerImports.filter((i) => i.pkg === 'core');
  expect(core.filter((i) => !UTILITY_PROVIDERS.includes(providerOf(i.module)))).toEqual([]);
  expect(core.filter((i) => !i.file.startsWith('clouds/common/'))).toEqual([]);
});

test('each cloud package imports its own provider only (and the utility providers)', () => {
  for (const [cloud, provider] of Object.entries(CLOUD_PROVIDERS)) {
    const foreign = providerImports.filter((i) => i.pkg === cloud && ![provider, ...UTILITY_PROVIDERS].includes(providerOf(i.module)));
    expect(foreign).toEqual([]);
  }
});

test("each package's peer dependencies are exactly what its sources import", () => {
  for (const pkg of ['core', 'gcp', 'aws', 'azure']) {
    const manifest = JSON.parse(fs.readFileSync(path.join(PACKAGES, pkg, 'package.json'), 'utf8'));
    // A cloud package cannot use what the core bundles (ipaddr.js): it would not resolve from its own directory.
    const imported = new Set(
      imports
        .filter((i) => i.pkg === pkg && !i.module.startsWith('.') && !builtinModules.includes(i.module))
        .map((i) => (i.module.startsWith('@') ? providerOf(i.module) : i.module.split('/')[0])),
    );
    const declared = new Set([...Object.keys(manifest.peerDependencies ?? {}), ...Object.keys(manifest.dependencies ?? {})]);
    // The utility providers are the core's peers: a cloud package lists them for its own installs.
    const unused = [...declared].filter((d) => !imported.has(d) && !(pkg !== 'core' && UTILITY_PROVIDERS.includes(d)));
    expect({ pkg, missing: [...imported].filter((m) => !declared.has(m)), unused }).toEqual({ pkg, missing: [], unused: [] });
  }
});

test('the core imports no cloud package', () => {
  expect(imports.filter((i) => i.pkg === 'core' && /^cdktf-ml-workspace-/.test(i.module))).toEqual([]);
});

test('no cloud package imports another cloud package', () => {
  expect(imports.filter((i) => i.pkg !== 'core' && /^cdktf-ml-workspace-/.test(i.module))).toEqual([]);
});

test('no front door imports a cloud helper but the shape of what a cloud built', () => {
  const frontDoors = imports.filter((i) => i.pkg === 'core' && /^(workspace|network|fleet)\//.test(i.file) && i.target);
  expect(frontDoors.length).toBeGreaterThan(5);
  expect(frontDoors.filter((i) => i.target!.startsWith('clouds/') && i.target !== 'clouds/common/built')).toEqual([]);
});

test("no cloud imports a front door's internals: it builds on core/, host/, nixos/, policy/ and clouds/common/", () => {
  const intoCore = imports.filter((i) => i.pkg !== 'core' && i.module.startsWith('cdktf-ml-workspace/'));
  expect(intoCore.length).toBeGreaterThan(20);
  expect(intoCore.filter((i) => !/^cdktf-ml-workspace\/lib\/(core|host|nixos|policy|clouds\/common)\//.test(i.module))).toEqual([]);
});
