/**
 * A pragmatic email check (one `@`, no spaces, a dot in the domain); what the library needs
 * is to catch typos and placeholders, not to implement RFC 5322.
 *
 * @internal
 */
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An email domain such as `example.com`. @internal */
export const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
