import { WorkspacePrincipal } from '../../core/principal';

/** The machine a workspace runs on, as the cloud names it. @internal */
export interface MachineDescription {
  /** The machine type, instance type or VM size. */
  readonly type: string;
  /** The GPU model, when there is one. */
  readonly gpu?: string;
  /** How many GPUs, when known (a machine type given in the target sets it itself). */
  readonly gpuCount?: number;
}

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
  /** The machine it runs on. */
  readonly machine: MachineDescription;
}
