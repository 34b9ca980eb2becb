import { cdktf, javascript, typescript } from 'projen';

// One repository, one version, four packages (npm workspaces under packages/):
//
//   cdktf-ml-workspace        the cloud-neutral API, the front doors, the policy rules and the
//                             NixOS rendering; no cloud provider (tls, random and time only)
//   cdktf-ml-workspace-gcp    GcpTarget and what Google Cloud builds   (+ @cdktf/provider-google)
//   cdktf-ml-workspace-aws    AwsTarget and what AWS builds            (+ @cdktf/provider-aws)
//   cdktf-ml-workspace-azure  AzureTarget and what Azure builds        (+ @cdktf/provider-azurerm)
//
// An app installs the core and the package of each cloud it deploys to: a GCP-only app never
// downloads or loads the AWS or Azure providers (in Python each provider's package imports all
// of its ~1,500–2,200 resource modules).

const VERSION = '0.0.0';
const CDKTF = '^0.21.0';
const CONSTRUCTS = '^10.4.2';
// Provider versions are pinned to a minor line: every provider here is generated for cdktf 0.21,
// and the deep-import paths (`@cdktf/provider-google/lib/compute-instance`) are stable within it.
const UTILITY_PROVIDERS = {
  '@cdktf/provider-tls': '^11.0.1',
  '@cdktf/provider-random': '^12.0.1',
  // time_rotating: the connection token's rotation schedule, reproducible at synthesis.
  '@cdktf/provider-time': '^11.0.1',
};
const CLOUDS = {
  gcp: { provider: '@cdktf/provider-google', range: '^16.12.1', title: 'Google Cloud' },
  aws: { provider: '@cdktf/provider-aws', range: '^21.22.1', title: 'AWS' },
  azure: { provider: '@cdktf/provider-azurerm', range: '^14.23.1', title: 'Azure' },
};
const spec = (deps: Record<string, string>) => Object.entries(deps).map(([name, range]) => `${name}@${range}`);
const allProviders = [...spec(UTILITY_PROVIDERS), ...Object.values(CLOUDS).map((c) => `${c.provider}@${c.range}`)];

const env = {
  CHECKPOINT_DISABLE: '1',
  TS_NODE_TRANSPILE_ONLY: '1',
  JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20',
};

// The repository root: tests, examples, scripts and benchmarks for all four packages.
const root = new javascript.NodeProject({
  name: 'cdktf-ml-workspace-repository',
  description: 'Tests, examples and benchmarks of the cdktf-ml-workspace packages',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: '20.0.0',
  projenrcJs: false,
  // This repository is developed offline-first; no GitHub workflows, releases or bots.
  github: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  package: false,
  devDeps: [
    `cdktf@${CDKTF}`,
    `constructs@${CONSTRUCTS}`,
    ...allProviders,
    'typescript@~5.9.0',
    'ts-node@^10',
    'ts-jest@^29',
    '@types/jest@^29',
    '@types/node@^20',
    'fast-check@^4',
    'tsconfig-paths@^4',
    'jsii@~5.9.0',
    'jsii-pacmak@^1.140.0',
    'jsii-docgen@^10.5.0',
    'jsii-rosetta@~5.9.0',
  ],
  jest: true,
  jestOptions: {
    // jest 30 pulls native resolver and watcher bindings for every platform; a lockfile written
    // on one machine then lacks the others and `npm ci` fails elsewhere. jest 29 has none.
    jestVersion: '^29',
    // Snapshots are a guard against resource-address churn: `npm test` compares, never rewrites.
    // `npx projen test:update` rewrites them on purpose.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    passWithNoTests: false,
    jestConfig: {
      // Tests and examples import the packages by their published names, resolved to the sources.
      moduleNameMapper: {
        '^cdktf-ml-workspace$': '<rootDir>/packages/core/src/index.ts',
        '^cdktf-ml-workspace/lib/(.*)$': '<rootDir>/packages/core/src/$1',
        '^cdktf-ml-workspace-(gcp|aws|azure)$': '<rootDir>/packages/$1/src/index.ts',
        '^cdktf-ml-workspace-(gcp|aws|azure)/lib/(.*)$': '<rootDir>/packages/$1/src/$2',
      },
      setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/cdktf.out/'],
      watchPathIgnorePatterns: ['/cdktf.out/'],
      coveragePathIgnorePatterns: ['/node_modules/', '/cdktf.out/', '/test/'],
      transform: { '^.+\\.[t]sx?$': new javascript.Transform('ts-jest', { tsconfig: 'tsconfig.dev.json' }) },
      // Each worker loads cdktf and several providers; two workers on two cores is the sweet spot.
      maxWorkers: 2,
    },
  },
  // Terraform state holds every secret Terraform made (tokens, keys): never in git.
  gitignore: [
    'cdktf.out/',
    '.gen/',
    '.venv/',
    '/dist-bindings/',
    '*.tsbuildinfo',
    '.terraform/',
    '*.tfstate',
    '*.tfstate.*',
    // README.md's TypeScript blocks, written out while test/examples/readme.test.ts runs.
    '/test/examples/.readme-*/',
    // The core package ships a copy of nix/ (made by its prepack step).
    '/packages/core/nix/',
    // jsii-pacmak's bindings of the four packages (scripts/bindings.sh).
    '/dist/',
  ],
});
root.package.addField('private', true);
root.package.addField('workspaces', Object.keys({ core: 1, ...CLOUDS }).map((p) => `packages/${p}`));
new typescript.ProjenrcTs(root, { tsconfigFileName: 'tsconfig.projen.json' });

