import * as fs from 'fs';
import * as path from 'path';
import { Gpu, GpuWorkspaceProps, SsoProvider, WorkspaceAccess, WorkspaceAuth, WorkspaceDns, WorkspaceSize, WorkspaceTls } from 'cdktf-ml-workspace';
import { tunnelLocalPort } from 'cdktf-ml-workspace/lib/core/access';
import { parseJsonencode } from '../hcl';
import { azureWorkspace, gcpWorkspace, machineDoc } from '../util';
import { awsMachineDoc, awsWorkspace } from '../workspace/aws-util';
import { Cloud, concreteDocument, evaluateMachine, machineEvaluationError } from './machine-eval';
import { NIX_DIR, nixEvalExpr } from './nix-eval';
import { SAMPLE_DOCUMENTS_DIR, sampleDocumentText, sampleDocuments } from './sample-documents';

// Each evaluation spawns nix-instantiate over the whole module set.
jest.setTimeout(120_000);

const PUBLIC = WorkspaceAccess.public({ allowedCidrs: ['203.0.113.0/24'] });
const SSO = WorkspaceAuth.sso({
  provider: SsoProvider.GITHUB,
  clientId: 'Iv1.0123456789abcdef',
  clientSecretName: 'github-oauth-client-secret',
  allowedEmails: ['alice@example.com'],
});
const ZONE_AWS = WorkspaceDns.zone({ zoneName: 'Z0123456789ABCDEFGHIJ', recordName: 'alice.ml.example.com' });

/** The machine document a workspace with these props renders, with apply-time values filled in. */
const SSO_VAULT = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/identity/providers/Microsoft.KeyVault/vaults/sso-vault';

function documentFor(cloud: Cloud, props: Partial<GpuWorkspaceProps> = {}): any {
  if (cloud === 'gcp') {
    return concreteDocument(machineDoc(gcpWorkspace(props).one('google_compute_instance')), cloud);
  }
  if (cloud === 'aws') return concreteDocument(awsMachineDoc(awsWorkspace(props).one('aws_instance')), cloud);
  const s = azureWorkspace(props, props.auth ? { ssoKeyVaultId: SSO_VAULT } : {});
  return concreteDocument(parseJsonencode(s.json.locals[Object.keys(s.json.locals)[0]]), cloud);
}

const SCENARIOS: Array<[string, Cloud, Partial<GpuWorkspaceProps>]> = [
  ['GCP, the defaults (private, IAP tunnel, self-signed)', 'gcp', {}],
  ['GCP, public with Let\'s Encrypt and an L4', 'gcp', { access: PUBLIC, gpu: Gpu.NVIDIA_L4 }],
  ['GCP, public by IP address', 'gcp', { access: PUBLIC, dns: WorkspaceDns.none(), tls: WorkspaceTls.selfSigned() }],
  ['GCP, private with single sign-on', 'gcp', { auth: SSO }],
  ['AWS, the defaults (private, Session Manager)', 'aws', {}],
  ['AWS, public with a Route 53 zone, Let\'s Encrypt and an L4', 'aws', { access: PUBLIC, dns: ZONE_AWS, gpu: Gpu.NVIDIA_L4 }],
  ['AWS, private with a zone and single sign-on', 'aws', { dns: ZONE_AWS, auth: SSO }],
  ['Azure, the defaults (private, Bastion)', 'azure', {}],
  ['Azure, public by IP address with a T4', 'azure', { access: PUBLIC, dns: WorkspaceDns.none(), tls: WorkspaceTls.selfSigned(), gpu: Gpu.NVIDIA_T4 }],
  ['Azure, private with single sign-on', 'azure', { auth: SSO }],
];

