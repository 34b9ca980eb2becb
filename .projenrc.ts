import { cdktf, javascript } from 'projen';

// Provider versions are pinned to a minor line: every provider here is generated for cdktf 0.21,
// and the deep-import paths (`@cdktf/provider-google/lib/compute-instance`) are stable within it.
const providers = {
  '@cdktf/provider-google': '^16.12.1',
  '@cdktf/provider-aws': '^21.22.1',
  '@cdktf/provider-azurerm': '^14.23.1',
  '@cdktf/provider-tls': '^11.0.1',
  '@cdktf/provider-random': '^12.0.1',
  // time_rotating: the connection token's rotation schedule, reproducible at synthesis.
  '@cdktf/provider-time': '^11.0.1',
};
const peer = Object.entries(providers).map(([name, range]) => `${name}@${range}`);

const project = new cdktf.ConstructLibraryCdktf({
  name: 'cdktf-ml-workspace',
  description:
    'CDK for Terraform constructs for secure, reproducible NixOS GPU work environments on GCP, AWS and Azure.',
  keywords: ['cdktf', 'terraform', 'nixos', 'gpu', 'machine-learning', 'gcp', 'aws', 'azure', 'jupyterhub'],
  author: 'cdktf-ml-workspace maintainers',
  authorAddress: 'maintainers@cdktf-ml-workspace.dev',
  repositoryUrl: 'https://github.com/cdktf-ml-workspace/cdktf-ml-workspace.git',
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: '20.0.0',

  cdktfVersion: '^0.21.0',
  constructsVersion: '^10.4.2',
  // jsii 5.9 compiles with TypeScript 5.9; ts-jest and ts-node stay on the same 5.x line.
  jsiiVersion: '~5.9.0',
  typescriptVersion: '~5.9.0',
  peerDeps: peer,
  // Parses and checks CIDR ranges (IPv4 and IPv6); bundled into the jsii package.
  bundledDeps: ['ipaddr.js@^2.2.0'],
  devDeps: [...peer, 'fast-check@^4', 'tsconfig-paths@^4'],

  // This repository is developed offline-first; no GitHub workflows, releases or bots.
  github: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  docgen: true,
  eslint: false,
  prettier: false,
  sampleCode: false,

  publishToPypi: {
    distName: 'cdktf-ml-workspace',
    module: 'cdktf_ml_workspace',
  },
  publishToGo: {
    moduleName: 'github.com/cdktf-ml-workspace/cdktf-ml-workspace-go',
    packageName: 'mlworkspace',
  },

  tsconfigDevFile: 'tsconfig.dev.json',
  tsconfigDev: {
    compilerOptions: {
      baseUrl: '.',
      // Examples import the library by its published name, exactly as a user's app does.
      paths: { 'cdktf-ml-workspace': ['src/index.ts'] },
    },
    include: ['examples/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts'],
    exclude: ['examples/**/cdktf.out', 'examples/**/.gen'],
  },

  jestOptions: {
    // jest 30 pulls native resolver and watcher bindings for every platform; a lockfile written
    // on one machine then lacks the others and `npm ci` fails elsewhere. jest 29 has none.
    jestVersion: '^29',
    // Snapshots are a guard against resource-address churn: `npm test` compares, never rewrites.
    // `npx projen test:update` rewrites them on purpose.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    passWithNoTests: false,
    jestConfig: {
      moduleNameMapper: { '^cdktf-ml-workspace$': '<rootDir>/src/index.ts' },
      setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/cdktf.out/'],
      watchPathIgnorePatterns: ['/cdktf.out/'],
      // Each worker loads cdktf and several providers; two workers on two cores is the sweet spot.
      maxWorkers: 2,
    },
  },
  // Terraform state holds every secret Terraform made (tokens, keys): never in git.
  gitignore: ['cdktf.out/', '.gen/', '.venv/', '/dist-bindings/', '*.tsbuildinfo', '.terraform/', '*.tfstate', '*.tfstate.*'],
});

// nix/ ships with the npm package (so `require.resolve('cdktf-ml-workspace/nix/flake.nix')` works);
// examples, scripts and benchmarks do not.
project.npmignore?.exclude('/examples/', '/bench/', '/scripts/', '/.ci/', '/.venv/', '/dist-bindings/');

const env = {
  CHECKPOINT_DISABLE: '1',
  TS_NODE_TRANSPILE_ONLY: '1',
  JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20',
};

project.addTask('synth:examples', {
  description: 'Synthesize every example offline into examples/<name>/cdktf.out and print a summary',
  env,
  exec: 'ts-node -r tsconfig-paths/register --project tsconfig.dev.json scripts/synth-examples.ts',
  receiveArgs: true,
});

project.addTask('scan', {
  description: 'Scan every synthesized example with checkov (installed into .venv/checkov)',
  exec: 'bash scripts/scan.sh',
});

project.addTask('test:bindings', {
  description: 'Build the Python binding, synthesize the Python examples and compare each with its TypeScript twin',
  exec: 'bash scripts/bindings.sh',
});

project.addTask('nix:parse', {
  description: 'Parse every .nix file with the real Nix parser',
  exec: 'bash scripts/nix-parse.sh',
});

// Type-check tests, examples and scripts too (ts-jest only transpiles).
project.testTask.prependExec('tsc --noEmit -p tsconfig.dev.json');
project.testTask.env('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');
project.testTask.env('CHECKPOINT_DISABLE', '1');

project.synth();