const paths: Record<string, string[]> = {
  'cdktf-ml-workspace': ['packages/core/src/index.ts'],
  'cdktf-ml-workspace/lib/*': ['packages/core/src/*'],
};
for (const cloud of Object.keys(CLOUDS)) {
  paths[`cdktf-ml-workspace-${cloud}`] = [`packages/${cloud}/src/index.ts`];
  paths[`cdktf-ml-workspace-${cloud}/lib/*`] = [`packages/${cloud}/src/*`];
}
// Type-checks the packages' sources together with the tests, examples, scripts and benchmarks
// (ts-jest only transpiles), and resolves the packages to their sources for ts-node.
new javascript.TypescriptConfig(root, {
  fileName: 'tsconfig.dev.json',
  compilerOptions: {
    alwaysStrict: true,
    declaration: false,
    esModuleInterop: true,
    experimentalDecorators: true,
    isolatedModules: true,
    lib: ['es2022'],
    module: 'node16',
    noEmit: true,
    noFallthroughCasesInSwitch: true,
    noImplicitAny: true,
    noImplicitReturns: true,
    noImplicitThis: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    resolveJsonModule: true,
    strict: true,
    strictNullChecks: true,
    strictPropertyInitialization: true,
    target: 'ES2022',
    types: ['jest', 'node'],
    skipLibCheck: true,
    baseUrl: '.',
    paths,
  },
  include: ['packages/*/src/**/*.ts', 'test/**/*.ts', 'examples/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts'],
  exclude: ['node_modules', 'examples/**/cdktf.out', 'examples/**/.gen'],
});

const shared = {
  author: 'cdktf-ml-workspace maintainers',
  authorAddress: 'maintainers@cdktf-ml-workspace.dev',
  repositoryUrl: 'https://github.com/cdktf-ml-workspace/cdktf-ml-workspace.git',
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: '20.0.0',
  cdktfVersion: CDKTF,
  constructsVersion: CONSTRUCTS,
  // jsii 5.9 compiles with TypeScript 5.9; ts-jest and ts-node stay on the same 5.x line.
  jsiiVersion: '~5.9.0',
  typescriptVersion: '~5.9.0',
  github: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  docgen: true,
  eslint: false,
  prettier: false,
  sampleCode: false,
  // The tests live at the repository root and cover every package together.
  jest: false,
  disableTsconfigDev: true,
};

