import { WorkspacePrincipal } from '../../core/principal';

/** What the front door needs back from a cloud builder. @internal */
export interface BuiltWorkspace<R> {
  /** The cloud's resources, for escape-hatch access. */
  readonly resources: R;
  readonly url: string;
  readonly ipAddress: string;
  readonly hostName: string;
  readonly instanceName: string;
  readonly signIn: string;
  /** The identity the machine runs as. */
  readonly principal: WorkspacePrincipal;
}
