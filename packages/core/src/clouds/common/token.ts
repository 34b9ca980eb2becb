import { Fn } from 'cdktf';
import { Password } from '@cdktf/provider-random/lib/password';
import { Rotating } from '@cdktf/provider-time/lib/rotating';
import { Construct } from 'constructs';
import { ensureTimeProvider } from './providers';

/** A generated secret value and, when it rotates, its schedule. @internal */
export interface RotatingPassword {
  readonly password: Password;
  /** The `time_rotating` keeper; absent when the secret never rotates. */
  readonly rotation?: Rotating;
  readonly rotationDays: number;
}

/**
 * 32 random characters, made again at the first apply after `rotationDays` (a `time_rotating`
 * keeper `<id>Rotation`, so synthesis stays the same from one run to the next). The machine
 * reads the new value within `mlWorkspace.secrets.refreshInterval` and restarts the service
 * that uses it. `rotationDays` 0: never rotated.
 *
 * @internal
 */
export function rotatingPassword(scope: Construct, id: string, rotationDays: number): RotatingPassword {
  if (rotationDays === 0) return { password: new Password(scope, id, { length: 32, special: false }), rotationDays };
  ensureTimeProvider(scope);
  const rotation = new Rotating(scope, `${id}Rotation`, { rotationDays });
  const password = new Password(scope, id, { length: 32, special: false, keepers: { rotation: rotation.id } });
  return { password, rotation, rotationDays };
}

/**
 * When a rotating secret is overdue: one more period after its rotation falls due, so a deploy
 * within that period replaces it first (an apply-time value: synthesis stays reproducible).
 * Key Vault keeps returning an expired secret; the date marks it overdue for Azure Policy's
 * expiry audit and anyone reading the vault. Undefined for a secret that never rotates.
 *
 * @internal
 */
export function expiryAfterRotation(secret: RotatingPassword): string | undefined {
  return secret.rotation ? Fn.timeadd(secret.rotation.rotationRfc3339, `${secret.rotationDays * 24}h`) : undefined;
}

/** The IDE's connection token (`ConnectionToken`, rotated by `ConnectionTokenRotation`). @internal */
export function connectionToken(scope: Construct, rotationDays: number): RotatingPassword {
  return rotatingPassword(scope, 'ConnectionToken', rotationDays);
}

/** oauth2-proxy's cookie secret (`CookieSecret`, rotated by `CookieSecretRotation`). @internal */
export function cookieSecret(scope: Construct, rotationDays: number): RotatingPassword {
  return rotatingPassword(scope, 'CookieSecret', rotationDays);
}
