import { Gpu, SsoProvider, WorkspaceAccess, WorkspaceAuth, WorkspaceDns, WorkspaceSize, WorkspaceTls } from 'cdktf-ml-workspace';
import { tunnelLocalPort } from 'cdktf-ml-workspace/lib/core/access';
import { earlyRenewalHours } from 'cdktf-ml-workspace/lib/clouds/common/tls';
import { azureBuildError, azureWorkspace, buildError, gcpWorkspace, machineDoc } from '../util';
import { parseJsonencode } from '../hcl';
import { awsBuildError, awsMachineDoc, awsWorkspace } from './aws-util';

const PUBLIC = WorkspaceAccess.public({ allowedCidrs: ['203.0.113.0/24'] });

describe('every printed URL reaches the IDE', () => {
  test('each private workspace has its own, stable tunnel port, away from the ephemeral ranges', () => {
    const ports = ['alice', 'bob', 'carol', 'dave', 'erin'].map(tunnelLocalPort);

    expect(ports).toEqual(ports.map((_, i) => tunnelLocalPort(['alice', 'bob', 'carol', 'dave', 'erin'][i])));
    expect(new Set(ports).size).toBe(ports.length);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(20000);
      expect(port).toBeLessThan(30000);
    }
    expect(tunnelLocalPort('alice')).toBe(27479);
  });

  test('two private workspaces in one stack print tunnels on different local ports', () => {
    const alice = gcpWorkspace().json.output.alice_url.value;
    const bob = gcpWorkspace({ workspaceName: 'bob' }).json.output.bob_url.value;

    expect(alice).toBe(`https://localhost:${tunnelLocalPort('alice')}/`);
    expect(bob).toBe(`https://localhost:${tunnelLocalPort('bob')}/`);
    expect(alice).not.toBe(bob);
  });

  test('the machine document carries the URL only when it is not the domain\'s', () => {
    const publicDoc = machineDoc(gcpWorkspace({ access: PUBLIC }).one('google_compute_instance'));
    const privateDoc = machineDoc(gcpWorkspace().one('google_compute_instance'));

    expect(publicDoc.config.mlWorkspace.workspace).not.toHaveProperty('url');
    expect(privateDoc.config.mlWorkspace.workspace.url).toBe('https://localhost:27479/');
  });

  test('GCP public without DNS: the URL is the address, which the certificate names too', () => {
    const s = gcpWorkspace({ access: PUBLIC, dns: WorkspaceDns.none(), tls: WorkspaceTls.selfSigned() });
    const address = '${google_compute_address.alice_Address_C5296E7C.address}';

    expect(s.json.output.alice_url.value).toBe(`https://${address}/`);
    expect(s.one('tls_self_signed_cert').ip_addresses).toEqual([address]);
    expect(machineDoc(s.one('google_compute_instance')).config.mlWorkspace.workspace.url).toBe(`https://${address}/`);
  });

  test('Azure public without DNS: the URL is the address, which the certificate names too', () => {
    const s = azureWorkspace({ access: PUBLIC, dns: WorkspaceDns.none(), tls: WorkspaceTls.selfSigned() });
    const address = '${azurerm_public_ip.alice_PublicIp_D798E21F.ip_address}';
    const doc = parseJsonencode(s.json.locals[Object.keys(s.json.locals)[0]]);

    expect(s.json.output.alice_url.value).toBe(`https://${address}/`);
    expect(s.one('tls_self_signed_cert').ip_addresses).toEqual([address]);
    expect(doc.config.mlWorkspace.workspace.url).toBe(`https://${address}/`);
  });

  test('AWS private with a zone: the URL is the tunnel, and the machine learns it', () => {
    const s = awsWorkspace({ dns: WorkspaceDns.zone({ zoneName: 'Z0123456789ABCDEFGHIJ', recordName: 'alice.ml.example.com' }) });

    expect(s.json.output.alice_url.value).toBe('https://localhost:27479/');
    expect(awsMachineDoc(s.one('aws_instance')).config.mlWorkspace.workspace).toMatchObject({
      domain: 'alice.ml.example.com',
      url: 'https://localhost:27479/',
    });
  });
});

