import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import {
  Gpu,
  GpuWorkspace,
  NixpkgsPin,
  SsoProvider,
  WorkspaceAccess,
  WorkspaceAuth,
  WorkspaceDns,
  WorkspaceSize,
  WorkspaceTls,
} from 'cdktf-ml-workspace';
import { GCP, gcpWorkspace, machineDoc, synthStack } from '../util';
import { GcpResources, GcpTarget } from 'cdktf-ml-workspace-gcp';

const LABELS = { 'cost-center': 'unassigned', 'cost-scope': 'workspace', 'ml-workspace': 'true', 'owner': 'alice_example_com', 'workspace': 'alice' };
const PUBLIC = WorkspaceAccess.public({ allowedCidrs: ['203.0.113.0/24'] });

describe('GpuWorkspace on GCP with defaults (private, no GPU)', () => {
  // GIVEN only a target and an owner
  const s = gcpWorkspace();
  const instance = s.one('google_compute_instance');

  test('the instance is a SMALL CPU machine with Shielded VM, OS Login and no public IP', () => {
    expect(instance).toMatchObject({
      name: 'alice',
      project: 'ml-prod-123',
      zone: 'europe-west4-a',
      machine_type: 'n2-standard-4',
      desired_status: 'RUNNING',
      allow_stopping_for_update: true,
      can_ip_forward: false,
      labels: LABELS,
      tags: ['mlw-alice'],
      shielded_instance_config: { enable_secure_boot: false, enable_vtpm: true, enable_integrity_monitoring: true },
      scheduling: { provisioning_model: 'STANDARD', automatic_restart: true, on_host_maintenance: 'MIGRATE' },
      boot_disk: {
        auto_delete: true,
        initialize_params: {
          image: 'projects/ml-prod-123/global/images/family/ml-workspace-nixos',
          size: 100,
          type: 'pd-balanced',
          labels: LABELS,
        },
      },
    });
    expect(instance.network_interface).toHaveLength(1);
    expect(instance.network_interface[0].access_config).toBeUndefined();
    expect(instance.guest_accelerator).toBeUndefined();
    expect(instance.metadata).toMatchObject({
      'enable-oslogin': 'TRUE',
      'block-project-ssh-keys': 'TRUE',
      'serial-port-enable': 'FALSE',
    });
  });

  test('a dedicated service account with only log, metric and own-secret access', () => {
    expect(s.one('google_service_account')).toMatchObject({ account_id: 'mlw-alice', display_name: 'ML workspace alice', project: 'ml-prod-123' });
    const email = '${google_service_account.alice_ServiceAccount_D5634D82.email}';
    expect(instance.service_account).toEqual({ email, scopes: ['cloud-platform'] });
    const roles = Object.values(s.of('google_project_iam_member')).map((m: any) => [m.role, m.member]);
    expect(roles.sort()).toEqual([
      ['roles/logging.logWriter', `serviceAccount:${email}`],
      ['roles/monitoring.metricWriter', `serviceAccount:${email}`],
    ]);
    const secretGrants = Object.values(s.of('google_secret_manager_secret_iam_member')).map((m: any) => [
      m.secret_id,
      m.role,
      m.member,
    ]);
    expect(secretGrants).toEqual([
      ['${google_secret_manager_secret.alice_ConnectionTokenSecret_FB03C3B9.secret_id}', 'roles/secretmanager.secretAccessor', `serviceAccount:${email}`],
      ['${google_secret_manager_secret.alice_TlsCertSecret_CC60F017.secret_id}', 'roles/secretmanager.secretAccessor', `serviceAccount:${email}`],
      ['${google_secret_manager_secret.alice_TlsKeySecret_265B570C.secret_id}', 'roles/secretmanager.secretAccessor', `serviceAccount:${email}`],
    ]);
  });

  test('APIs compute, secretmanager and IAP are enabled and never disabled on destroy', () => {
    const services = Object.values(s.of('google_project_service')).map((p: any) => p.service);
    expect(services.sort()).toEqual(['compute.googleapis.com', 'iap.googleapis.com', 'secretmanager.googleapis.com']);
    for (const p of Object.values<any>(s.of('google_project_service'))) {
      expect(p).toMatchObject({ project: 'ml-prod-123', disable_on_destroy: false, disable_dependent_services: false });
    }
  });

  test('a network, a subnet with flow logs and private Google access, and Cloud NAT', () => {
    expect(s.one('google_compute_network')).toMatchObject({ name: 'alice-net', auto_create_subnetworks: false, routing_mode: 'REGIONAL' });
    expect(s.one('google_compute_subnetwork')).toMatchObject({
      name: 'alice-subnet',
      region: 'europe-west4',
      ip_cidr_range: '10.42.0.0/24',
      private_ip_google_access: true,
      log_config: { aggregation_interval: 'INTERVAL_10_MIN', flow_sampling: 0.5, metadata: 'INCLUDE_ALL_METADATA' },
    });
    expect(s.one('google_compute_router_nat')).toMatchObject({
      name: 'alice-nat',
      nat_ip_allocate_option: 'AUTO_ONLY',
      source_subnetwork_ip_ranges_to_nat: 'ALL_SUBNETWORKS_ALL_IP_RANGES',
      log_config: { enable: true, filter: 'ERRORS_ONLY' },
    });
    expect(s.of('google_compute_address')).toEqual({});
  });

  test('only IAP may reach SSH and HTTPS', () => {
    const rules = Object.values<any>(s.of('google_compute_firewall'));
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({
      name: 'alice-iap',
      direction: 'INGRESS',
      source_ranges: ['35.235.240.0/20'],
      target_tags: ['mlw-alice'],
      allow: [{ protocol: 'tcp', ports: ['22', '443'] }],
    });
  });

  test('a home disk that survives destroy, snapshotted daily and attached as home', () => {
    const disk = s.one('google_compute_disk');
    expect(disk).toMatchObject({ name: 'alice-home', size: 200, type: 'pd-balanced', labels: LABELS, lifecycle: { prevent_destroy: true } });
    expect(s.one('google_compute_resource_policy')).toMatchObject({
      name: 'alice-home-snapshots',
      region: 'europe-west4',
      snapshot_schedule_policy: {
        schedule: { daily_schedule: { days_in_cycle: 1, start_time: '03:00' } },
        retention_policy: { max_retention_days: 14, on_source_disk_delete: 'KEEP_AUTO_SNAPSHOTS' },
        snapshot_properties: { labels: LABELS, storage_locations: ['europe-west4'], guest_flush: false },
      },
    });
    expect(s.one('google_compute_disk_resource_policy_attachment')).toEqual({
      project: 'ml-prod-123',
      zone: 'europe-west4-a',
      disk: '${google_compute_disk.alice_HomeDisk_031B1271.name}',
      name: '${google_compute_resource_policy.alice_SnapshotPolicy_BA0C1053.name}',
    });
    expect(instance.attached_disk).toEqual([
      { source: '${google_compute_disk.alice_HomeDisk_031B1271.id}', device_name: 'home', mode: 'READ_WRITE' },
    ]);
  });

  test('a self-signed certificate whose key lives in Secret Manager, not metadata', () => {
    expect(s.one('tls_private_key')).toEqual({ algorithm: 'ECDSA', ecdsa_curve: 'P256' });
    expect(s.one('tls_self_signed_cert')).toMatchObject({
      dns_names: ['alice.europe-west4-a.c.ml-prod-123.internal', 'localhost'],
      validity_period_hours: 8760,
      early_renewal_hours: 720,
      allowed_uses: ['digital_signature', 'key_encipherment', 'server_auth'],
    });
    const secretIds = Object.values<any>(s.of('google_secret_manager_secret')).map((x) => x.secret_id);
    expect(secretIds).toEqual(['alice-connection-token', 'alice-tls-cert', 'alice-tls-key']);
    const versions = Object.values<any>(s.of('google_secret_manager_secret_version')).map((v) => v.secret_data);
    expect(versions).toEqual([
      '${random_password.alice_ConnectionToken_6556B128.result}',
      '${tls_self_signed_cert.alice_TlsCert_1709FBA5.cert_pem}',
      '${tls_private_key.alice_TlsKey_E898865A.private_key_pem}',
    ]);
    // A new token at the first apply after 30 days (the machine picks it up within the hour).
    expect(s.one('random_password')).toEqual({ length: 32, special: false, keepers: { rotation: '${time_rotating.alice_ConnectionTokenRotation_565E2FDB.id}' } });
    expect(s.one('time_rotating')).toEqual({ rotation_days: 30 });
    expect(JSON.stringify(instance.metadata)).not.toMatch(/private_key_pem|random_password/);
  });

  test('the VM waits for its APIs, secrets and secret grants', () => {
    expect(instance.depends_on).toEqual(
      expect.arrayContaining([
        'google_project_service.ml-workspace-api-ml-prod-123-computegoogleapiscom',
        'google_secret_manager_secret_version.alice_ConnectionTokenSecretVersion_0ED1FD8A',
        'google_secret_manager_secret_iam_member.alice_ConnectionTokenReader_C2832416',
      ]),
    );
  });

  test('the NixOS configuration in metadata is plain JSON with token file, self-signed TLS and home disk', () => {
    expect(machineDoc(instance)).toEqual({
      schemaVersion: 1,
      nixpkgs: {
        owner: 'NixOS',
        repo: 'nixpkgs',
        rev: '8fd9daa3db09ced9700431c5b7ad0e8ba199b575',
        narHash: 'sha256-Ti+ZBvW6yrWWAg2szExVTwCd4qOJ3KlVr1tFHfyfi8Q=',
      },
      config: {
        networking: { hostName: 'alice' },
        mlWorkspace: {
          workspace: {
            enable: true,
            domain: 'alice.europe-west4-a.c.ml-prod-123.internal',
            gpu: { enable: false },
            home: { device: '/dev/disk/by-id/google-home' },
            ide: { connectionTokenFile: '/run/ml-workspace/secrets/connection-token' },
            tls: {
              acme: { enable: false },
              certificateFile: '/run/ml-workspace/secrets/tls-cert',
              keyFile: '/run/ml-workspace/secrets/tls-key',
            },
            // The tunnel's own local port (stable per workspace name), where people open the IDE.
            url: 'https://localhost:27479/',
          },
          idleStop: { enable: true, cloud: 'gcp', idleMinutes: 60, gpuUtilizationPercent: 5, cpuLoadPerCore: 0.3, activity: { workspace: 'alice', owner: 'alice_example_com' } },
          secrets: {
            enable: true,
            provider: 'gcp',
            secrets: {
              'connection-token': { source: 'projects/ml-prod-123/secrets/alice-connection-token', owner: 'workspace', group: 'workspace' },
              'tls-cert': { source: 'projects/ml-prod-123/secrets/alice-tls-cert', owner: 'nginx', group: 'nginx' },
              'tls-key': { source: 'projects/ml-prod-123/secrets/alice-tls-key', owner: 'nginx', group: 'nginx' },
            },
          },
        },
      },
    });
  });

  test('outputs: URL through the tunnel, internal IP, instance name, and the tunnel + token command', () => {
    expect(s.json.output).toEqual({
      alice_url: { value: 'https://localhost:27479/', description: 'IDE URL of workspace alice' },
      alice_ip_address: {
        value: '${google_compute_instance.alice_D7A8A555.network_interface[0].network_ip}',
        description: 'Workspace IP address',
      },
      alice_instance_name: { value: 'alice', description: 'Workspace VM name' },
      alice_machine: { value: 'n2-standard-4, no GPU', description: 'Machine type and GPUs' },
      alice_sign_in: {
        value:
          'gcloud compute start-iap-tunnel alice 443 --local-host-port=localhost:27479 --zone=europe-west4-a --project=ml-prod-123 & "$(command -v xdg-open || echo open)" "https://localhost:27479/?tkn=$(gcloud secrets versions access latest --secret=alice-connection-token --project=ml-prod-123)"',
        description: 'How to get into the IDE',
      },
    });
  });

  test('google, random and tls providers are added when the stack has none', () => {
    expect(s.json.provider.google).toEqual([{ project: 'ml-prod-123', region: 'europe-west4' }]);
    expect(s.json.provider.random).toHaveLength(1);
    expect(s.json.provider.tls).toHaveLength(1);
  });

  test('escape hatches expose the resources and defaultChild is the instance', () => {
    expect(GcpResources.ofWorkspace(s.workspace).instance.node.id).toBe('Resource');
    expect(s.workspace.node.defaultChild).toBe(GcpResources.ofWorkspace(s.workspace).instance);
    expect(GcpResources.ofWorkspace(s.workspace).homeDisk.node.id).toBe('HomeDisk');
    expect(GcpResources.ofWorkspace(s.workspace).network?.node.id).toBe('Network');
    expect(GcpResources.ofWorkspace(s.workspace).nat?.node.id).toBe('Nat');
    expect(GcpResources.ofWorkspace(s.workspace).address).toBeUndefined();
    expect(s.workspace.workspaceName).toBe('alice');
  });
});

