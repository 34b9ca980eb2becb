import { PolicyLevel } from '../level';
import { outcome, PolicyRule, ResolvedResource } from '../rule';

/** Values that are secrets, or references to attributes that hold secrets. */
const SECRET_VALUE = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\bAKIA[0-9A-Z]{16}\b/,
  /\brandom_password\.[^.}]+\.(result|bcrypt_hash)\b/,
  /\btls_private_key\.[^.}]+\.private_key_(pem|openssh)\b/,
  /\.secret_data\b/,
];
const SECRET_KEY = /(password|passwd|secret|token|api[_-]?key|private[_-]?key)$/i;

/** MLW-META1: no secrets in instance metadata or user data. */
export const META1: PolicyRule = {
  id: 'MLW-META1',
  level: PolicyLevel.ERROR,
  explanation: 'Instance metadata or user data holds a secret or a reference to one.',
  why: 'Metadata is readable by every process on the VM and by anyone who can view the instance; secrets belong in the secret store.',
  checkovId: 'CKV_GCP_33',
  check: ({ type, config }: ResolvedResource) => {
    const entries = Object.entries<unknown>({ ...(config.metadata ?? {}), startup: config.metadata_startup_script ?? '' });
    const leaks = entries.some(
      ([key, value]) => SECRET_VALUE.some((re) => re.test(String(value))) || (SECRET_KEY.test(key) && String(value) !== ''),
    );
    return outcome(type === 'google_compute_instance', !leaks);
  },
};
