import { PolicyLevel } from './level';

/** Where a stack's state lives and where it reads other stacks' state from. @internal */
export interface StateSettings {
  /** The stack's `terraform` block as it will be synthesized (backends and overrides). */
  readonly terraform: Record<string, any>;
  /** Its `terraform_remote_state` data sources: `{ backend, config }` each. */
  readonly remoteStates: Record<string, any>[];
}

/**
 * The stack-level rules: where the Terraform state lives and how it travels. They read the
 * stack's resolved settings, not the classes that made them, so an escape hatch that changes a
 * backend's settings is seen too. @internal
 */
export interface StateRule {
  readonly id: string;
  readonly level: PolicyLevel;
  /** The level for a stack marked production. */
  readonly productionLevel: PolicyLevel;
  readonly explanation: string;
  readonly why: string;
  /** The problems this rule finds, one line each. */
  readonly check: (settings: StateSettings) => string[];
}

/** The one backend a `terraform` block configures: its type and settings. @internal */
export function backendOf(terraform: Record<string, any>): { type: string; config: Record<string, any> } | undefined {
  if (terraform.cloud !== undefined) return { type: 'cloud', config: terraform.cloud ?? {} };
  const [type, config] = Object.entries<any>(terraform.backend ?? {})[0] ?? [];
  return type === undefined ? undefined : { type, config: config ?? {} };
}

/** Terraform takes `true` and the string "true" alike for a bool setting. */
function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}

export const STATE1: StateRule = {
  id: 'MLW-STATE1',
  level: PolicyLevel.WARNING,
  productionLevel: PolicyLevel.ERROR,
  explanation:
    'The Terraform state is kept in a local backend (a warning; an error for a stack marked production; `allowLocalState: true` acknowledges it outside production).',
  why: 'Local state is unencrypted, on one machine and shared with nobody, and it holds generated secrets (tokens, keys); it is lost with the laptop that ran the deploy.',
  check({ terraform }) {
    const backend = backendOf(terraform);
    if (backend === undefined) return ['no backend is configured, so Terraform keeps terraform.tfstate in the working directory'];
    return backend.type === 'local' ? [`the local backend keeps state in ${backend.config.path ?? 'terraform.tfstate'}`] : [];
  },
};

/** What a backend's settings say about how state crosses the network. */
function plainTransport(type: string, c: Record<string, any>): string[] {
  const problems: string[] = [];
  const notHttps = (key: string, value: unknown) => {
    if (typeof value === 'string' && !/^https:\/\//i.test(value.trim())) problems.push(`${key} '${value}' is not an https:// URL`);
  };
  const urls = (...keys: string[]) => keys.forEach((key) => notHttps(key, c[key]));
  const verifyOff = (key: string, what: string) => {
    if (isTrue(c[key])) problems.push(`${key} is ${JSON.stringify(c[key])} (${what})`);
  };
  switch (type) {
    case 'http':
      urls('address', 'lock_address', 'unlock_address');
      verifyOff('skip_cert_verification', 'the server certificate is not checked');
      break;
    case 's3':
      urls('endpoint', 'sts_endpoint', 'iam_endpoint', 'dynamodb_endpoint');
      for (const [key, value] of Object.entries<any>(c.endpoints ?? {})) notHttps(`endpoints.${key}`, value);
      verifyOff('insecure', 'TLS certificates are not verified');
      break;
    case 'oss':
    case 'cos':
      urls('endpoint', 'sts_endpoint', 'tablestore_endpoint');
      break;
    case 'kubernetes':
      urls('host');
      verifyOff('insecure', 'the API server certificate is not checked');
      break;
    case 'consul': {
      // Consul's client speaks plain HTTP unless the scheme or the address says https.
      const https = String(c.scheme ?? '').toLowerCase() === 'https' || /^https:\/\//i.test(String(c.address ?? ''));
      if (!https) problems.push(`scheme is '${c.scheme ?? 'http'}'${c.scheme === undefined ? ' (the default)' : ''}; set scheme 'https'`);
      break;
    }
    case 'pg': {
      if (typeof c.conn_str !== 'string') break;
      const mode = /sslmode\s*=\s*([a-z-]+)/i.exec(c.conn_str)?.[1]?.toLowerCase();
      if (mode === undefined) problems.push("conn_str sets no sslmode (the default, 'require', encrypts without checking the server); add sslmode=verify-full");
      else if (mode !== 'verify-ca' && mode !== 'verify-full') problems.push(`conn_str has sslmode=${mode}, which does not check the server; use sslmode=verify-full`);
      break;
    }
  }
  return problems;
}

export const STATE2: StateRule = {
  id: 'MLW-STATE2',
  level: PolicyLevel.ERROR,
  productionLevel: PolicyLevel.ERROR,
  explanation:
    'State is sent in plain text or without checking the server, by the backend or a terraform_remote_state data source: an address or endpoint that is not https://, TLS verification turned off (skip_cert_verification, insecure), Consul without https, Postgres without sslmode verify-ca or verify-full.',
  why: 'State holds every generated secret; on the wire without verified TLS anyone on the path can read or replace it.',
  check({ terraform, remoteStates }) {
    const backend = backendOf(terraform);
    return [
      ...(backend ? plainTransport(backend.type, backend.config) : []),
      ...remoteStates.flatMap((r) => plainTransport(String(r.backend), r.config ?? {}).map((p) => `terraform_remote_state (${r.backend}): ${p}`)),
    ];
  },
};

export const STATE3: StateRule = {
  id: 'MLW-STATE3',
  level: PolicyLevel.WARNING,
  productionLevel: PolicyLevel.ERROR,
  explanation:
    'The state backend does not ask for the state to be encrypted at rest: s3, oss or cos without encrypt = true (a warning; an error for a stack marked production).',
  why: 'AWS S3 encrypts new objects by default, but S3-compatible stores, OSS and COS buckets need not; with encrypt the backend asks for encryption on every write, whatever the bucket default.',
  check({ terraform }) {
    const backend = backendOf(terraform);
    if (!backend || !['s3', 'oss', 'cos'].includes(backend.type)) return [];
    // SSE-KMS and SSE-C are applied only when encrypt is true, so encrypt is what counts.
    const value = backend.config.encrypt;
    return isTrue(value) ? [] : [`the ${backend.type} backend has encrypt ${value === undefined ? 'unset' : JSON.stringify(value)}`];
  },
};

export const STATE4: StateRule = {
  id: 'MLW-STATE4',
  level: PolicyLevel.WARNING,
  productionLevel: PolicyLevel.ERROR,
  explanation:
    'The state backend does not lock the state: s3 without use_lockfile or dynamodb_table, http without lock_address (a warning; an error for a stack marked production).',
  why: 'Two applies at once (a person and CI) against unlocked state can each write their own version, losing resources and the secrets they hold.',
  check({ terraform }) {
    const backend = backendOf(terraform);
    const c = backend?.config ?? {};
    if (backend?.type === 's3' && !isTrue(c.use_lockfile) && !c.dynamodb_table) return ['the s3 backend sets neither use_lockfile nor dynamodb_table'];
    if (backend?.type === 'http' && !c.lock_address) return ['the http backend has no lock_address'];
    return [];
  },
};

/** @internal */
export const STATE_RULES: StateRule[] = [STATE1, STATE2, STATE3, STATE4];
