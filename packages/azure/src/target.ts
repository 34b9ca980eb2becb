import { Cloud, CloudTarget } from 'cdktf-ml-workspace';
import { requireShapes } from 'cdktf-ml-workspace/lib/core/shapes';

/**
 * Where and how to place a workspace on Azure. The azurerm provider the construct adds reads the
 * subscription from `ARM_SUBSCRIPTION_ID` (or give the stack your own `AzurermProvider`).
 */
export interface AzureTargetOptions {
  /** The region, as Azure's lowercase name without spaces, e.g. `westeurope`. */
  readonly location: string;
  /**
   * The NixOS image: a managed image id
   * (`/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.Compute/images/<name>`) or an
   * Azure Compute Gallery image or image version id (`.../galleries/<g>/images/<def>[/versions/<v>]`),
   * built from this library's flake (`nix build ./nix#azure-image`) and uploaded once; the
   * README's "Azure image" section gives the commands. Azure has no official NixOS image, so
   * this is required. Build a Generation 2 image: some GPU families run nothing else.
   * @default - none: synthesis fails with the steps to build one
   */
  readonly imageId?: string;
  /**
   * An existing resource group to create the workspace in. Nothing is looked up: the name is
   * used as given, in the provider's subscription.
   * @default - a resource group `<workspace>-rg` is created
   */
  readonly resourceGroupName?: string;
  /**
   * An existing subnet id (`/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<v>/subnets/<n>`)
   * in `location`. It must reach the internet on 443 (Nix fetches packages). The construct then
   * creates no network resources but the workspace's network security group, associated with
   * the VM's network interface only, and no Azure Bastion: in private mode HTTPS and SSH are
   * allowed from the `VirtualNetwork` service tag, so bring your own access path (a VPN, a
   * peered hub with Bastion). With `keyVaultAllowedCidrs` the subnet needs the
   * `Microsoft.KeyVault` service endpoint.
   * @default - a virtual network and subnet are created, with `vnetCidr`
   */
  readonly subnetId?: string;
  /**
   * The IPv4 address space of the virtual network the construct creates. The workspace subnet
   * takes its first /24; in private mode `AzureBastionSubnet` takes the first /26 of the second
   * /24, so the range must be a /23 or larger there (a /24 or larger in public mode).
   * @default '10.42.0.0/16'
   */
  readonly vnetCidr?: string;
  /**
   * A VM size overriding the size preset, e.g. `Standard_NC16as_T4_v3`. Required for a GPU
   * made with `Gpu.of(...)`, or a GPU in a size preset its family has no size for.
   * @default - from the size preset and GPU
   */
  readonly vmSize?: string;
  /**
   * The OpenSSH public key (`ssh-rsa` of 2048 bits or more, or `ssh-ed25519`: Azure accepts no
   * other types) of the VM's admin account `azureuser`, for break-glass access through Azure
   * Bastion.
   * @default - an Ed25519 key pair is generated; its private key is kept in the workspace's Key
   * Vault as the secret `admin-ssh-key`
   */
  readonly adminSshPublicKey?: string;
  /**
   * An existing Key Vault (resource id) holding the SSO client secret named by
   * `WorkspaceAuth.sso({ clientSecretName })`. Required with SSO on Azure. The workspace's
   * identity gets `Key Vault Secrets User` on that one secret; the vault must use Azure RBAC
   * and admit the workspace's subnet through its firewall.
   * @default - none
   */
  readonly ssoKeyVaultId?: string;
  /**
   * Where Terraform writes the workspace's secrets from: IPv4 addresses (`203.0.113.7`) or
   * ranges of /30 and wider (`203.0.113.0/24`; Key Vault takes no /31 or /32), e.g. your CI
   * runners' egress, or `[]` when Terraform runs inside the workspace's virtual network. The
   * workspace's Key Vault denies every other network but the workspace subnet (through a
   * `Microsoft.KeyVault` service endpoint), so this is a choice only you can make; people
   * reading the connection token from their laptop must come from these ranges too. Checked
   * like `access.allowedCidrs` (no broader than an IPv4 /8 together).
   */
  readonly keyVaultAllowedCidrs: string[];
  /**
   * Accept a `location` this release does not list (a location newer than it); otherwise a
   * name outside the list is refused with the closest listed one, as a typo would fail at apply.
   * @default false
   */
  readonly allowUnlistedLocation?: boolean;
}

/**
 * Microsoft Azure: the target a construct from `cdktf-ml-workspace` deploys to when given
 * `AzureTarget.of({ location, imageId, keyVaultAllowedCidrs })`. Importing this package registers what Azure builds.
 */
export class AzureTarget extends CloudTarget {
  /** Microsoft Azure, with its placement. */
  public static of(options: AzureTargetOptions): AzureTarget {
    requireShapes('AzureTarget.of', options, '{ location, imageId, keyVaultAllowedCidrs }', {
      location: 'string',
      imageId: 'string',
      keyVaultAllowedCidrs: 'string[]',
      vmSize: 'string',
      resourceGroupName: 'string',
      subnetId: 'string',
      vnetCidr: 'string',
      adminSshPublicKey: 'string',
      ssoKeyVaultId: 'string',
      allowUnlistedLocation: 'boolean',
    });
    return new AzureTarget({ ...options });
  }

  private constructor(
    /** The placement, as given. */
    public readonly options: AzureTargetOptions,
  ) {
    super(Cloud.AZURE);
  }
}

/** The Azure placement of a target of this cloud. @internal */
export function azureOptions(target: CloudTarget): AzureTargetOptions {
  return (target as AzureTarget).options;
}
