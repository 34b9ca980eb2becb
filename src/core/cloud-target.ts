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
}

/** Where and how to place a workspace on Azure. */
export interface AzureTargetOptions {
  /** The region, e.g. `westeurope`. */
  readonly location: string;
  /**
   * The NixOS image: a managed image or image gallery version id, built from this library's
   * flake (`nix build ./nix#azure-image`) and uploaded once; the README gives the commands.
   * Azure has no official NixOS image, so this is required.
   */
  readonly imageId?: string;
  /**
   * An existing resource group to create the workspace in.
   * @default - a resource group `<workspace>-rg` is created
   */
  readonly resourceGroupName?: string;
  /**
   * An existing subnet id. It must reach the internet (Nix fetches packages).
   * @default - a virtual network and subnet are created, with `vnetCidr`
   */
  readonly subnetId?: string;
  /**
   * The address space of the virtual network the construct creates. The workspace subnet takes
   * its first /24, Azure Bastion (private mode) the second /26.
   * @default '10.42.0.0/16'
   */
  readonly vnetCidr?: string;
  /**
   * A VM size overriding the size preset, e.g. `Standard_NC16as_T4_v3`. Required for a GPU
   * made with `Gpu.of(...)`.
   * @default - from the size preset and GPU
   */
  readonly vmSize?: string;
  /**
   * The OpenSSH public key of the VM's admin account (break-glass access through Azure Bastion).
   * @default - a key pair is generated; its private key is kept in the workspace's Key Vault
   */
  readonly adminSshPublicKey?: string;
  /**
   * An existing Key Vault (resource id) holding the SSO client secret named by
   * `WorkspaceAuth.sso({ clientSecretName })`. Required with SSO on Azure.
   * @default - none
   */
  readonly ssoKeyVaultId?: string;
}

/**
 * The cloud a construct deploys to, with that cloud's placement. Choose one with a static
 * factory: `CloudTarget.gcp({ project, region, zone })`, `CloudTarget.aws({ region })` or
 * `CloudTarget.azure({ location, imageId })`.
 */
export class CloudTarget {
  /** Google Cloud. */
  public static gcp(options: GcpTargetOptions): CloudTarget {
    return new CloudTarget(Cloud.GCP, { ...options }, undefined, undefined);
  }

  /** Amazon Web Services. */
  public static aws(options: AwsTargetOptions): CloudTarget {
    return new CloudTarget(Cloud.AWS, undefined, { ...options }, undefined);
  }

  /** Microsoft Azure. */
  public static azure(options: AzureTargetOptions): CloudTarget {
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
