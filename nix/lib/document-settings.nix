# The settings a machine document may hold under `config`: exactly the NixOS
# options the TypeScript constructs render (src/nixos/machine-config.ts; a
# test keeps the two equal). Every other path is refused, and so is any value
# that is not plain JSON data (an object where a value belongs, or anything
# carrying `_type`, which the module system reads as mkOverride/mkIf/mkMerge).
#
#   (import ./document-settings.nix { cloud = "gcp"; }).problems documentConfig
#
# is the list of problems, empty when the document is acceptable; `paths`
# lists the settings (`<name>` standing for any attribute name).
{ cloud }:

let
  inherit (builtins)
    attrNames
    concatMap
    concatStringsSep
    isAttrs
    isList
    all
    ;

  # A leaf takes a JSON scalar, or a list of scalars.
  value = "value";
  isScalar = v: !(isAttrs v) && !(isList v);
  isPlain = v: isScalar v || (isList v && all isScalar v);

  settings = {
    networking.hostName = value;
    mlWorkspace = {
      workspace = {
        enable = value;
        domain = value;
        url = value;
        gpu.enable = value;
        home.device = value;
        ide.connectionTokenFile = value;
        tls = {
          acme.enable = value;
          acme.email = value;
          certificateFile = value;
          keyFile = value;
        };
        oauth2Proxy = {
          enable = value;
          provider = value;
          clientId = value;
          clientSecretFile = value;
          cookieSecretFile = value;
          oidcIssuerUrl = value;
          allowedEmails = value;
          allowedEmailDomains = value;
        };
      }
      # Azure's break-glass account, reached through Azure Bastion; on the
      # other clouds a document must not add an SSH login.
      // (if cloud == "azure" then { admin = { user = value; authorizedKeys = value; }; } else { });
      secrets = {
        enable = value;
        provider = value;
        secrets."<name>" = {
          source = value;
          owner = value;
          group = value;
        };
      };
      idleStop = {
        enable = value;
        cloud = value;
        idleMinutes = value;
        gpuUtilizationPercent = value;
        cpuLoadPerCore = value;
        maxRuntimeHours = value;
        activity = {
          workspace = value;
          owner = value;
        };
      };
    };
  };

  dotted = concatStringsSep ".";

  check =
    path: allowed: v:
    if allowed == value then
      (if isPlain v then [ ] else [ "config.${dotted path} must be a JSON string, number, boolean, null or list of those" ])
    else if !(isAttrs v) then
      [ "config.${dotted path} must be a JSON object" ]
    else
      concatMap (
        name:
        let
          next = allowed.${name} or allowed."<name>" or null;
        in
        if next == null then
          [ "config.${dotted (path ++ [ name ])} is not a setting a machine document may hold" ]
        else
          check (path ++ [ name ]) next v.${name}
      ) (attrNames v);
  leafPaths =
    prefix: tree:
    concatMap (
      name: if tree.${name} == value then [ (dotted (prefix ++ [ name ])) ] else leafPaths (prefix ++ [ name ]) tree.${name}
    ) (attrNames tree);
in
{
  paths = leafPaths [ ] settings;
  problems = check [ ] settings;
}
