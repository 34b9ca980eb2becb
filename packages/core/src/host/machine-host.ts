import { Construct } from 'constructs';
import { WorkspacePrincipal } from '../core/principal';
import { MachineSpec } from '../nixos/machine-config';

/** The identity a host's machine runs as. @internal */
export type HostPrincipal = WorkspacePrincipal;

/** A generated value the machine reads at boot from the cloud's secret store. @internal */
export interface HostSecret {
  /** Prefix of the construct ids: `<prefix>Secret`, `<prefix>SecretVersion`, `<prefix>Reader`. */
  readonly idPrefix: string;
  /** The file under the machine's secrets directory, and the secret's name in the store. */
  readonly fileName: string;
  /** The Unix account that owns the file. */
  readonly owner: string;
  readonly value: string;
  /** Where the store records one (Azure Key Vault). */
  readonly contentType: string;
  /** When the store should mark it expired (Azure Key Vault); undefined: never. */
  readonly expirationDate?: string;
}

/** A TCP port opened to ranges on the internet (public hosts only). @internal */
export interface PublicIngress {
  /** Construct-id stem of the rule(s): `Https`, `Acme`. */
  readonly id: string;
  /** Name suffix of the rule on clouds that name rules (`https`, `acme`). */
  readonly suffix: string;
  readonly port: number;
  /** The allowed ranges, or every address (what an ACME HTTP-01 challenge needs). */
  readonly sources: string[] | 'internet';
  /** Of a rule for all the ranges (GCP). */
  readonly description: string;
  /** Of a rule for one range (AWS, Azure: a rule per range). */
  readonly rangeDescription: string;
}

/** TCP connections the machine may open beyond HTTPS and NTP to the internet, which every host allows. @internal */
export interface Egress {
  /** Construct-id stem of the rule(s). */
  readonly id: string;
  /** Name suffix of the rule(s). */
  readonly suffix: string;
  readonly port: number;
  /** Destination ranges. */
  readonly destinations: string[];
  readonly description: string;
}

/**
 * What a role adds to the machine document: the settings of its NixOS module. The host adds
 * its own (name, GPU stack, home disk, secrets, idle stop, nixpkgs) and renders the document
 * once, after every role contributed.
 *
 * @internal
 */
export type DocumentFragment = Partial<Omit<MachineSpec, 'hostName' | 'gpu' | 'homeDevice' | 'cloud' | 'secrets' | 'nixpkgs' | 'idleStop' | 'user'>>;

/**
 * One NixOS machine on a cloud, without knowing what runs on it: its network attachment, the
 * principal it runs as, a secret store, ingress, disks and the VM. Roles (the IDE today; a
 * JupyterHub or a dataset mount later) contribute secrets, ports and document settings before
 * the host is finished; `clouds/<cloud>/host.ts` implements it.
 *
 * @internal
 */
export interface MachineHost {
  /** The construct the host's resources are made in (the front door's). */
  readonly scope: Construct;
  readonly name: string;
  readonly principal: HostPrincipal;
  /** Whether the machine has a public IP. */
  readonly isPublic: boolean;
  /** Stores a generated secret; the machine reads it at boot. Returns the store's resource. */
  addSecret(secret: HostSecret): Construct;
  /** Lets the machine read an existing secret of the store, named `name`, as `fileName`. */
  readExistingSecret(idPrefix: string, name: string, fileName: string, owner: string): void;
  /** Opens a TCP port to the internet or to ranges. */
  allowPublicIngress(rule: PublicIngress): void;
  /** Admits a port through the cloud's private access path (IAP, Bastion; Session Manager needs no rule). */
  allowPrivateAccess(port: number): void;
  /**
   * Lets the machine reach more than HTTPS and NTP (AWS security group and Azure NSG egress
   * rules; GCP's VPC allows all egress, so nothing is added there).
   */
  allowEgress(rule: Egress): void;
  /** Adds a role's settings to the machine document. */
  addToDocument(fragment: DocumentFragment): void;
}