describe('a workspace machine, evaluated strictly as the bootstrap builds it (image profile + bootstrap + document)', () => {
  // Before: GCP failed with conflicting PermitRootLogin definitions (the GCE profile's mkDefault
  // against the workspace module's), AWS with the users lock-out assertion.
  it.each(SCENARIOS)('%s: evaluates with no failed assertion and no warning', (_name, cloud, props) => {
    const { failedAssertions, warnings } = evaluateMachine(cloud, documentFor(cloud, props));

    expect(failedAssertions).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it.each<[Cloud, boolean, boolean]>([
    ['gcp', false, true],
    ['aws', true, false],
    ['azure', false, false],
  ])('%s: root may not log in over SSH, and the lock-out check passes through the cloud\'s own way in', (cloud, allowNoPasswordLogin, osLogin) => {
    const { values } = evaluateMachine(cloud, documentFor(cloud), [
      'services.openssh.settings.PermitRootLogin',
      'users.allowNoPasswordLogin',
      'security.googleOsLogin.enable',
      'users.mutableUsers',
    ]);

    expect(values).toEqual(['no', allowNoPasswordLogin, osLogin, false]);
  });

  test('Azure: the break-glass admin is the wheel user with a key that satisfies the lock-out check', () => {
    const [admin] = evaluateMachine('azure', documentFor('azure'), ['users.users.azureuser']).values;

    expect(admin).toMatchObject({ isNormalUser: true, extraGroups: ['wheel'], hashedPassword: '!' });
    expect(admin.openssh.authorizedKeys.keys).toHaveLength(1);
  });

  test('AWS: an explicit users.allowNoPasswordLogin = false trips the lock-out assertion, as on the machine', () => {
    const { failedAssertions } = evaluateMachine('aws', documentFor('aws'), [], [{ users: { allowNoPasswordLogin: false } }]);

    expect(failedAssertions).toEqual([expect.stringMatching(/^Neither the root account nor any wheel user has a password or SSH authorized key\./)]);
  });
});

describe('the IDE answers at every address the constructs print (TLS server name)', () => {
  it.each<[string, Cloud, Partial<GpuWorkspaceProps>, string]>([
    ['GCP private', 'gcp', {}, 'alice.europe-west4-a.c.ml-prod-123.internal'],
    ['AWS private with a zone', 'aws', { dns: ZONE_AWS }, 'alice.ml.example.com'],
    ['Azure public by IP', 'azure', { access: PUBLIC, dns: WorkspaceDns.none(), tls: WorkspaceTls.selfSigned() }, 'alice.a1b2'],
  ])('%s: one virtual host, the default server (which answers localhost and no name); no catch-all refusing TLS', (_name, cloud, props, domain) => {
    const [hosts, http] = evaluateMachine(cloud, documentFor(cloud, props), ['services.nginx.virtualHosts', 'services.nginx.appendHttpConfig']).values;

    expect(Object.keys(hosts)).toEqual([domain]);
    // No serverAliases: ACME would put them on the certificate order, and Let's Encrypt refuses
    // `localhost`; the default server answers for it anyway.
    expect(hosts[domain]).toMatchObject({ default: true, serverAliases: [], rejectSSL: false, forceSSL: true });
    expect(hosts[domain].locations['/']).toMatchObject({ proxyPass: 'http://unix:/run/ml-workspace-ide/ide.sock:', proxyWebsockets: true });
    // HSTS only for the domain: never for localhost, whose dev servers it would pin to HTTPS.
    expect(http).toContain(`map $host $ml_workspace_hsts {\n  default "";\n  ${JSON.stringify(domain)} "max-age=63072000; includeSubDomains";\n}\n`);
    expect(hosts[domain].extraConfig).toBe(
      'add_header Strict-Transport-Security $ml_workspace_hsts always;\naccess_log /var/log/nginx/access.log ml_workspace;\n',
    );
  });

  test('the access log never records the connection token: no query string, no Referer', () => {
    const [http] = evaluateMachine('gcp', documentFor('gcp'), ['services.nginx.appendHttpConfig']).values;
    const format = /log_format ml_workspace '([^']*)';/.exec(http)?.[1];

    expect(format).toBe('$remote_addr - $remote_user [$time_local] "$request_method $uri $server_protocol" $status $body_bytes_sent "$http_user_agent"');
    for (const leaky of ['$request ', '$request_uri', '$args', '$query_string', '$arg_', '$http_referer']) {
      expect(format).not.toContain(leaky);
    }
  });

  test('single sign-on behind a tunnel: the callback is the tunnel URL, and the login redirect stays relative', () => {
    const port = tunnelLocalPort('alice');
    const [redirectURL, hosts] = evaluateMachine('gcp', documentFor('gcp', { auth: SSO }), [
      'services.oauth2-proxy.redirectURL',
      'services.nginx.virtualHosts',
    ]).values;

    expect(redirectURL).toBe(`https://localhost:${port}/oauth2/callback`);
    expect(hosts['alice.europe-west4-a.c.ml-prod-123.internal'].locations['@redirectToAuth2ProxyLogin']).toMatchObject({
      return: '307 /oauth2/start?rd=$request_uri',
      extraConfig: 'absolute_redirect off;',
    });
  });
});