describe('a certificate made by Terraform is renewed before it expires, and not on every apply', () => {
  test.each([
    [24, 8],
    [720, 240],
    [2160, 720],
    [8760, 720],
  ])('%i hours of validity renew %i hours early', (validity, early) => {
    expect(earlyRenewalHours(validity)).toBe(early);
  });

  test('the renewal window is always shorter than the certificate\'s life', () => {
    for (let validity = 24; validity <= 87600; validity += 97) {
      expect(earlyRenewalHours(validity)).toBeLessThan(validity);
    }
  });

  test('a one-day self-signed certificate', () => {
    expect(gcpWorkspace({ tls: WorkspaceTls.selfSigned({ validityHours: 24 }) }).one('tls_self_signed_cert')).toMatchObject({
      validity_period_hours: 24,
      early_renewal_hours: 8,
    });
  });
});

describe('GPU workspaces do not run for ever', () => {
  test('they stop 24 hours after boot unless told otherwise', () => {
    const doc = machineDoc(gcpWorkspace({ gpu: Gpu.NVIDIA_L4 }).one('google_compute_instance'));

    expect(doc.config.mlWorkspace.idleStop.maxRuntimeHours).toBe(24);
  });

  test('maxRuntimeHours: 0 sets no limit, a number its own', () => {
    const none = machineDoc(gcpWorkspace({ gpu: Gpu.NVIDIA_L4, maxRuntimeHours: 0 }).one('google_compute_instance'));
    const week = machineDoc(gcpWorkspace({ gpu: Gpu.NVIDIA_L4, maxRuntimeHours: 168 }).one('google_compute_instance'));

    expect(none.config.mlWorkspace.idleStop).not.toHaveProperty('maxRuntimeHours');
    expect(week.config.mlWorkspace.idleStop.maxRuntimeHours).toBe(168);
  });

  test('workspaces without a GPU have no limit by default', () => {
    expect(machineDoc(gcpWorkspace().one('google_compute_instance')).config.mlWorkspace.idleStop).not.toHaveProperty('maxRuntimeHours');
  });
});