function library(
  dir: string,
  readme: string,
  options: Omit<cdktf.ConstructLibraryCdktfOptions, keyof typeof shared | 'author' | 'authorAddress' | 'repositoryUrl' | 'defaultReleaseBranch' | 'cdktfVersion'>,
) {
  const project = new cdktf.ConstructLibraryCdktf({
    ...shared,
    ...options,
    parent: root,
    outdir: `packages/${dir}`,
    readme: { contents: `${readme}\n\nThe guide, the examples per cloud and language and the upgrade notes: ${REPOSITORY}#readme\n` },
  });
  project.package.addVersion(VERSION);
  // npm installs every workspace from the root, once, after all package.json files are written
  // (projen would run `npm install` in each package directory first, before the root lists it).
  (project.package as unknown as { installDependencies: () => void }).installDependencies = () => {};
  // `npm pack` compiles first: a tarball without lib/ cannot be made.
  project.package.setScript('prepack', 'node ../../scripts/prepack.js');
  // jsii-docgen reads dependency assemblies from the package's own node_modules, which npm
  // workspaces hoist to the root's: scripts/docgen.js gathers them first.
  project.tasks.tryFind('docgen')?.reset('node ../../scripts/docgen.js');
  // The Go module's sources are what a Go release publishes; without --code-only pacmak also runs
  // `go mod tidy`, which needs cdktf's and the providers' modules from a proxy (scripts/go/bindings.sh
  // builds and tests them offline).
  project.tasks.tryFind('package:go')?.reset('jsii-pacmak -v --target go --code-only');
  return project;
}

const REPOSITORY = 'https://github.com/cdktf-ml-workspace/cdktf-ml-workspace';
const INSTALL = (cloud: string) =>
  [
    '```sh',
    `npm install cdktf-ml-workspace cdktf-ml-workspace-${cloud}    # pip install cdktf-ml-workspace cdktf-ml-workspace-${cloud}`,
    '```',
  ].join('\n');

const core = library(
  'core',
  [
    '# cdktf-ml-workspace',
    '',
    'CDK for Terraform constructs for secure, reproducible NixOS GPU work environments: `GpuWorkspace`,',
    '`WorkspaceNetwork`, `WorkspaceFleet` and the `WorkspacePolicyChecks` security rules. This is the',
    'cloud-neutral core; install it with the package of the cloud you deploy to, which makes the target:',
    '',
    '| cloud | package | target |',
    '|---|---|---|',
    '| Google Cloud | `cdktf-ml-workspace-gcp` | `GcpTarget.of({ project, region, zone })` |',
    '| AWS | `cdktf-ml-workspace-aws` | `AwsTarget.of({ region })` |',
    '| Azure | `cdktf-ml-workspace-azure` | `AzureTarget.of({ location, imageId, keyVaultAllowedCidrs })` |',
    '',
    INSTALL('gcp'),
  ].join('\n'),
  {
  name: 'cdktf-ml-workspace',
  description:
    'CDK for Terraform constructs for secure, reproducible NixOS GPU work environments on GCP, AWS and Azure: the cloud-neutral core (install a cloud package beside it).',
  keywords: ['cdktf', 'terraform', 'nixos', 'gpu', 'machine-learning', 'gcp', 'aws', 'azure'],
  peerDeps: spec(UTILITY_PROVIDERS),
  devDeps: spec(UTILITY_PROVIDERS),
  // Parses and checks CIDR ranges (IPv4 and IPv6); bundled into the jsii package.
  bundledDeps: ['ipaddr.js@^2.2.0'],
  publishToPypi: { distName: 'cdktf-ml-workspace', module: 'cdktf_ml_workspace' },
  publishToGo: { moduleName: 'github.com/cdktf-ml-workspace/cdktf-ml-workspace-go', packageName: 'mlworkspace' },
    // `npx cdktf-ml-workspace summary`: what synthesis made (scripts/synth-examples.ts prints the same).
    bin: { 'cdktf-ml-workspace': 'lib/cli/main.js' },
  },
);
// The NixOS modules ship with the package (`node_modules/cdktf-ml-workspace/nix/flake.nix`):
// its prepack (scripts/prepack.js) copies the repository's nix/ in before every pack.

