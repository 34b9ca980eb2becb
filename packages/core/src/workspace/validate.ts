import { DefaultTokenResolver, StringConcat, TerraformStack, TerraformVariable, Tokenization } from 'cdktf';
import { Construct } from 'constructs';
import { AccessMode } from '../core/access';
import { AuthMode, SsoProvider } from '../core/auth';
import { Cloud, CLOUD_NAMES } from '../core/cloud-target';
import { DnsMode } from '../core/dns';
import { DOMAIN, EMAIL, isPublicEmailDomain } from '../core/email';
import { OAUTH_CLIENT_ID, oidcIssuerProblem } from '../core/sso-strings';
import { GCP_LABEL_KEY, GCP_LABEL_VALUE, GCP_MAX_LABELS, toLabelValue } from '../core/label-rules';
import { LabelKey } from '../core/labels';
import { WorkspaceSize } from '../core/size';
import { TlsMode } from '../core/tls';
import { addressSpaceShare, BROAD_SHARE, parseCidr } from '../core/cidr';
import { GIT_REV, invalid, isKnown, RFC1035, SRI_SHA256 } from '../core/validation';
import { boundProblem, IDLE_CPU_LOAD, IDLE_GPU_PERCENT, IDLE_MINUTES, MAX_RUNTIME_HOURS, NixOptionBound } from '../nixos/option-bounds';
import { WorkspaceSpec } from '../host/workspace-spec';


/** Labels (GCP) and tags (AWS, Azure) per resource. */
const MAX_LABELS: Record<Cloud, number> = { [Cloud.GCP]: GCP_MAX_LABELS, [Cloud.AWS]: 50, [Cloud.AZURE]: 50 };

/**
 * Keys a resource gets beside the library's labels, counted against the same limit: the VM's
 * nixpkgs revision; on AWS each resource's `Name` and the home volume's snapshot tag. What the providers add (AWS
 * `default_tags`, google `default_labels` and attribution label) is counted at synthesis, when
 * the stack's providers are known (`tag-limits.ts`).
 */
const EXTRA_KEYS: Record<Cloud, string[]> = {
  // The VM's nixpkgs revision.
  [Cloud.GCP]: [LabelKey.NIXPKGS],
  // Every resource's Name, and the home volume's snapshot tag or the instance's revision.
  [Cloud.AWS]: ['Name', 'ml-workspace-home'],
  [Cloud.AZURE]: [LabelKey.NIXPKGS],
};

/** What a DNS zone is called on each cloud, and how to fix a wrong one. */
const ZONE_NAME: Record<Cloud, { pattern: RegExp; problem: string }> = {
  [Cloud.GCP]: { pattern: RFC1035, problem: 'is not a zone name; give the managed zone name (lowercase letters, digits, hyphens)' },
  [Cloud.AWS]: {
    pattern: /^Z[A-Z0-9]{1,31}$/,
    problem: "is not a Route 53 hosted zone id; give the id, e.g. 'Z0123456789ABCDEFGHIJ', not the domain name",
  },
  [Cloud.AZURE]: { pattern: DOMAIN, problem: "is not an Azure DNS zone name; give the zone's domain, e.g. 'ml.example.com'" },
};

/** What an existing secret's name looks like on each cloud's secret store. */
const SECRET_NAME: Record<Cloud, { pattern: RegExp; problem: string }> = {
  [Cloud.GCP]: {
    pattern: /^[A-Za-z0-9_-]{1,255}$/,
    problem: 'is not a secret id; give the id of the existing Secret Manager secret holding the OAuth client secret (letters, digits, _ and -)',
  },
  [Cloud.AWS]: {
    pattern: /^[A-Za-z0-9/_+=.@-]{1,512}$/,
    problem: 'is not a secret name; give the name of the existing Secrets Manager secret holding the OAuth client secret (letters, digits and /_+=.@-), not its ARN',
  },
  [Cloud.AZURE]: {
    pattern: /^[A-Za-z0-9-]{1,127}$/,
    problem: 'is not a Key Vault secret name; give the name of the existing secret in target.ssoKeyVaultId holding the OAuth client secret (letters, digits and -)',
  },
};