describe('a GPU on a machine type without it is refused at synthesis', () => {
  it.each<[string, () => string, string]>([
    [
      'AWS: an H100 on t3.micro',
      () => awsBuildError({ gpu: Gpu.NVIDIA_H100_80GB, size: WorkspaceSize.XLARGE }, { instanceType: 't3.micro' }),
      "GpuWorkspace 'alice': target.instanceType 't3.micro' has no Gpu.NVIDIA_H100_80GB: AWS has it in the p5 families; use one of those, e.g. 'p5.48xlarge', or leave out gpu for a workspace without one",
    ],
    [
      'AWS: an L4 on an A10G instance type',
      () => awsBuildError({ gpu: Gpu.NVIDIA_L4 }, { instanceType: 'g5.xlarge' }),
      "GpuWorkspace 'alice': target.instanceType 'g5.xlarge' has no Gpu.NVIDIA_L4: AWS has it in the g6, g6f, gr6, gr6f families; use one of those, e.g. 'g6.xlarge', or leave out gpu for a workspace without one",
    ],
    [
      'AWS: a GPU outside the catalog on a CPU instance type',
      () => awsBuildError({ gpu: Gpu.of('nvidia-l40s') }, { instanceType: 'm6i.xlarge' }),
      "GpuWorkspace 'alice': target.instanceType 'm6i.xlarge' has no NVIDIA GPU; AWS has them in the g4dn, g5, g6, g6e, g6f, gr6, gr6f, p3, p3dn, p4d, p4de, p5, p5e, p5en families; use one of those, or leave out gpu for a workspace without one",
    ],
    [
      'GCP: an L4 on an N2 machine',
      () => buildError({ gpu: Gpu.NVIDIA_L4 }, { machineType: 'n2-standard-8' }),
      "GpuWorkspace 'alice': target.machineType 'n2-standard-8' cannot have Gpu.NVIDIA_L4: GCP offers it on g2-* machine types; use one of those, e.g. 'g2-standard-4', or leave out gpu for a workspace without one",
    ],
    [
      'GCP: a GPU outside the catalog on an E2 machine',
      () => buildError({ gpu: Gpu.of('nvidia-h200-141gb'), spot: true }, { machineType: 'e2-standard-4' }),
      "GpuWorkspace 'alice': target.machineType 'e2-standard-4' cannot have a GPU: GCP attaches or builds in GPUs only on the n1, g2, g4, a2, a3, a4 families; use one of those, or leave out gpu for a workspace without one",
    ],
    [
      'Azure: a T4 on a D-series size',
      () => azureBuildError({ gpu: Gpu.NVIDIA_T4 }, { vmSize: 'Standard_D8s_v5' }),
      "GpuWorkspace 'alice': target.vmSize 'Standard_D8s_v5' has no Gpu.NVIDIA_T4: Azure has it in the NCasT4_v3 sizes; use one of those, e.g. 'Standard_NC4as_T4_v3', or leave out gpu for a workspace without one",
    ],
    [
      'Azure: a GPU outside the catalog on a D-series size',
      () => azureBuildError({ gpu: Gpu.of('nvidia-h200') }, { vmSize: 'Standard_D8s_v5' }),
      "GpuWorkspace 'alice': target.vmSize 'Standard_D8s_v5' has no GPU: Azure's GPU sizes are the N-series (Standard_NC..., Standard_ND..., Standard_NV...); use one of those, or leave out gpu for a workspace without one",
    ],
  ])('%s', (_name, build, message) => {
    expect(build()).toBe(message);
  });

  test.each<[string, () => unknown]>([
    ['AWS g6e with an L40S', () => awsWorkspace({ gpu: Gpu.of('nvidia-l40s') }, { instanceType: 'g6e.xlarge' })],
    ['AWS gr6 with an L4', () => awsWorkspace({ gpu: Gpu.NVIDIA_L4 }, { instanceType: 'gr6.4xlarge' })],
    ['GCP a3-ultragpu with an H200', () => gcpWorkspace({ gpu: Gpu.of('nvidia-h200-141gb'), spot: true }, { machineType: 'a3-ultragpu-8g' })],
    ['GCP a2-megagpu with A100s', () => gcpWorkspace({ gpu: Gpu.NVIDIA_A100_40GB }, { machineType: 'a2-megagpu-16g' })],
    ['Azure ND H200', () => azureWorkspace({ gpu: Gpu.of('nvidia-h200') }, { vmSize: 'Standard_ND96isr_H200_v5' })],
    ['Azure NC T4 of another count', () => azureWorkspace({ gpu: Gpu.NVIDIA_T4 }, { vmSize: 'Standard_NC16as_T4_v3' })],
  ])('accepts %s', (_name, build) => {
    expect(build).not.toThrow();
  });
});

describe('the connection token rotates on a schedule', () => {
  test('every 30 days by default, through a time_rotating keeper', () => {
    const s = gcpWorkspace();
    expect(s.one('time_rotating')).toEqual({ rotation_days: 30 });
    expect(s.one('random_password').keepers).toEqual({ rotation: '${time_rotating.alice_ConnectionTokenRotation_565E2FDB.id}' });
    expect(s.json.provider.time).toEqual([{}]);
  });

  test('rotationDays sets the period; 0 never rotates', () => {
    expect(gcpWorkspace({ auth: WorkspaceAuth.connectionToken({ rotationDays: 7 }) }).one('time_rotating')).toEqual({ rotation_days: 7 });
    const never = gcpWorkspace({ auth: WorkspaceAuth.connectionToken({ rotationDays: 0 }) });
    expect(never.of('time_rotating')).toEqual({});
    expect(never.one('random_password')).toEqual({ length: 32, special: false });
  });

  test.each([-1, 366, 1.5, NaN])('rotationDays %s is refused', (rotationDays) => {
    expect(buildError({ auth: WorkspaceAuth.connectionToken({ rotationDays }) })).toBe(
      `GpuWorkspace 'alice': auth.rotationDays ${rotationDays} must be a whole number from 0 to 365`,
    );
  });

  test('the same on AWS and Azure', () => {
    expect(awsWorkspace().one('time_rotating')).toEqual({ rotation_days: 30 });
    expect(azureWorkspace().one('time_rotating')).toEqual({ rotation_days: 30 });
  });

  test('on Azure the Key Vault secret expires one period after its rotation falls due; never without rotation', () => {
    const secret = (s: ReturnType<typeof azureWorkspace>) =>
      Object.values<any>(s.of('azurerm_key_vault_secret')).find((x) => x.name === 'connection-token');
    expect(secret(azureWorkspace()).expiration_date).toBe('${timeadd(time_rotating.alice_ConnectionTokenRotation_565E2FDB.rotation_rfc3339, "720h")}');
    expect(secret(azureWorkspace({ auth: WorkspaceAuth.connectionToken({ rotationDays: 7 }) })).expiration_date).toBe(
      '${timeadd(time_rotating.alice_ConnectionTokenRotation_565E2FDB.rotation_rfc3339, "168h")}',
    );
    expect(secret(azureWorkspace({ auth: WorkspaceAuth.connectionToken({ rotationDays: 0 }) }))).not.toHaveProperty('expiration_date');
  });
});

