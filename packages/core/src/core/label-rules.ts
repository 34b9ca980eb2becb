/** GCP label key rules: 1–63 chars, starts with a lowercase letter, [a-z0-9_-]. @internal */
export const GCP_LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
/** GCP label value rules: 0–63 chars of [a-z0-9_-]. @internal */
export const GCP_LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;
/** GCP allows at most 64 labels per resource. @internal */
export const GCP_MAX_LABELS = 64;

/**
 * Turns free text (an email, a team name) into a valid label value: lowercase, every run of
 * other characters becomes `_`, at most 63 characters. `Alice.Smith@Example.com` gives
 * `alice_smith_example_com`.
 *
 * @internal
 */
export function toLabelValue(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 63);
}
