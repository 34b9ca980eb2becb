import { Password } from '@cdktf/provider-random/lib/password';
import { Rotating } from '@cdktf/provider-time/lib/rotating';
import { Construct } from 'constructs';
import { ensureTimeProvider } from './providers';

/**
 * The IDE's connection token: 32 random characters, made again at the first apply after
 * `rotationDays` (a `time_rotating` keeper, so synthesis stays the same from one run to the
 * next). The machine reads the new value within `mlWorkspace.secrets.refreshInterval` and
 * restarts the IDE with it; the old token stops working. `rotationDays` 0: never rotated.
 *
 * @internal
 */
export function connectionToken(scope: Construct, rotationDays: number): Password {
  if (rotationDays === 0) return new Password(scope, 'ConnectionToken', { length: 32, special: false });
  ensureTimeProvider(scope);
  const rotation = new Rotating(scope, 'ConnectionTokenRotation', { rotationDays });
  return new Password(scope, 'ConnectionToken', { length: 32, special: false, keepers: { rotation: rotation.id } });
}