describe('least privilege on the machine', () => {
  test('containers are rootless Podman; the workspace user is in no group that is root', () => {
    const [podman, docker, user] = evaluateMachine('gcp', documentFor('gcp'), [
      'virtualisation.podman',
      'virtualisation.docker.enable',
      'users.users.workspace',
    ]).values;

    expect(podman).toMatchObject({ enable: true, dockerCompat: true });
    expect(docker).toBe(false);
    expect(user.extraGroups).toEqual([]);
  });

  test('the IDE, its terminals and containers cannot reach the instance metadata service', () => {
    const [serviceConfig] = evaluateMachine('gcp', documentFor('gcp'), ['systemd.services.openvscode-server.serviceConfig']).values;

    expect(serviceConfig.IPAddressDeny).toEqual(['169.254.169.254', 'fd00:ec2::254', 'fd20:ce::254']);
    expect(serviceConfig.UMask).toBe('0007');
  });

  test('nor through the Nix daemon, where a fixed-output build the user asks for has the network', () => {
    const [daemon] = evaluateMachine('gcp', documentFor('gcp'), ['systemd.services.nix-daemon.serviceConfig']).values;

    expect(daemon.IPAddressDeny).toEqual(['169.254.169.254', 'fd00:ec2::254', 'fd20:ce::254']);
  });

  test('mlWorkspace.workspace.ide.allowInstanceMetadata opts back in', () => {
    const [ide, daemon] = evaluateMachine('gcp', documentFor('gcp'), ['systemd.services.openvscode-server.serviceConfig', 'systemd.services.nix-daemon.serviceConfig'], [
      { mlWorkspace: { workspace: { ide: { allowInstanceMetadata: true } } } },
    ]).values;

    expect(ide).not.toHaveProperty('IPAddressDeny');
    expect(daemon).not.toHaveProperty('IPAddressDeny');
  });

  it.each<[string, Partial<GpuWorkspaceProps>, boolean]>([
    ['with a connection token', {}, false],
    ['behind oauth2-proxy', { auth: SSO }, true],
  ])('the IDE listens only on a socket nginx and the user can open (%s)', (_name, props, withoutToken) => {
    const [ide, rules] = evaluateMachine('gcp', documentFor('gcp', props), ['services.openvscode-server', 'systemd.tmpfiles.rules']).values;

    expect(ide).toMatchObject({ socketPath: '/run/ml-workspace-ide/ide.sock', withoutConnectionToken: withoutToken, user: 'workspace' });
    expect(rules).toContain('d /run/ml-workspace-ide 2750 workspace nginx -');
  });

  test('secrets are read again every hour; a changed certificate reloads nginx, a rotated token restarts the IDE', () => {
    const [timer, tlsPath, tlsService, tokenPath] = evaluateMachine('gcp', documentFor('gcp'), [
      'systemd.timers.ml-workspace-secrets-refresh.timerConfig',
      'systemd.paths.ml-workspace-tls-changed.pathConfig',
      'systemd.services.ml-workspace-tls-changed.script',
      'systemd.paths.ml-workspace-ide-token-changed.pathConfig',
    ]).values;

    expect(timer).toEqual({ OnActiveSec: '1h', OnUnitActiveSec: '1h', RandomizedDelaySec: '5min' });
    // One file per refresh lists what changed, so a reload running cannot miss the second file.
    expect(tlsPath).toEqual({ PathChanged: ['/run/ml-workspace/secrets/.changed'], Unit: 'ml-workspace-tls-changed.service' });
    expect(tlsService).toBe(
      "if grep -qxF -e '/run/ml-workspace/secrets/tls-cert' -e '/run/ml-workspace/secrets/tls-key' '/run/ml-workspace/secrets/.changed'; then\n  systemctl try-reload-or-restart nginx.service\nfi\n",
    );
    expect(tokenPath).toEqual({ PathChanged: ['/run/ml-workspace/secrets/.changed'], Unit: 'ml-workspace-ide-token-changed.service' });
  });
});