for (const [cloud, { provider, range, title }] of Object.entries(CLOUDS)) {
  const target = `${cloud === 'gcp' ? 'Gcp' : cloud === 'aws' ? 'Aws' : 'Azure'}Target`;
  const readme = [
    `# cdktf-ml-workspace-${cloud}`,
    '',
    `[cdktf-ml-workspace](https://www.npmjs.com/package/cdktf-ml-workspace) on ${title}: \`${target}\`, which a`,
    `\`GpuWorkspace\`, \`WorkspaceNetwork\` or \`WorkspaceFleet\` takes as its \`target\`, the resources it builds`,
    `(with \`${provider}\` only) and their typed escape hatches (\`${target.replace('Target', 'Resources')}.ofWorkspace(workspace)\`).`,
    '',
    INSTALL(cloud),
  ].join('\n');
  library(cloud, readme, {
    name: `cdktf-ml-workspace-${cloud}`,
    description: `cdktf-ml-workspace on ${title}: ${target} and the resources it builds.`,
    keywords: ['cdktf', 'terraform', 'nixos', 'gpu', 'machine-learning', cloud],
    // The same version of the core, always: the cloud package builds on its internals.
    peerDeps: [`cdktf-ml-workspace@${VERSION}`, `${provider}@${range}`, ...spec(UTILITY_PROVIDERS)],
    devDeps: [`cdktf-ml-workspace@${VERSION}`, `${provider}@${range}`, ...spec(UTILITY_PROVIDERS)],
    publishToPypi: { distName: `cdktf-ml-workspace-${cloud}`, module: `cdktf_ml_workspace_${cloud}` },
    publishToGo: { moduleName: 'github.com/cdktf-ml-workspace/cdktf-ml-workspace-go', packageName: `mlworkspace${cloud}` },
  });
}

// Root tasks run over every package, the core first (the cloud packages read its .jsii).
const packages = ['core', ...Object.keys(CLOUDS)];
const compile = root.compileTask;
compile.description = 'jsii-compile every package, the core first';
const docgen = root.addTask('docgen', { description: 'Write each package\'s API.md' });
for (const p of packages) {
  compile.exec('npx projen compile', { cwd: `packages/${p}` });
  docgen.exec('npx projen docgen', { cwd: `packages/${p}` });
}

root.addTask('synth:examples', {
  description: 'Synthesize every example offline into examples/<name>/cdktf.out and print a summary',
  env,
  exec: 'ts-node -r tsconfig-paths/register --project tsconfig.dev.json scripts/synth-examples.ts',
  receiveArgs: true,
});
root.addTask('scan', {
  description: 'Scan every synthesized example with checkov (installed into .venv/checkov)',
  exec: 'bash scripts/scan.sh',
});
root.addTask('test:bindings', {
  description: 'Build the Python binding, synthesize the Python examples and compare each with its TypeScript twin',
  exec: 'bash scripts/bindings.sh',
});
root.addTask('test:bindings:go', {
  description: 'Build the Go binding offline from locally generated modules, run the Go examples and compare each with its TypeScript twin',
  exec: 'bash scripts/go/bindings.sh',
});
root.addTask('test:adoption', {
  description: "Pack the core and GCP packages, follow the README's TypeScript steps in a scratch app outside the repository, synthesize (Node 20 and 22)",
  exec: 'bash scripts/adoption.sh',
});
root.addTask('nix:parse', {
  description: 'Parse every .nix file with the real Nix parser',
  exec: 'bash scripts/nix-parse.sh',
});

root.testTask.prependExec('tsc --noEmit -p tsconfig.dev.json');
// The usage views run for real: sqlglot and DuckDB over synthetic export rows.
root.testTask.exec('bash scripts/sql-views.sh');
root.testTask.env('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');
root.testTask.env('CHECKPOINT_DISABLE', '1');

root.synth();