describe('GpuWorkspace on GCP, public with an L4 GPU', () => {
  const s = gcpWorkspace({ access: PUBLIC, gpu: Gpu.NVIDIA_L4, size: WorkspaceSize.MEDIUM });
  const instance = s.one('google_compute_instance');

  test('a G2 machine with the L4 attached, terminating on host maintenance', () => {
    expect(instance.machine_type).toBe('g2-standard-8');
    expect(instance.guest_accelerator).toEqual([{ type: 'nvidia-l4', count: 1 }]);
    expect(instance.scheduling).toEqual({ provisioning_model: 'STANDARD', automatic_restart: true, on_host_maintenance: 'TERMINATE' });
  });

  test('a static IP on the instance', () => {
    expect(s.one('google_compute_address')).toMatchObject({ name: 'alice-ip', address_type: 'EXTERNAL', network_tier: 'PREMIUM', labels: LABELS });
    expect(instance.network_interface[0].access_config).toEqual([
      { nat_ip: '${google_compute_address.alice_Address_C5296E7C.address}', network_tier: 'PREMIUM' },
    ]);
    expect(s.of('google_compute_router_nat')).toEqual({});
  });

  test('443 from the allowed range, 80 only for ACME, SSH only from IAP', () => {
    const rules = Object.fromEntries(Object.values<any>(s.of('google_compute_firewall')).map((r) => [r.name, r]));
    expect(Object.keys(rules).sort()).toEqual(['alice-acme', 'alice-https', 'alice-iap']);
    expect(rules['alice-https']).toMatchObject({ source_ranges: ['203.0.113.0/24'], allow: [{ protocol: 'tcp', ports: ['443'] }] });
    expect(rules['alice-acme']).toMatchObject({ source_ranges: ['0.0.0.0/0'], allow: [{ protocol: 'tcp', ports: ['80'] }] });
    expect(rules['alice-iap']).toMatchObject({ source_ranges: ['35.235.240.0/20'], allow: [{ protocol: 'tcp', ports: ['22'] }] });
  });

  test('a Cloud Endpoints name with a once-made suffix, pointing at the static IP', () => {
    const domain = 'alice-${random_id.alice_EndpointsSuffix_5C9C1972.hex}.endpoints.ml-prod-123.cloud.goog';
    expect(s.one('random_id')).toEqual({ byte_length: 2, keepers: { project: 'ml-prod-123', workspace: 'alice' } });
    const endpoints = s.one('google_endpoints_service');
    expect(endpoints.service_name).toBe(domain);
    expect(endpoints.openapi_config).toBe(
      [
        'swagger: "2.0"',
        'info:',
        '  title: "ML workspace alice"',
        '  version: "1.0.0"',
        `host: "${domain}"`,
        'x-google-endpoints:',
        `- name: "${domain}"`,
        '  target: "${google_compute_address.alice_Address_C5296E7C.address}"',
        'paths: {}',
        '',
      ].join('\n'),
    );
    expect(endpoints.lifecycle).toBeUndefined();
    const services = Object.values(s.of('google_project_service')).map((p: any) => p.service);
    expect(services.sort()).toEqual([
      'compute.googleapis.com',
      'endpoints.googleapis.com',
      'secretmanager.googleapis.com',
      'servicecontrol.googleapis.com',
      'servicemanagement.googleapis.com',
    ]);
    expect(s.json.output.alice_url.value).toBe(`https://${domain}/`);
  });

  test("Let's Encrypt through NixOS ACME, with the owner as contact; no TLS resources in Terraform", () => {
    const doc = instance.metadata['ml-workspace-config'];
    expect(doc).toMatch(/^\$\{jsonencode\(/);
    expect(doc).toContain('"tls" = {"acme" = {"enable" = true, "email" = "alice@example.com"}}');
    expect(doc).toContain('"gpu" = {"enable" = true}');
    expect(s.of('tls_private_key')).toEqual({});
  });
});

describe('GpuWorkspace on GCP options', () => {
  test.each([
    [Gpu.NVIDIA_T4, WorkspaceSize.SMALL, 'n1-standard-4', 'nvidia-tesla-t4', 1],
    [Gpu.NVIDIA_T4, WorkspaceSize.XLARGE, 'n1-standard-32', 'nvidia-tesla-t4', 4],
    [Gpu.NVIDIA_L4, WorkspaceSize.LARGE, 'g2-standard-24', 'nvidia-l4', 2],
    [Gpu.NVIDIA_A100_40GB, WorkspaceSize.MEDIUM, 'a2-highgpu-2g', 'nvidia-tesla-a100', 2],
    [Gpu.NVIDIA_A100_80GB, WorkspaceSize.LARGE, 'a2-ultragpu-4g', 'nvidia-a100-80gb', 4],
    [Gpu.NVIDIA_H100_80GB, WorkspaceSize.XLARGE, 'a3-highgpu-8g', 'nvidia-h100-80gb', 8],
  ])('%s in size %s runs on %s with %s x%d', (gpu, size, machineType, accelerator, count) => {
    const instance = gcpWorkspace({ gpu, size }).one('google_compute_instance');
    expect(instance.machine_type).toBe(machineType);
    expect(instance.guest_accelerator).toEqual([{ type: accelerator, count }]);
    expect(instance.scheduling.on_host_maintenance).toBe('TERMINATE');
  });

  test.each([
    [WorkspaceSize.MEDIUM, 'n2-standard-8'],
    [WorkspaceSize.LARGE, 'n2-standard-16'],
    [WorkspaceSize.XLARGE, 'n2-standard-32'],
  ])('CPU-only size %s runs on %s', (size, machineType) => {
    expect(gcpWorkspace({ size }).one('google_compute_instance').machine_type).toBe(machineType);
  });

  test('Spot stops instead of deleting, and makes H100 SMALL possible', () => {
    const instance = gcpWorkspace({ spot: true, gpu: Gpu.NVIDIA_H100_80GB }).one('google_compute_instance');
    expect(instance.machine_type).toBe('a3-highgpu-1g');
    expect(instance.scheduling).toEqual({
      provisioning_model: 'SPOT',
      preemptible: true,
      automatic_restart: false,
      on_host_maintenance: 'TERMINATE',
      instance_termination_action: 'STOP',
    });
  });

  test('running: false stops the VM and keeps disks and IP', () => {
    const s = gcpWorkspace({ running: false, access: PUBLIC });
    expect(s.one('google_compute_instance').desired_status).toBe('TERMINATED');
    expect(s.one('google_compute_disk').lifecycle).toEqual({ prevent_destroy: true });
    expect(s.one('google_compute_address').name).toBe('alice-ip');
  });

  test('a machine type override and a GPU outside the catalog', () => {
    const instance = gcpWorkspace({ gpu: Gpu.of('nvidia-h200-141gb'), spot: true }, { machineType: 'a3-ultragpu-8g' }).one(
      'google_compute_instance',
    );
    expect(instance.machine_type).toBe('a3-ultragpu-8g');
    expect(instance.guest_accelerator).toEqual([{ type: 'nvidia-h200-141gb', count: 1 }]);
  });

  test('disk sizes, snapshot retention, image and subnet range', () => {
    const s = gcpWorkspace(
      { homeDiskSizeGiB: 1024, bootDiskSizeGiB: 250, snapshotRetentionDays: 30 },
      { image: 'projects/images-prj/global/images/nixos-25-11-gce', subnetCidr: '10.9.8.0/24' },
    );
    expect(s.one('google_compute_disk').size).toBe(1024);
    expect(s.one('google_compute_instance').boot_disk.initialize_params).toMatchObject({
      image: 'projects/images-prj/global/images/nixos-25-11-gce',
      size: 250,
    });
    expect(s.one('google_compute_resource_policy').snapshot_schedule_policy.retention_policy.max_retention_days).toBe(30);
    expect(s.one('google_compute_subnetwork').ip_cidr_range).toBe('10.9.8.0/24');
  });

  test('an existing network and subnetwork are used as given, nothing network-wide is created', () => {
    const s = gcpWorkspace({}, { network: 'shared-vpc', subnetwork: 'ml-subnet' });
    expect(s.of('google_compute_network')).toEqual({});
    expect(s.of('google_compute_subnetwork')).toEqual({});
    expect(s.of('google_compute_router_nat')).toEqual({});
    expect(s.one('google_compute_instance').network_interface[0]).toEqual({ network: 'shared-vpc', subnetwork: 'ml-subnet' });
    expect(s.one('google_compute_firewall').network).toBe('shared-vpc');
  });

  test('a KMS key encrypts the boot and home disks', () => {
    const key = 'projects/ml-prod-123/locations/europe-west4/keyRings/ml/cryptoKeys/disks';
    const s = gcpWorkspace({}, { kmsKeyName: key });
    expect(s.one('google_compute_disk').disk_encryption_key).toEqual({ kms_key_self_link: key });
    expect(s.one('google_compute_instance').boot_disk.kms_key_self_link).toBe(key);
  });

  test('a record in a Cloud DNS zone, with Let\'s Encrypt for that name', () => {
    const s = gcpWorkspace({
      access: PUBLIC,
      dns: WorkspaceDns.zone({ zoneName: 'ml-zone', recordName: 'alice.ml.example.com', ttlSeconds: 60 }),
    });
    expect(s.one('google_dns_record_set')).toMatchObject({
      managed_zone: 'ml-zone',
      name: 'alice.ml.example.com.',
      type: 'A',
      ttl: 60,
      rrdatas: ['${google_compute_address.alice_Address_C5296E7C.address}'],
    });
    expect(s.of('google_endpoints_service')).toEqual({});
    expect(s.json.output.alice_url.value).toBe('https://alice.ml.example.com/');
    const services = Object.values(s.of('google_project_service')).map((p: any) => p.service);
    expect(services).toContain('dns.googleapis.com');
  });

  test('a private zone record points at the internal IP', () => {
    const s = gcpWorkspace({ dns: WorkspaceDns.zone({ zoneName: 'internal', recordName: 'alice.corp.example.com' }) });
    expect(s.one('google_dns_record_set').rrdatas).toEqual([
      '${google_compute_instance.alice_D7A8A555.network_interface[0].network_ip}',
    ]);
    expect(s.one('google_dns_record_set').ttl).toBe(300);
  });

  test('a certificate signed by a private CA whose key is a Terraform reference', () => {
    const s = synthStack((stack) => {
      const caKey = new TerraformVariable(stack, 'ca_key', { type: 'string', sensitive: true });
      return new GpuWorkspace(stack, 'alice', {
        target: GcpTarget.of(GCP),
        owner: 'alice@example.com',
        tls: WorkspaceTls.privateCa({
          caCertificatePem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
          caPrivateKeyPem: caKey.stringValue,
          validityHours: 720,
        }),
      });
    });
    expect(s.one('tls_cert_request')).toMatchObject({
      dns_names: ['alice.europe-west4-a.c.ml-prod-123.internal', 'localhost'],
    });
    expect(s.one('tls_locally_signed_cert')).toMatchObject({
      ca_private_key_pem: '${var.ca_key}',
      validity_period_hours: 720,
      // A third of its life: a 720-hour window on a 720-hour certificate replaced it on every apply.
      early_renewal_hours: 240,
    });
    expect(s.of('tls_self_signed_cert')).toEqual({});
  });

  test('SSO through oauth2-proxy: the client secret is only referenced, the cookie secret generated', () => {
    const s = gcpWorkspace({
      auth: WorkspaceAuth.sso({
        provider: SsoProvider.GITHUB,
        clientId: 'Iv1.0123456789abcdef',
        clientSecretName: 'github-oauth-client-secret',
        allowedEmails: ['alice@example.com', 'bob@example.com'],
      }),
    });
    const doc = machineDoc(s.one('google_compute_instance'));
    expect(doc.config.mlWorkspace.workspace.oauth2Proxy).toEqual({
      enable: true,
      provider: 'github',
      clientId: 'Iv1.0123456789abcdef',
      clientSecretFile: '/run/ml-workspace/secrets/oauth2-client-secret',
      cookieSecretFile: '/run/ml-workspace/secrets/oauth2-cookie-secret',
      allowedEmails: ['alice@example.com', 'bob@example.com'],
      allowedEmailDomains: [],
    });
    expect(doc.config.mlWorkspace.workspace.ide).toEqual({});
    expect(doc.config.mlWorkspace.secrets.secrets['oauth2-client-secret']).toEqual({
      source: 'projects/ml-prod-123/secrets/github-oauth-client-secret',
      owner: 'oauth2-proxy',
      group: 'oauth2-proxy',
    });
    const grants = Object.values<any>(s.of('google_secret_manager_secret_iam_member')).map((g) => g.secret_id);
    expect(grants).toContain('github-oauth-client-secret');
    const secretIds = Object.values<any>(s.of('google_secret_manager_secret')).map((x) => x.secret_id);
    expect(secretIds).toEqual(['alice-oauth2-cookie-secret', 'alice-tls-cert', 'alice-tls-key']);
    expect(s.json.output.alice_sign_in.value).toContain('"$(command -v xdg-open || echo open)" "https://localhost:27479/"  # then sign in with github');
  });

  test('SSO defaults its allow-list to the owner, and takes OIDC issuer and domains', () => {
    const owner = machineDoc(
      gcpWorkspace({
        auth: WorkspaceAuth.sso({ provider: SsoProvider.GOOGLE, clientId: 'x.apps.googleusercontent.com', clientSecretName: 'google-oauth' }),
      }).one('google_compute_instance'),
    ).config.mlWorkspace.workspace.oauth2Proxy;
    expect(owner.allowedEmails).toEqual(['alice@example.com']);
    expect(owner.allowedEmailDomains).toEqual([]);

    const oidc = machineDoc(
      gcpWorkspace({
        auth: WorkspaceAuth.sso({
          provider: SsoProvider.OIDC,
          clientId: 'workspace',
          clientSecretName: 'oidc-client',
          oidcIssuerUrl: 'https://login.example.com/',
          allowedDomains: ['example.com'],
        }),
      }).one('google_compute_instance'),
    ).config.mlWorkspace.workspace.oauth2Proxy;
    expect(oidc).toMatchObject({
      provider: 'oidc',
      oidcIssuerUrl: 'https://login.example.com/',
      allowedEmails: [],
      allowedEmailDomains: ['example.com'],
    });
  });

  test('labels: user labels beside the library\'s, cost center and owner on every billable resource', () => {
    const s = gcpWorkspace({ access: PUBLIC, costCenter: 'cc-4711', labels: { team: 'vision', env: 'prod' } });
    const expected = { 'cost-center': 'cc-4711', 'cost-scope': 'workspace', 'env': 'prod', 'ml-workspace': 'true', 'owner': 'alice_example_com', 'team': 'vision', 'workspace': 'alice' };
    // The VM also says which nixpkgs its document pins.
    expect(s.one('google_compute_instance').labels).toEqual({ ...expected, 'ml-workspace-nixpkgs': NixpkgsPin.DEFAULT.rev });
    expect(s.one('google_compute_instance').boot_disk.initialize_params.labels).toEqual(expected);
    expect(s.one('google_compute_disk').labels).toEqual(expected);
    expect(s.one('google_compute_address').labels).toEqual(expected);
    expect(s.one('google_compute_resource_policy').snapshot_schedule_policy.snapshot_properties.labels).toEqual(expected);
    for (const secret of Object.values<any>(s.of('google_secret_manager_secret'))) expect(secret.labels).toEqual(expected);
  });

  test('workspaceName overrides the construct id in every name', () => {
    const s = gcpWorkspace({ workspaceName: 'alice-gpu' });
    expect(s.one('google_compute_instance').name).toBe('alice-gpu');
    expect(s.one('google_compute_disk').name).toBe('alice-gpu-home');
    expect(s.one('google_service_account').account_id).toBe('mlw-alice-gpu');
    expect(Object.keys(s.json.output).sort()).toEqual(['alice-gpu_instance_name', 'alice-gpu_ip_address', 'alice-gpu_machine', 'alice-gpu_sign_in', 'alice-gpu_url']);
  });

  test('idle stop thresholds and a maximum runtime reach the machine document', () => {
    const doc = machineDoc(
      gcpWorkspace({ idleStopMinutes: 30, idleGpuUtilizationPercent: 10, idleCpuLoadPerCore: 0.5, maxRuntimeHours: 72 }).one(
        'google_compute_instance',
      ),
    );
    expect(doc.config.mlWorkspace.idleStop).toEqual({
      enable: true,
      cloud: 'gcp',
      idleMinutes: 30,
      gpuUtilizationPercent: 10,
      cpuLoadPerCore: 0.5,
      maxRuntimeHours: 72,
      activity: { workspace: 'alice', owner: 'alice_example_com' },
    });
  });

  test('idleStopMinutes: 0 switches idle stop off; GCP needs no extra permission for it', () => {
    const s = gcpWorkspace({ idleStopMinutes: 0 });
    expect(machineDoc(s.one('google_compute_instance')).config.mlWorkspace.idleStop).toEqual({ enable: false });
    // A guest power-off stops a GCP VM: the same two project roles as without idle stop.
    expect(Object.values<any>(s.of('google_project_iam_member')).map((m) => m.role).sort()).toEqual([
      'roles/logging.logWriter',
      'roles/monitoring.metricWriter',
    ]);
  });

  test('a nixpkgs pin reaches the machine document', () => {
    const pin = NixpkgsPin.of({ rev: '0c88e1f2bdb93d5999019e99cb0e61e1fe2af4c5', narHash: 'sha256-q/nkKLDtHIyLjZpKhWk3cSK5IYsFqtMd6UtXF3ddjgA=' });
    const doc = machineDoc(gcpWorkspace({ nixpkgs: pin }).one('google_compute_instance'));
    expect(doc.nixpkgs).toEqual({
      owner: 'NixOS',
      repo: 'nixpkgs',
      rev: '0c88e1f2bdb93d5999019e99cb0e61e1fe2af4c5',
      narHash: 'sha256-q/nkKLDtHIyLjZpKhWk3cSK5IYsFqtMd6UtXF3ddjgA=',
    });
  });

  test('two workspaces share the project APIs and keep their own resources', () => {
    const s = synthStack((stack) => {
      new GpuWorkspace(stack, 'bob', { target: GcpTarget.of(GCP), owner: 'bob@example.com' });
      return new GpuWorkspace(stack, 'alice', { target: GcpTarget.of(GCP), owner: 'alice@example.com' });
    });
    expect(Object.keys(s.of('google_project_service'))).toHaveLength(3);
    expect(Object.keys(s.of('google_compute_instance'))).toHaveLength(2);
    expect(s.json.provider.google).toHaveLength(1);
  });

  test('a provider the user configured is kept', () => {
    const s = synthStack((stack) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { GoogleProvider } = require('@cdktf/provider-google/lib/provider');
      new GoogleProvider(stack, 'google', { project: 'other', region: 'us-central1' });
      return new GpuWorkspace(stack, 'alice', { target: GcpTarget.of(GCP), owner: 'alice@example.com' });
    });
    expect(s.json.provider.google).toEqual([{ project: 'other', region: 'us-central1' }]);
  });
});

describe('grantAccess', () => {
  test('grants IAP, OS Login, act-as and the token on the workspace\'s own resources only', () => {
    const s = synthStack((stack) => {
      const ws = new GpuWorkspace(stack, 'alice', { target: GcpTarget.of(GCP), owner: 'alice@example.com' });
      ws.grantAccess('user:alice@example.com');
      ws.grantAccess('group:ml-team@example.com');
      return ws;
    });
    const byMember = (a: any, b: any) => String(a.member ?? a[a.length - 1]).localeCompare(String(b.member ?? b[b.length - 1]));
    const iap = Object.values<any>(s.of('google_iap_tunnel_instance_iam_member')).sort(byMember);
    expect(iap).toEqual([
      { project: 'ml-prod-123', zone: 'europe-west4-a', instance: '${google_compute_instance.alice_D7A8A555.name}', role: 'roles/iap.tunnelResourceAccessor', member: 'group:ml-team@example.com' },
      { project: 'ml-prod-123', zone: 'europe-west4-a', instance: '${google_compute_instance.alice_D7A8A555.name}', role: 'roles/iap.tunnelResourceAccessor', member: 'user:alice@example.com' },
    ]);
    expect(Object.values<any>(s.of('google_compute_instance_iam_member')).map((m) => [m.instance_name, m.role, m.member]).sort(byMember)).toEqual([
      ['${google_compute_instance.alice_D7A8A555.name}', 'roles/compute.osLogin', 'group:ml-team@example.com'],
      ['${google_compute_instance.alice_D7A8A555.name}', 'roles/compute.osLogin', 'user:alice@example.com'],
    ]);
    expect(Object.values<any>(s.of('google_service_account_iam_member')).map((m) => [m.service_account_id, m.role, m.member]).sort(byMember)).toEqual([
      ['${google_service_account.alice_ServiceAccount_D5634D82.name}', 'roles/iam.serviceAccountUser', 'group:ml-team@example.com'],
      ['${google_service_account.alice_ServiceAccount_D5634D82.name}', 'roles/iam.serviceAccountUser', 'user:alice@example.com'],
    ]);
    const tokenReaders = Object.values<any>(s.of('google_secret_manager_secret_iam_member')).filter((m) => m.member.startsWith('user:') || m.member.startsWith('group:'));
    expect(tokenReaders.map((m) => [m.secret_id, m.member]).sort(byMember)).toEqual([
      ['${google_secret_manager_secret.alice_ConnectionTokenSecret_FB03C3B9.secret_id}', 'group:ml-team@example.com'],
      ['${google_secret_manager_secret.alice_ConnectionTokenSecret_FB03C3B9.secret_id}', 'user:alice@example.com'],
    ]);
    expect(Object.values<any>(s.of('google_project_iam_member')).map((m) => m.member)).not.toContain('user:alice@example.com');
  });

  test('with SSO there is no token to grant', () => {
    const s = synthStack((stack) => {
      const ws = new GpuWorkspace(stack, 'alice', {
        target: GcpTarget.of(GCP),
        owner: 'alice@example.com',
        auth: WorkspaceAuth.sso({ provider: SsoProvider.GOOGLE, clientId: 'c', clientSecretName: 'google-oauth' }),
      });
      ws.grantAccess('user:alice@example.com');
      return ws;
    });
    const members = Object.values<any>(s.of('google_secret_manager_secret_iam_member')).map((m) => m.member);
    expect(members).not.toContain('user:alice@example.com');
    expect(Object.keys(s.of('google_iap_tunnel_instance_iam_member'))).toHaveLength(1);
  });

  test.each([
    ['alice@example.com', "GpuWorkspace 'alice': grantAccess member 'alice@example.com' is not an IAM principal; write it like 'user:alice@example.com' or 'group:ml-team@example.com'"],
    ['user:', "GpuWorkspace 'alice': grantAccess member 'user:' is not an IAM principal"],
  ])('refuses %s', (member, message) => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const ws = new GpuWorkspace(stack, 'alice', { target: GcpTarget.of(GCP), owner: 'alice@example.com' });
    expect(() => ws.grantAccess(member)).toThrow(message);
  });

  test('refuses a principal known only at apply time', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const ws = new GpuWorkspace(stack, 'alice', { target: GcpTarget.of(GCP), owner: 'alice@example.com' });
    const v = new TerraformVariable(stack, 'who', { type: 'string' });
    expect(() => ws.grantAccess(v.stringValue)).toThrow(
      "GpuWorkspace 'alice': grantAccess member must be known at synth time (it names the grant's construct id); pass a literal principal",
    );
  });
});

describe('synthesis is deterministic', () => {
  test('the same props give byte-identical JSON', () => {
    const build = () => {
      const stack = new TerraformStack(Testing.app(), 'test');
      new GpuWorkspace(stack, 'alice', {
        target: GcpTarget.of(GCP),
        owner: 'alice@example.com',
        access: PUBLIC,
        gpu: Gpu.NVIDIA_A100_80GB,
        labels: { b: '2', a: '1' },
      });
      return Testing.synth(stack);
    };
    expect(build()).toBe(build());
  });
});

describe('GpuWorkspace on GCP, public without a DNS name', () => {
  test('the URL is the static address, since the internal host name resolves only inside the VPC', () => {
    const s = gcpWorkspace({ access: PUBLIC, dns: WorkspaceDns.none(), tls: WorkspaceTls.selfSigned() });
    expect(s.json.output.alice_url.value).toBe('https://${google_compute_address.alice_Address_C5296E7C.address}/');
    expect(s.one('tls_self_signed_cert').dns_names).toEqual(['alice.europe-west4-a.c.ml-prod-123.internal', 'localhost']);
  });
});
