import { PolicyLevel } from '../level';
import { outcome, PolicyRule, ResolvedResource } from '../rule';

/** Values that are secrets, or references to attributes that hold secrets. */
const SECRET_VALUE = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\bAKIA[0-9A-Z]{16}\b/,
  /\brandom_password\.[^.}]+\.(result|bcrypt_hash)\b/,
  /\btls_private_key\.[^.}]+\.private_key_(pem|openssh)\b/,
  /\.secret_data\b/,
  /\.secret_string\b/,
  /\bazurerm_key_vault_secret\.[^.}]+\.value\b/,
];
const SECRET_KEY = /(password|passwd|secret|token|api[_-]?key|private[_-]?key)$/i;

/** The metadata entries of a VM on each cloud, by key. */
function metadataOf(type: string, config: Record<string, any>): Record<string, unknown> | undefined {
  switch (type) {
    case 'google_compute_instance':
      return { ...(config.metadata ?? {}), startup: config.metadata_startup_script ?? '' };
    case 'aws_instance':
      return { user_data: config.user_data ?? '', user_data_base64: config.user_data_base64 ?? '' };
    case 'azurerm_linux_virtual_machine':
      return { custom_data: config.custom_data ?? '', user_data: config.user_data ?? '' };
    default:
      return undefined;
  }
}

/** MLW-META1: no secrets in instance metadata or user data. */
export const META1: PolicyRule = {
  id: 'MLW-META1',
  level: PolicyLevel.ERROR,
  explanation: 'Instance metadata, user data or custom data holds a secret or a reference to one.',
  why: 'Metadata and user data are readable by every process on the VM and by anyone who can view the instance; secrets belong in the secret store.',
  checkovId: 'CKV_GCP_33, CKV_AWS_46',
  check: ({ type, config, localValue }: ResolvedResource) => {
    const metadata = metadataOf(type, config);
    // A document kept in a local (`base64encode(local.doc)`) is checked as what the local holds.
    const expand = (value: unknown) => String(value).replace(/\blocal\.([\w-]+)/g, (ref, name) => localValue?.(name) ?? ref);
    const leaks = Object.entries(metadata ?? {}).some(
      ([key, value]) => SECRET_VALUE.some((re) => re.test(expand(value))) || (SECRET_KEY.test(key) && String(value) !== ''),
    );
    return outcome(metadata !== undefined, !leaks);
  },
};
