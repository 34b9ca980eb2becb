{
  description = "NixOS modules for cdktf-ml-workspace: openvscode-server behind nginx and TLS, oauth2-proxy SSO, NVIDIA GPUs, cloud secrets and a metadata-driven bootstrap";

  # Pinned by commit (on nixos-25.11); flake.lock adds the NAR hash.
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/8fd9daa3db09ced9700431c5b7ad0e8ba199b575";

  outputs =
    { self, nixpkgs }:
    let
      system = "x86_64-linux";
      pkgs = nixpkgs.legacyPackages.${system};
    in
    {
      nixosModules = {
        workspace = ./modules/workspace.nix;
        secrets = ./modules/secrets.nix;
        idleStop = ./modules/idle-stop.nix;
        bootstrap = ./modules/bootstrap.nix;
        default = {
          imports = [
            self.nixosModules.workspace
            self.nixosModules.secrets
            self.nixosModules.idleStop
          ];
        };
      };

      # The GCE base image: plain NixOS plus the bootstrap, which configures
      # each VM from the machine document in its instance metadata.
      nixosConfigurations.gce-base = nixpkgs.lib.nixosSystem {
        modules = [
          (nixpkgs + "/nixos/modules/virtualisation/google-compute-image.nix")
          self.nixosModules.bootstrap
          {
            nixpkgs.hostPlatform = system;
            mlWorkspace.bootstrap.enable = true;
            mlWorkspace.bootstrap.cloud = "gcp";
            mlWorkspace.bootstrap.trustedNixpkgsRevisions = [ nixpkgs.rev ];
            # UEFI, so the image runs as a Shielded VM (vTPM, integrity monitoring); Secure
            # Boot stays off on the instance: the boot loader and NVIDIA driver are unsigned.
            virtualisation.googleComputeImage.efi = true;
            system.stateVersion = "25.11";
          }
        ];
      };

      # The AWS and Azure base images: the same bootstrap, reading the machine
      # document from user data. nixpkgs' image modules (`image.modules.amazon`,
      # `image.modules.azure`) add each cloud's image profile when building.
      nixosConfigurations.amazon-base = nixpkgs.lib.nixosSystem {
        modules = [
          self.nixosModules.bootstrap
          {
            nixpkgs.hostPlatform = system;
            mlWorkspace.bootstrap.enable = true;
            mlWorkspace.bootstrap.cloud = "aws";
            mlWorkspace.bootstrap.trustedNixpkgsRevisions = [ nixpkgs.rev ];
            system.stateVersion = "25.11";
          }
        ];
      };

      nixosConfigurations.azure-base = nixpkgs.lib.nixosSystem {
        modules = [
          self.nixosModules.bootstrap
          {
            nixpkgs.hostPlatform = system;
            mlWorkspace.bootstrap.enable = true;
            mlWorkspace.bootstrap.cloud = "azure";
            mlWorkspace.bootstrap.trustedNixpkgsRevisions = [ nixpkgs.rev ];
            # Generation 2 (UEFI): every size the library picks runs it, and the A100
            # and H100 sizes run nothing else. Register the image with V2.
            image.modules.azure.virtualisation.azureImage.vmGeneration = "v2";
            system.stateVersion = "25.11";
          }
        ];
      };

      packages.${system} = {
        gce-image = self.nixosConfigurations.gce-base.config.system.build.googleComputeImage;
        # A VHD for `aws ec2 import-snapshot` + `register-image` (README: "AWS image").
        amazon-image = self.nixosConfigurations.amazon-base.config.system.build.images.amazon;
        # A fixed-size Generation 2 VHD for an Azure managed image (README: "Azure image").
        azure-image = self.nixosConfigurations.azure-base.config.system.build.images.azure;
      };

      checks.${system} = {
        workspace = import ./tests/workspace.nix { inherit pkgs; };
        idle-stop = import ./tests/idle-stop.nix { inherit pkgs; };
      }
      # Each cloud's machine, evaluated against the pinned nixpkgs itself: the image profile,
      # the bootstrap and a rendered sample document (tests/documents, kept equal to what the
      # constructs render by the TypeScript tests), the same module list the bootstrap builds
      # (lib/machine-modules.nix), up to the system's derivation. Nothing is built: the check
      # only records the derivation path, so it fails exactly when evaluation fails (an
      # option that does not exist, a wrong type, a conflict, a failed assertion).
      // builtins.listToAttrs (
        map (
          cloud:
          let
            machine = nixpkgs.lib.nixosSystem {
              modules =
                import ./lib/machine-modules.nix {
                  inherit cloud;
                  machineJson = ./tests/documents + "/${cloud}.json";
                  nixosModulesPath = nixpkgs + "/nixos/modules";
                  trustedNixpkgsRevisions = [ nixpkgs.rev ];
                }
                ++ [ { nixpkgs.hostPlatform = system; } ];
            };
          in
          {
            name = "eval-${cloud}";
            value = pkgs.writeText "ml-workspace-eval-${cloud}" (
              builtins.unsafeDiscardStringContext machine.config.system.build.toplevel.drvPath
            );
          }
        ) [ "gcp" "aws" "azure" ]
      );
    };
}