/** Why Let's Encrypt cannot work without a DNS name, and what to do instead. */
const LETS_ENCRYPT_WITHOUT_DNS: Record<Cloud, string> = {
  [Cloud.GCP]: 'needs a DNS name; use WorkspaceDns.cloudEndpoints() or WorkspaceDns.zone(...), or WorkspaceTls.selfSigned()',
  [Cloud.AWS]:
    "needs a DNS name, and Let's Encrypt does not issue certificates for amazonaws.com names; give dns: WorkspaceDns.zone({ zoneName: '<Route 53 hosted zone id>', recordName: '<name>' }), or use WorkspaceTls.selfSigned() or WorkspaceTls.privateCa(...)",
  [Cloud.AZURE]: 'needs a DNS name; use WorkspaceDns.azureDomainLabel() or WorkspaceDns.zone(...), or WorkspaceTls.selfSigned()',
};
/** Names prefix every resource; `mlw-<name>` must fit GCP's 6-30 character account ids. */
const MIN_NAME = 2;
const MAX_NAME = 24;
/** How a name that prefixes resource names is written, for messages. @internal */
export const NAME_RULE = `${MIN_NAME}-${MAX_NAME} lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen`;

/** Whether a name can prefix every resource name on every cloud (workspaces, networks). @internal */
export function isResourceName(name: unknown): name is string {
  return typeof name === 'string' && name.length >= MIN_NAME && name.length <= MAX_NAME && RFC1035.test(name);
}

/** The stack's Terraform variable a value refers to directly (`${var.<name>}`), if any. */
function referencedVariable(scope: Construct, value: string | undefined): TerraformVariable | undefined {
  if (value === undefined || isKnown(value)) return undefined;
  const stack = TerraformStack.of(scope);
  const resolved = String(Tokenization.resolve(value, { scope: stack, resolver: new DefaultTokenResolver(new StringConcat()), preparing: false }));
  const name = /^\$\{var\.([\w-]+)\}$/.exec(resolved)?.[1];
  if (!name) return undefined;
  return stack.node.findAll().find((c): c is TerraformVariable => c instanceof TerraformVariable && c.friendlyUniqueId === name);
}

