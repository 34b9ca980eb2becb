import { DocumentFragment } from '../../host/machine-host';
import { machineDocument, MachineSecret, renderMachineDocument } from '../../nixos/machine-config';
import { WorkspaceSpec } from '../../host/workspace-spec';
import { usageError } from '../../core/errors';
import { LabelKey } from '../../core/labels';

/** What the host itself puts in its machine document. @internal */
export interface HostDocumentSettings {
  readonly cloud: 'gcp' | 'aws' | 'azure';
  /** Whether the machine has GPUs (and so the NVIDIA stack). */
  readonly gpu: boolean;
  /** The home disk's stable device path on that cloud. */
  readonly homeDevice: string;
  /** The secrets the machine reads at boot, by file name. */
  readonly secrets: Record<string, MachineSecret>;
  /** What the roles contributed. */
  readonly fragments: readonly DocumentFragment[];
}

/**
 * The host's machine document, once every role contributed: the host's settings (name, GPU
 * stack, home disk, secrets, idle stop, nixpkgs) and each role's. Returns the document and its
 * rendering as a metadata value.
 *
 * @internal
 */
export function hostDocument(spec: WorkspaceSpec, settings: HostDocumentSettings): { readonly doc: Record<string, any>; readonly rendered: string } {
  // Roles own their settings: two that set the same one differently are a bug, not a merge.
  const merged: Record<string, unknown> = {};
  for (const fragment of settings.fragments) {
    for (const [key, value] of Object.entries(fragment)) {
      if (value === undefined) continue;
      if (merged[key] !== undefined && JSON.stringify(merged[key]) !== JSON.stringify(value)) {
        throw usageError(`${spec.kind} '${spec.name}': two roles set the machine document's ${key} differently`);
      }
      merged[key] = value;
    }
  }
  if (merged.domain === undefined) {
    throw usageError(`${spec.kind} '${spec.name}': no role gave the machine a domain`);
  }
  const doc = machineDocument({
    ...(merged as DocumentFragment),
    domain: merged.domain as string,
    hostName: spec.name,
    user: spec.user,
    gpu: settings.gpu,
    homeDevice: settings.homeDevice,
    // Each idle check's activity line names the workspace and owner as their labels do, so the
    // usage views join it with the bill.
    idleStop: spec.idleStop && { ...spec.idleStop, activity: { workspace: spec.labels[LabelKey.WORKSPACE], owner: spec.labels[LabelKey.OWNER] } },
    cloud: settings.cloud,
    secrets: settings.secrets,
    nixpkgs: spec.nixpkgs,
  });
  return { doc, rendered: renderMachineDocument(doc) };
}