describe('the strict offline evaluation catches what the machine would refuse', () => {
  const doc = () => documentFor('gcp');

  test('a definition of an option that does not exist (a typo), naming it', () => {
    expect(machineEvaluationError('gcp', doc(), [{ hardware: { nvidiaa: { datacentre: { enabled: 'yes please' } } } }])).toMatch(
      /The option `hardware\.nvidiaa' does not exist\. Definition in `test'\./,
    );
  });

  test('a value of the wrong type', () => {
    expect(machineEvaluationError('gcp', doc(), [{ services: { openssh: { ports: ['22'] } } }])).toMatch(
      /The option `services\.openssh\.ports' is not of type `listOf'/,
    );
  });

  test('two different values at one priority', () => {
    expect(machineEvaluationError('gcp', doc(), [{ networking: { hostName: 'bob' } }])).toMatch(
      /The option `networking\.hostName' has conflicting definition values:\n\s*- In `[^']*machine\.json[^']*': "alice"\n\s*- In `test': "bob"/,
    );
  });

  test('a document value outside an option\'s type, as a rebuild would', () => {
    const bad = doc();
    bad.config.mlWorkspace.idleStop.cpuLoadPerCore = 0;

    expect(machineEvaluationError('gcp', bad)).toMatch(/The option `mlWorkspace\.idleStop\.cpuLoadPerCore' is not of type `integer or floating point number between 0\.01 and 64 \(both inclusive\)'/);
  });
});

describe('GPU machines', () => {
  test('GCP with an L4: the datacenter driver with an explicit kernel-module choice, CDI for containers', () => {
    const [nvidia, toolkit] = evaluateMachine('gcp', documentFor('gcp', { gpu: Gpu.NVIDIA_L4, size: WorkspaceSize.MEDIUM }), [
      'hardware.nvidia',
      'hardware.nvidia-container-toolkit.enable',
    ]).values;

    expect(nvidia).toMatchObject({ datacenter: { enable: true }, open: false, nvidiaPersistenced: true });
    expect(toolkit).toBe(true);
  });
});

describe('the sample documents the flake checks evaluate against the pinned nixpkgs (nix/tests/documents)', () => {
  const samples = sampleDocuments();

  it.each(Object.keys(samples) as Cloud[])('%s.json is what the constructs render, and evaluates strictly', (cloud) => {
    const file = path.join(SAMPLE_DOCUMENTS_DIR, `${cloud}.json`);

    // Rewrite with: npx ts-node -r tsconfig-paths/register --project tsconfig.dev.json scripts/sample-documents.ts
    expect(fs.readFileSync(file, 'utf8')).toBe(sampleDocumentText(samples[cloud]));
    expect(evaluateMachine(cloud, samples[cloud])).toEqual({ failedAssertions: [], warnings: [], values: [] });
  });
});

describe('the settings a machine document may hold (nix/lib/document-settings.nix) are the ones the constructs render', () => {
  /** Every leaf path of a document's config, secret names as `<name>`. */
  const leafPaths = (config: any): string[] => {
    const out: string[] = [];
    const walk = (value: any, at: string[]) => {
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        for (const [k, v] of Object.entries(value)) walk(v, [...at, at.join('.') === 'mlWorkspace.secrets.secrets' ? '<name>' : k]);
      } else {
        out.push(at.join('.'));
      }
    };
    walk(config, []);
    return out;
  };
  const allowed = (cloud: Cloud): string[] =>
    nixEvalExpr<string[]>(`{ file, cloud }: (import file { inherit cloud; }).paths`, [
      '--argstr', 'file', path.join(NIX_DIR, 'lib', 'document-settings.nix'),
      '--argstr', 'cloud', cloud,
    ]);

  it.each<Cloud>(['gcp', 'aws', 'azure'])('%s', (cloud) => {
    // Between them, these render every setting there is on that cloud.
    const variants: Array<Partial<GpuWorkspaceProps>> = [
      { access: PUBLIC, dns: cloud === 'aws' ? ZONE_AWS : undefined, gpu: cloud === 'azure' ? Gpu.NVIDIA_T4 : Gpu.NVIDIA_L4, maxRuntimeHours: 12 },
      { auth: WorkspaceAuth.sso({ provider: SsoProvider.OIDC, clientId: 'ml-workspace', clientSecretName: 'oidc-client-secret', oidcIssuerUrl: 'https://login.example.com', allowedDomains: ['example.com'] }) },
      {},
    ];
    const rendered = new Set(variants.flatMap((props) => leafPaths(documentFor(cloud, props).config)));

    expect([...rendered].sort()).toEqual([...allowed(cloud)].sort());
  });
});

