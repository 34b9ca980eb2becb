/**
 * A pragmatic email check (one `@`, no spaces, a dot in the domain); what the library needs
 * is to catch typos and placeholders, not to implement RFC 5322.
 *
 * @internal
 */
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An email domain such as `example.com`. @internal */
export const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/**
 * Email domains anyone can get an address at: allowing one admits the public, not a team.
 *
 * @internal
 */
export const PUBLIC_EMAIL_DOMAINS: readonly string[] = [
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'msn.com',
  'yahoo.com',
  'ymail.com',
  'icloud.com',
  'me.com',
  'aol.com',
  'proton.me',
  'protonmail.com',
  'gmx.com',
  'gmx.de',
  'gmx.net',
  'mail.com',
  'yandex.com',
  'yandex.ru',
  'qq.com',
  '163.com',
  'zoho.com',
  'fastmail.com',
  'tutanota.com',
  'hey.com',
];

/** Whether a domain (or a parent of it) is one anyone can get an address at. @internal */
export function isPublicEmailDomain(domain: string): boolean {
  const d = domain.toLowerCase().replace(/\.$/, '');
  return PUBLIC_EMAIL_DOMAINS.some((p) => d === p || d.endsWith(`.${p}`));
}
