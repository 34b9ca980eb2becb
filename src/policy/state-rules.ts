import { PolicyLevel } from './level';

/**
 * The stack-level rules: where the Terraform state lives and how it travels. They read the
 * stack's resolved `terraform` block (backends, `cloud`, and stack overrides), not the classes
 * that made it, so an escape hatch that changes a backend's settings is seen too. @internal
 */
export interface StateRule {
  readonly id: string;
  readonly level: PolicyLevel;
  /** The level for a stack marked production. */
  readonly productionLevel: PolicyLevel;
  readonly explanation: string;
  readonly why: string;
  /** The problems this rule finds in the stack's `terraform` block, one line each. */
  readonly check: (terraform: Record<string, any>) => string[];
}

/** The one backend a `terraform` block configures: its type and settings. @internal */
export function backendOf(terraform: Record<string, any>): { type: string; config: Record<string, any> } | undefined {
  if (terraform.cloud !== undefined) return { type: 'cloud', config: terraform.cloud ?? {} };
  const [type, config] = Object.entries<any>(terraform.backend ?? {})[0] ?? [];
  return type === undefined ? undefined : { type, config: config ?? {} };
}

export const STATE1: StateRule = {
  id: 'MLW-STATE1',
  level: PolicyLevel.WARNING,
  productionLevel: PolicyLevel.ERROR,
  explanation:
    'The Terraform state is kept in a local backend (a warning; an error for a stack marked production; `allowLocalState: true` acknowledges it outside production).',
  why: 'Local state is unshared, unlocked and unencrypted, and it holds generated secrets (tokens, keys); it is lost with the laptop that ran the deploy.',
  check(terraform) {
    const backend = backendOf(terraform);
    if (backend === undefined) return ['no backend is configured, so Terraform keeps terraform.tfstate in the working directory'];
    return backend.type === 'local' ? [`the local backend keeps state in ${backend.config.path ?? 'terraform.tfstate'}`] : [];
  },
};

/** Backends whose settings say how state is sent over the network. */
function plainTransport(type: string, c: Record<string, any>): string[] {
  const problems: string[] = [];
  const plainUrl = (key: string) => {
    const value = c[key];
    if (typeof value === 'string' && !/^https:\/\//i.test(value.trim())) problems.push(`${key} '${value}' is not an https:// URL`);
  };
  switch (type) {
    case 'http':
      ['address', 'lock_address', 'unlock_address'].forEach(plainUrl);
      if (c.skip_cert_verification === true) problems.push('skip_cert_verification is true');
      break;
    case 's3':
      ['endpoint', 'sts_endpoint', 'iam_endpoint', 'dynamodb_endpoint'].forEach(plainUrl);
      for (const [key, value] of Object.entries<any>(c.endpoints ?? {})) {
        if (typeof value === 'string' && !/^https:\/\//i.test(value.trim())) problems.push(`endpoints.${key} '${value}' is not an https:// URL`);
      }
      if (c.insecure === true) problems.push('insecure is true (TLS certificates are not verified)');
      break;
    case 'consul':
      // Consul's backend speaks plain HTTP unless told otherwise.
      if (String(c.scheme ?? 'http').toLowerCase() !== 'https') problems.push(`scheme is '${c.scheme ?? 'http'}' (the default); set scheme 'https'`);
      break;
    case 'pg': {
      const mode = /sslmode=([a-z-]+)/i.exec(String(c.conn_str ?? ''))?.[1]?.toLowerCase();
      if (mode === 'disable' || mode === 'allow' || mode === 'prefer') problems.push(`conn_str has sslmode=${mode}; use sslmode=verify-full`);
      break;
    }
    case 'azurerm':
    case 'gcs':
    case 'remote':
    case 'cloud':
      // These talk HTTPS to their service and have no setting that turns it off.
      break;
  }
  return problems;
}

export const STATE2: StateRule = {
  id: 'MLW-STATE2',
  level: PolicyLevel.ERROR,
  productionLevel: PolicyLevel.ERROR,
  explanation:
    'The state backend sends state in plain text or without checking the server: an http backend or endpoint that is not https://, TLS verification turned off, Consul without scheme "https", Postgres without sslmode verify-ca/verify-full.',
  why: 'State holds every generated secret; on the wire without verified TLS anyone on the path can read or replace it.',
  check(terraform) {
    const backend = backendOf(terraform);
    return backend ? plainTransport(backend.type, backend.config) : [];
  },
};

export const STATE3: StateRule = {
  id: 'MLW-STATE3',
  level: PolicyLevel.WARNING,
  productionLevel: PolicyLevel.ERROR,
  explanation:
    'The state backend does not ask for the state to be encrypted at rest: s3, oss or cos without encrypt = true (a warning; an error for a stack marked production).',
  why: 'Without encrypt the state object relies on the bucket default, which a bucket created elsewhere may not have; with it the backend refuses to write unencrypted state.',
  check(terraform) {
    const backend = backendOf(terraform);
    if (!backend || !['s3', 'oss', 'cos'].includes(backend.type)) return [];
    const c = backend.config;
    // SSE-KMS and SSE-C are applied only when encrypt is true, so encrypt is what counts.
    if (c.encrypt === true) return [];
    return [`the ${backend.type} backend has encrypt ${c.encrypt === undefined ? 'unset' : JSON.stringify(c.encrypt)}`];
  },
};

/** @internal */
export const STATE_RULES: StateRule[] = [STATE1, STATE2, STATE3];
