import { requireShapes } from './shapes';

/** The clouds the library deploys to. */
export enum Cloud {
  /** Google Cloud. */
  GCP = 'GCP',
  /** Amazon Web Services. */
  AWS = 'AWS',
  /** Microsoft Azure. */
  AZURE = 'AZURE',
}

/** Where and how to place a workspace on Google Cloud. */
export interface GcpTargetOptions {
  /** The project id, e.g. `ml-research-prod`. */
  readonly project: string;
  /** The region, e.g. `europe-west4`. */
  readonly region: string;
  /** The zone, inside `region`, e.g. `europe-west4-a`. Pick one that offers your GPU. */
  readonly zone: string;
  /**
   * An existing VPC network (name or self link). When given, `subnetwork` must be given too.
   * @default - a network and subnetwork are created for the workspace
   */
  readonly network?: string;
  /**
   * An existing subnetwork (name or self link) in `region`.
   * @default - created, with `subnetCidr`
   */
  readonly subnetwork?: string;
  /**
   * The primary range of the subnetwork the construct creates.
   * @default '10.42.0.0/24'
   */
  readonly subnetCidr?: string;
  /**
   * The NixOS base image: a self link, or `projects/<p>/global/images/family/<family>`. Build it
   * from this library's flake (`nix build ./nix#gce-image`) and upload it once per project;
   * the README gives the commands.
   * @default 'projects/<project>/global/images/family/ml-workspace-nixos'
   */
  readonly image?: string;
  /**
   * A machine type overriding the size preset, e.g. `g2-standard-12`. Required for a GPU
   * made with `Gpu.of(...)`.
   * @default - from the size preset and GPU
   */
  readonly machineType?: string;
  /**
   * A Cloud KMS key (`projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>`) encrypting the
   * boot and home disks. Grant the Compute Engine service agent
   * `roles/cloudkms.cryptoKeyEncrypterDecrypter` on it.
   * @default - Google-managed encryption keys
   */
  readonly kmsKeyName?: string;
  /**
   * Accept a `region` this release does not list (a region newer than it); otherwise a name
   * outside the list is refused with the closest listed one, as a typo would fail at apply.
   * @default false
   */
  readonly allowUnlistedRegion?: boolean;
}

/** Where and how to place a workspace on AWS. */
export interface AwsTargetOptions {
  /** The region, e.g. `eu-west-1`. */
  readonly region: string;
  /**
   * The availability zone, inside `region`. Pick one that offers your instance type.
   * @default - `<region>a`
   */
  readonly availabilityZone?: string;
  /**
   * An existing VPC. When given, `subnetId` must be given too, and the subnet must reach the
   * internet (Nix fetches packages) and Systems Manager (a NAT gateway or VPC endpoints); the
   * construct then creates no network resources but the workspace's security group.
   * @default - a VPC, subnets, and in private mode a NAT gateway and Systems Manager endpoints
   */
  readonly vpcId?: string;
  /**
   * An existing subnet of `vpcId` in `availabilityZone`.
   * @default - created, with `subnetCidr`
   */
  readonly subnetId?: string;
  /**
   * The CIDR of the VPC the construct creates. Subnets take the first two /24 ranges of it.
   * @default '10.42.0.0/16'
   */
  readonly vpcCidr?: string;
  /**
   * The NixOS image: an AMI id (`ami-...`) built from this library's flake
   * (`nix build ./nix#amazon-image`) and registered once per account and region; the README
   * gives the commands.
   * @default - the newest AMI owned by the account named `ml-workspace-nixos-*`, looked up at plan time
   */
  readonly amiId?: string;
  /**
   * An instance type overriding the size preset, e.g. `g6e.xlarge`. Required for a GPU made
   * with `Gpu.of(...)`.
   * @default - from the size preset and GPU
   */
  readonly instanceType?: string;
  /**
   * A KMS key ARN encrypting the root and home volumes and the workspace's secrets.
   * @default - the AWS-managed keys (`aws/ebs`, `aws/secretsmanager`)
   */
  readonly kmsKeyArn?: string;
  /**
   * Accept a `region` this release does not list (a region newer than it); otherwise a name
   * outside the list is refused with the closest listed one, as a typo would fail at apply.
   * @default false
   */
  readonly allowUnlistedRegion?: boolean;
  /**
   * The account's quota "Inbound or outbound rules per security group" when raised above AWS's
   * default of 60 (Service Quotas, per region; 60–1000). Public access takes one inbound rule
   * per distinct allowed range, plus one for port 80 with Let's Encrypt; more than the quota
   * is refused at synthesis, as AWS would refuse it at apply.
   * @default 60
   */
  readonly securityGroupRulesQuota?: number;
}

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
 * The cloud a construct deploys to, with that cloud's placement. Choose one with a static
 * factory: `CloudTarget.gcp({ project, region, zone })`, `CloudTarget.aws({ region })` or
 * `CloudTarget.azure({ location, imageId, keyVaultAllowedCidrs })`.
 */
export class CloudTarget {
  /** Google Cloud. */
  public static gcp(options: GcpTargetOptions): CloudTarget {
    requireShapes('CloudTarget.gcp', options, '{ project, region, zone }', {
      project: 'string',
      region: 'string',
      zone: 'string',
      machineType: 'string',
      network: 'string',
      subnetwork: 'string',
      subnetCidr: 'string',
      image: 'string',
      kmsKeyName: 'string',
      allowUnlistedRegion: 'boolean',
    });
    return new CloudTarget(Cloud.GCP, { ...options }, undefined, undefined);
  }

  /** Amazon Web Services. */
  public static aws(options: AwsTargetOptions): CloudTarget {
    requireShapes('CloudTarget.aws', options, '{ region }', {
      region: 'string',
      availabilityZone: 'string',
      vpcId: 'string',
      subnetId: 'string',
      vpcCidr: 'string',
      amiId: 'string',
      instanceType: 'string',
      kmsKeyArn: 'string',
      allowUnlistedRegion: 'boolean',
      securityGroupRulesQuota: 'number',
    });
    return new CloudTarget(Cloud.AWS, undefined, { ...options }, undefined);
  }

  /** Microsoft Azure. */
  public static azure(options: AzureTargetOptions): CloudTarget {
    requireShapes('CloudTarget.azure', options, '{ location, imageId, keyVaultAllowedCidrs }', {
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
    return new CloudTarget(Cloud.AZURE, undefined, undefined, { ...options });
  }

  private constructor(
    /** The cloud. */
    public readonly cloud: Cloud,
    /** Google Cloud placement, for `Cloud.GCP`. */
    public readonly gcpOptions: GcpTargetOptions | undefined,
    /** AWS placement, for `Cloud.AWS`. */
    public readonly awsOptions: AwsTargetOptions | undefined,
    /** Azure placement, for `Cloud.AZURE`. */
    public readonly azureOptions: AzureTargetOptions | undefined,
  ) {}
}