describe('the SSO cookie secret rotates on a schedule', () => {
  const SSO_VAULT = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/identity/providers/Microsoft.KeyVault/vaults/sso-vault';
  const sso = (rotationDays?: number) =>
    WorkspaceAuth.sso({ provider: SsoProvider.GITHUB, clientId: 'Iv1.0123456789abcdef', clientSecretName: 'gh-oauth', rotationDays });
  const ROTATION = { rotation: '${time_rotating.alice_CookieSecretRotation_6E0154ED.id}' };

  test.each<[string, () => ReturnType<typeof gcpWorkspace>]>([
    ['GCP', () => gcpWorkspace({ auth: sso() })],
    ['AWS', () => awsWorkspace({ auth: sso(), access: WorkspaceAccess.public({ allowedCidrs: ['203.0.113.0/24'] }), dns: WorkspaceDns.zone({ zoneName: 'Z0123456789ABCDEFGHIJ', recordName: 'alice.ml.example.com' }) })],
    ['Azure', () => azureWorkspace({ auth: sso() }, { ssoKeyVaultId: SSO_VAULT })],
  ])('every 30 days by default on %s', (_cloud, build) => {
    const s = build();
    expect(s.one('time_rotating')).toEqual({ rotation_days: 30 });
    expect(s.one('random_password')).toEqual({ length: 32, special: false, keepers: ROTATION });
  });

  test('rotationDays sets the period, 0 never rotates, and the Azure secret expires with the schedule', () => {
    expect(gcpWorkspace({ auth: sso(90) }).one('time_rotating')).toEqual({ rotation_days: 90 });
    const never = azureWorkspace({ auth: sso(0) }, { ssoKeyVaultId: SSO_VAULT });
    expect(never.of('time_rotating')).toEqual({});
    const cookie = (s: ReturnType<typeof azureWorkspace>) =>
      Object.values<any>(s.of('azurerm_key_vault_secret')).find((x) => x.name === 'oauth2-cookie-secret');
    expect(cookie(never)).not.toHaveProperty('expiration_date');
    expect(cookie(azureWorkspace({ auth: sso() }, { ssoKeyVaultId: SSO_VAULT })).expiration_date).toBe(
      '${timeadd(time_rotating.alice_CookieSecretRotation_6E0154ED.rotation_rfc3339, "720h")}',
    );
  });

  test.each<[unknown, string]>([
    [-1, '-1'],
    [366, '366'],
    [2.5, '2.5'],
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
  ])('rotationDays %s is refused', (rotationDays, shown) => {
    expect(buildError({ auth: sso(rotationDays as number) })).toBe(`GpuWorkspace 'alice': auth.rotationDays ${shown} must be a whole number from 0 to 365`);
  });

  test("rotationDays '30' is refused as not a number", () => {
    expect(() => sso('30' as unknown as number)).toThrow("WorkspaceAuth.sso: rotationDays '30' must be a number");
  });
});