describe('strings the module writes into nginx, fstab, /etc/group or a command line are held to their shapes', () => {
  const withWorkspace = (change: (w: any, doc: any) => void) => {
    const doc = documentFor('gcp');
    change(doc.config.mlWorkspace.workspace, doc);
    return doc;
  };

  it.each<[string, any, RegExp]>([
    [
      'a certificate path that would end nginx\'s directive',
      withWorkspace((w) => (w.tls.certificateFile = '/run/x; } server { listen 80; location / { proxy_pass http://169.254.169.254; } #')),
      /^mlWorkspace\.workspace\.tls\.certificateFile must be an absolute path \(letters, digits and \. _ - \/\)/,
    ],
    [
      'a token path with a space',
      withWorkspace((w) => (w.ide.connectionTokenFile = '/run/ml-workspace/secrets/connection token')),
      /^mlWorkspace\.workspace\.ide\.connectionTokenFile must be an absolute path/,
    ],
    [
      'a home device that is not under /dev',
      withWorkspace((w) => (w.home.device = '/dev/sdb /home ext4 defaults 0 0\n/dev/sdc')),
      /^mlWorkspace\.workspace\.home\.device must be a device path under \/dev/,
    ],
    [
      'a domain that would end the server name',
      withWorkspace((w) => (w.domain = 'alice.example.com; return 200')),
      /^mlWorkspace\.workspace\.domain must be the DNS name the workspace is served on/,
    ],
  ])('%s fails an assertion naming the option', (_name, doc, message) => {
    expect(evaluateMachine('gcp', doc).failedAssertions).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  });

  test('a secret owner with a newline is not of its type (it would reach /etc/group)', () => {
    const doc = documentFor('gcp');
    doc.config.mlWorkspace.secrets.secrets['tls-key'].owner = 'nginx\nroot:x:0:';

    expect(machineEvaluationError('gcp', doc)).toMatch(/The option `mlWorkspace\.secrets\.secrets\.tls-key\.owner' is not of type `string matching the pattern \[a-z_\]\[a-z0-9_-\]\*'/);
  });
});