/** Throws unless `value` is a whole number in [min, max] (tokens pass). @internal */
export function integerIn(scope: Construct, kind: string, prop: string, value: number, min: number, max: number): void {
  if (!isKnown(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalid(scope, kind, prop, value, `must be a whole number from ${min} to ${max}`);
  }
}

/**
 * Validates a filled-in spec and returns it with the final label set.
 *
 * @internal
 */
export function validateWorkspace(
  scope: Construct,
  spec: WorkspaceSpec,
  userLabels: Record<string, string>,
  costCenter: string,
): WorkspaceSpec {
  const fail = (prop: string, value: unknown, problemAndFix: string) => invalid(scope, spec.kind, prop, value, problemAndFix);

  if (!isResourceName(spec.name)) {
    throw fail(
      'workspaceName',
      spec.name,
      `is not a valid workspace name; use ${NAME_RULE} (set workspaceName when the construct id does not qualify)`,
    );
  }
  if (isKnown(spec.owner) && (typeof spec.owner !== 'string' || !EMAIL.test(spec.owner))) {
    throw fail('owner', spec.owner, "is not an email address; give the owner's email, e.g. 'alice@example.com'");
  }

  if (!Object.values(WorkspaceSize).includes(spec.size)) {
    throw fail('size', spec.size, `is not a size preset; use one of ${Object.values(WorkspaceSize).map((v) => `WorkspaceSize.${v}`).join(', ')}`);
  }

  // access
  if (spec.access.mode === AccessMode.PUBLIC) {
    if (spec.access.allowedCidrs.length === 0) {
      throw fail(
        'access.allowedCidrs',
        spec.access.allowedCidrs,
        "is empty; list the ranges allowed to reach HTTPS, e.g. ['203.0.113.0/24'], or use WorkspaceAccess.private()",
      );
    }
    const canonical: string[] = [];
    for (const cidr of spec.access.allowedCidrs) {
      if (!isKnown(cidr)) {
        canonical.push(cidr);
        continue;
      }
      const parsed = typeof cidr === 'string' ? parseCidr(cidr) : { problem: 'is not a string', canonical: undefined };
      if (parsed.problem) throw fail('access.allowedCidrs', cidr, parsed.problem);
      // The networks the construct makes (or takes) give the VM an IPv4 address only: an IPv6
      // range would be a rule that never matches (and GCP refuses a rule mixing the two).
      if (parsed.canonical!.includes(':')) {
        throw fail(
          'access.allowedCidrs',
          cidr,
          `is an IPv6 range, and the workspace has no IPv6 address on ${CLOUD_NAMES[spec.cloud]}; list the IPv4 ranges people come from (their IPv6 traffic reaches it over IPv4 from the same networks, or not at all)`,
        );
      }
      if (!canonical.includes(parsed.canonical!)) canonical.push(parsed.canonical!);
    }
    for (const kind of ['ipv4', 'ipv6'] as const) {
      const share = addressSpaceShare(canonical.filter(isKnown), kind);
      if (share > BROAD_SHARE[kind] && !spec.access.allowBroadRanges) {
        const percent = share >= 0.01 ? `${Math.round(share * 100)}%` : `${(share * 100).toPrecision(2)}%`;
        throw fail(
          'access.allowedCidrs',
          canonical.filter((c) => (kind === 'ipv6') === c.includes(':')),
          `together cover ${percent} of the ${kind === 'ipv4' ? 'IPv4' : 'IPv6'} internet, more than one ${kind === 'ipv4' ? '/8' : '/32'}, and the IDE is a shell on the machine; list the ranges people come from (an office or VPN), use WorkspaceAccess.private(), or set allowBroadRanges: true to accept the exposure`,
        );
      }
    }
    spec = { ...spec, access: { ...spec.access, allowedCidrs: canonical } };
  }

  // sizes
  integerIn(scope, spec.kind, 'homeDiskSizeGiB', spec.homeDiskSizeGiB, 10, 65536);
  integerIn(scope, spec.kind, 'bootDiskSizeGiB', spec.bootDiskSizeGiB, 50, 65536);
  integerIn(scope, spec.kind, 'snapshotRetentionDays', spec.snapshotRetentionDays, 1, 3650);

  // idle stop: the same bounds as the NixOS options the values are rendered into
  const withinBound = (bound: NixOptionBound, value: unknown) => {
    if (value === undefined || !isKnown(value)) return;
    const problem = boundProblem(bound, value);
    if (problem) throw fail(bound.prop, value, problem);
  };
  if (spec.idleStop) {
    withinBound(IDLE_MINUTES, spec.idleStop.idleMinutes);
    withinBound(IDLE_GPU_PERCENT, spec.idleStop.gpuUtilizationPercent);
    withinBound(IDLE_CPU_LOAD, spec.idleStop.cpuLoadPerCore);
    withinBound(MAX_RUNTIME_HOURS, spec.idleStop.maxRuntimeHours);
  }

  // TLS
  const tls = spec.tls;
  if (tls.mode === TlsMode.LETS_ENCRYPT) {
    if (spec.access.mode === AccessMode.PRIVATE) {
      throw fail(
        'tls',
        "WorkspaceTls.letsEncrypt()",
        'cannot work with private access (the CA must reach the machine over the internet); use WorkspaceTls.selfSigned() or WorkspaceTls.privateCa(...)',
      );
    }
    if (spec.dns.mode === DnsMode.NONE) {
      throw fail('tls', 'WorkspaceTls.letsEncrypt()', LETS_ENCRYPT_WITHOUT_DNS[spec.cloud]);
    }
    if (isKnown(tls.email) && !EMAIL.test(tls.email ?? '')) {
      throw fail('tls.email', tls.email, "is not an email address; e.g. 'ops@example.com'");
    }
  } else {
    const [min, max] = [24, 87600];
    integerIn(scope, spec.kind, 'tls.validityHours', tls.validityHours, min, max);
  }
  if (tls.mode === TlsMode.PRIVATE_CA) {
    if (isKnown(tls.caPrivateKeyPem)) {
      throw fail(
        'tls.caPrivateKeyPem',
        '<literal PEM>',
        'is a literal and would be written in clear text into the synthesized configuration; pass a sensitive TerraformVariable or a secret data source',
      );
    }
    const variable = referencedVariable(scope, tls.caPrivateKeyPem);
    if (variable) {
      const declared = (variable.toTerraform() as any).variable?.[variable.friendlyUniqueId] ?? {};
      if (declared.default !== undefined) {
        throw fail(
          'tls.caPrivateKeyPem',
          `var.${variable.friendlyUniqueId}`,
          'is a Terraform variable with a default, which writes the key in clear text into cdk.tf.json; remove the default and pass the key at apply time (TF_VAR_...)',
        );
      }
      if (declared.sensitive !== true) {
        throw fail(
          'tls.caPrivateKeyPem',
          `var.${variable.friendlyUniqueId}`,
          'is a Terraform variable that is not sensitive, so plans and logs show the key; declare it with sensitive: true',
        );
      }
    }
    if (isKnown(tls.caCertificatePem) && !/-----BEGIN CERTIFICATE-----/.test(tls.caCertificatePem ?? '')) {
      throw fail('tls.caCertificatePem', tls.caCertificatePem, 'is not a PEM certificate; it must contain -----BEGIN CERTIFICATE-----');
    }
  }

  // authentication
  integerIn(scope, spec.kind, 'auth.rotationDays', spec.auth.rotationDays, 0, 365);
  const sso = spec.auth.sso;
  if (spec.auth.mode === AuthMode.SSO && sso) {
    if (!Object.values(SsoProvider).includes(sso.provider)) {
      throw fail('auth.provider', sso.provider, `is not supported; use one of ${Object.values(SsoProvider).join(', ')}`);
    }
    if (isKnown(sso.clientId) && (typeof sso.clientId !== 'string' || sso.clientId.trim() === '')) {
      throw fail('auth.clientId', sso.clientId, 'is empty; give the OAuth client id registered with the provider');
    }
    if (isKnown(sso.clientId) && !OAUTH_CLIENT_ID.test(sso.clientId)) {
      throw fail(
        'auth.clientId',
        sso.clientId,
        "is not an OAuth client id: use the id the provider shows (letters, digits and . _ ~ -, e.g. '123-abc.apps.googleusercontent.com'); quotes, spaces and newlines would reach oauth2-proxy's command line",
      );
    }
    const secretRule = SECRET_NAME[spec.cloud];
    if (isKnown(sso.clientSecretName) && !secretRule.pattern.test(sso.clientSecretName ?? '')) {
      throw fail('auth.clientSecretName', sso.clientSecretName, secretRule.problem);
    }
    for (const email of sso.allowedEmails) {
      if (isKnown(email) && !EMAIL.test(email)) throw fail('auth.allowedEmails', email, "is not an email address; e.g. 'bob@example.com'");
    }
    for (const domain of sso.allowedDomains) {
      if (isKnown(domain) && !DOMAIN.test(domain)) throw fail('auth.allowedDomains', domain, "is not a domain; e.g. 'example.com'");
      if (isKnown(domain) && isPublicEmailDomain(domain)) {
        throw fail(
          'auth.allowedDomains',
          domain,
          "is a public email provider: it would admit everyone with an address there; list the people in auth.allowedEmails, or allow your organisation's own domain",
        );
      }
    }
    if (sso.allowedEmails.length === 0 && sso.allowedDomains.length === 0) {
      throw fail('auth.allowedEmails', [], 'and auth.allowedDomains are both empty; list who may sign in (every account would otherwise be allowed)');
    }
    if (sso.provider === SsoProvider.OIDC && !(sso.oidcIssuerUrl ?? '').startsWith('https://') && isKnown(sso.oidcIssuerUrl)) {
      throw fail('auth.oidcIssuerUrl', sso.oidcIssuerUrl, "is required for SsoProvider.OIDC and must be an https URL, e.g. 'https://login.example.com/'");
    }
    if (sso.oidcIssuerUrl !== undefined && isKnown(sso.oidcIssuerUrl)) {
      if (sso.provider !== SsoProvider.OIDC) {
        throw fail('auth.oidcIssuerUrl', sso.oidcIssuerUrl, `applies to SsoProvider.OIDC only; remove it for ${sso.provider}`);
      }
      const problem = typeof sso.oidcIssuerUrl === 'string' ? oidcIssuerProblem(sso.oidcIssuerUrl) : 'is not a string';
      if (problem) throw fail('auth.oidcIssuerUrl', sso.oidcIssuerUrl, problem);
    }
  }

  // DNS
  if (spec.dns.mode === DnsMode.ZONE) {
    const zone = spec.dns.zone!;
    if (isKnown(zone.recordName) && !isFqdn(zone.recordName)) {
      throw fail('dns.recordName', zone.recordName, "is not a fully qualified DNS name; e.g. 'alice.ml.example.com'");
    }
    const zoneRule = ZONE_NAME[spec.cloud];
    if (isKnown(zone.zoneName) && !zoneRule.pattern.test(zone.zoneName ?? '')) {
      throw fail('dns.zoneName', zone.zoneName, zoneRule.problem);
    }
    if (zone.resourceGroupName !== undefined && spec.cloud !== Cloud.AZURE) {
      throw fail('dns.resourceGroupName', zone.resourceGroupName, 'applies to Azure DNS zones only; remove it');
    }
    if (zone.ttlSeconds !== undefined) integerIn(scope, spec.kind, 'dns.ttlSeconds', zone.ttlSeconds, 30, 86400);
  }
  if (spec.dns.mode === DnsMode.CLOUD_ENDPOINTS && spec.cloud !== Cloud.GCP) {
    throw fail('dns', 'WorkspaceDns.cloudEndpoints()', `is a Google Cloud service; on ${CLOUD_NAMES[spec.cloud]} use ${spec.cloud === Cloud.AZURE ? 'WorkspaceDns.azureDomainLabel(), ' : ''}WorkspaceDns.zone(...) or WorkspaceDns.none()`);
  }
  if (spec.dns.mode === DnsMode.AZURE_DOMAIN_LABEL && spec.cloud !== Cloud.AZURE) {
    throw fail('dns', 'WorkspaceDns.azureDomainLabel()', `is an Azure feature; on ${CLOUD_NAMES[spec.cloud]} use ${spec.cloud === Cloud.GCP ? 'WorkspaceDns.cloudEndpoints(), ' : ''}WorkspaceDns.zone(...) or WorkspaceDns.none()`);
  }
  if (spec.dns.mode === DnsMode.AZURE_DOMAIN_LABEL && spec.access.mode === AccessMode.PRIVATE) {
    throw fail(
      'dns',
      'WorkspaceDns.azureDomainLabel()',
      'names the public IP and needs public access; use WorkspaceDns.zone(...) with a private zone or WorkspaceDns.none()',
    );
  }
  if (spec.dns.mode === DnsMode.CLOUD_ENDPOINTS && spec.access.mode === AccessMode.PRIVATE) {
    throw fail(
      'dns',
      'WorkspaceDns.cloudEndpoints()',
      'publishes a public name and needs public access; use WorkspaceDns.zone(...) with a private zone or WorkspaceDns.none()',
    );
  }

  // nixpkgs pin
  for (const [prop, value] of [['nixpkgs.owner', spec.nixpkgs.owner], ['nixpkgs.repo', spec.nixpkgs.repo]] as const) {
    if (isKnown(value) && !(typeof value === 'string' && /^[A-Za-z0-9_.-]{1,100}$/.test(value))) {
      throw fail(prop, value, "is not a GitHub owner or repository name (letters, digits, '.', '_', '-'); the machine's bootstrap refuses anything else");
    }
  }
  if (isKnown(spec.nixpkgs.rev) && !GIT_REV.test(spec.nixpkgs.rev)) {
    throw fail('nixpkgs.rev', spec.nixpkgs.rev, 'is not a full 40-character commit id; pin a commit, never a branch or tag');
  }
  if (isKnown(spec.nixpkgs.narHash) && !SRI_SHA256.test(spec.nixpkgs.narHash)) {
    throw fail('nixpkgs.narHash', spec.nixpkgs.narHash, "is not an SRI sha256 hash; e.g. 'sha256-Ti+ZBvW6yrWWAg2szExVTwCd4qOJ3KlVr1tFHfyfi8Q='");
  }

  const owner = isKnown(spec.owner) ? toLabelValue(spec.owner) : spec.owner;
  return { ...spec, labels: libraryLabels(scope, spec.kind, spec.cloud, spec.name, owner, userLabels, costCenter, 'workspace') };
}

function isFqdn(name: string): boolean {
  return DOMAIN.test(name.replace(/\.$/, '').toLowerCase()) && name === name.toLowerCase();
}

/**
 * The labels (tags) of a construct's billable resources: the user's, checked, plus the
 * library's own (`ml-workspace`, `workspace`, `owner`, `cost-center`, `cost-scope`), sorted by key.
 *
 * @internal
 */
export function libraryLabels(
  scope: Construct,
  kind: string,
  cloud: Cloud,
  name: string,
  ownerLabel: string,
  userLabels: Record<string, string>,
  costCenter: string,
  costScope: 'workspace' | 'shared',
): Record<string, string> {
  const fail = (prop: string, value: unknown, problemAndFix: string) => invalid(scope, kind, prop, value, problemAndFix);
  if (isKnown(costCenter) && (costCenter === '' || !GCP_LABEL_VALUE.test(costCenter))) {
    throw fail('costCenter', costCenter, "is not a valid label value; use 1-63 lowercase letters, digits, '_' or '-', e.g. 'ml-research'");
  }
  const own: Record<string, string> = {
    [LabelKey.ML_WORKSPACE]: 'true',
    [LabelKey.WORKSPACE]: name,
    [LabelKey.OWNER]: ownerLabel,
    [LabelKey.COST_CENTER]: costCenter,
    [LabelKey.COST_SCOPE]: costScope,
  };
  const reserved = Object.keys(own);
  const entries = Object.entries(userLabels);
  const max = MAX_LABELS[cloud];
  const taken = [...reserved, ...EXTRA_KEYS[cloud]];
  if (entries.length + taken.length > max) {
    throw fail(
      'labels',
      `${entries.length} labels`,
      `are too many; a resource takes at most ${max} on ${CLOUD_NAMES[cloud]} and already gets ${taken.length} (${taken.join(', ')}), so at most ${max - taken.length} user labels fit`,
    );
  }
  for (const [key, value] of entries) {
    if (reserved.includes(key)) {
      throw fail('labels', key, `is set by the library; remove it (use costCenter for 'cost-center', owner for 'owner')`);
    }
    // The library's own keys select resources (the AWS snapshot policy targets the home volume by
    // `ml-workspace-home`): one workspace's label must not make another's policy take its disk.
    if (key.startsWith(`${LabelKey.ML_WORKSPACE}-`) || key.startsWith(`${LabelKey.ML_WORKSPACE}_`)) {
      throw fail('labels', key, `starts with '${LabelKey.ML_WORKSPACE}', which the library keeps for its own keys; choose another key`);
    }
    if (!GCP_LABEL_KEY.test(key)) {
      throw fail('labels', key, "is not a valid label key; use 1-63 lowercase letters, digits, '_' or '-', starting with a letter");
    }
    if (isKnown(value) && (typeof value !== 'string' || !GCP_LABEL_VALUE.test(value))) {
      throw fail(`labels.${key}`, value, "is not a valid label value; use at most 63 lowercase letters, digits, '_' or '-'");
    }
  }
  const sorted = Object.fromEntries([...entries, ...Object.entries(own)].sort(([a], [b]) => a.localeCompare(b)));
  return sorted;
}
