import { PolicyLevel } from '../level';
import { oneOf, outcome, PolicyRule, ResolvedResource } from '../rule';

/** Values that are secrets, or references to attributes that hold secrets. */
const SECRET_VALUE = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\b(AKIA|ASIA)[0-9A-Z]{16}\b/,
  // Tokens people paste: Hugging Face, GitHub, OpenAI/Anthropic, Slack, GitLab, Google API keys.
  /\bhf_[A-Za-z0-9]{30,}\b/,
  /\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b/,
  /\bgithub_pat_[A-Za-z0-9_]{22,}\b/,
  /\bsk-(ant-|proj-)?[A-Za-z0-9_-]{20,}\b/,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/,
  /\bglpat-[A-Za-z0-9_-]{20}\b/,
  /\bAIza[0-9A-Za-z_-]{35}\b/,
  /\brandom_password\.[^.}]+\.(result|bcrypt_hash)\b/,
  /\btls_private_key\.[^.}]+\.private_key_(pem|openssh)\b/,
  /\.secret_data\b/,
  /\.secret_string\b/,
  /\bazurerm_key_vault_secret\.[^.}]+\.value\b/,
];
const SECRET_KEY = /(password|passwd|secret|token|api[_-]?key|private[_-]?key)$/i;

/** The metadata entries of a VM (or of what makes VMs: templates, project metadata) on each cloud, by key. */
function metadataOf(type: string, config: Record<string, any>): Record<string, unknown> | undefined {
  switch (type) {
    case 'google_compute_instance':
    case 'google_compute_instance_template':
    case 'google_compute_region_instance_template':
      return { ...(config.metadata ?? {}), startup: config.metadata_startup_script ?? '' };
    case 'google_compute_project_metadata':
      return { ...(config.metadata ?? {}) };
    case 'google_compute_project_metadata_item':
      return { [String(config.key ?? 'value')]: config.value ?? '' };
    case 'aws_instance':
    case 'aws_launch_template':
    case 'aws_launch_configuration':
      return { user_data: config.user_data ?? '', user_data_base64: config.user_data_base64 ?? '' };
    case 'azurerm_linux_virtual_machine':
    case 'azurerm_linux_virtual_machine_scale_set':
    case 'azurerm_orchestrated_virtual_machine_scale_set':
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
  appliesTo: oneOf(
    'google_compute_instance',
    'google_compute_instance_template',
    'google_compute_region_instance_template',
    'google_compute_project_metadata',
    'google_compute_project_metadata_item',
    'aws_instance',
    'aws_launch_template',
    'aws_launch_configuration',
    'azurerm_linux_virtual_machine',
    'azurerm_linux_virtual_machine_scale_set',
    'azurerm_orchestrated_virtual_machine_scale_set',
  ),
  check: ({ type, config, localValue, sensitiveVariable }: ResolvedResource) => {
    const metadata = metadataOf(type, config);
    // A document kept in a local (`base64encode(local.doc)`) is checked as what the local holds.
    const expand = (value: unknown) => String(value).replace(/\blocal\.([\w-]+)/g, (ref, name) => localValue?.(name) ?? ref);
    // A sensitive variable holds a secret by its author's own account.
    const sensitive = (value: string) => [...value.matchAll(/\bvar\.([\w-]+)/g)].some(([, name]) => sensitiveVariable?.(name) ?? false);
    const leaks = Object.entries(metadata ?? {}).some(([key, value]) => {
      const text = expand(value);
      return SECRET_VALUE.some((re) => re.test(text)) || sensitive(text) || (SECRET_KEY.test(key) && String(value) !== '');
    });
    return outcome(metadata !== undefined, !leaks);
  },
};
