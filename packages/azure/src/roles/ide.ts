import { DnsARecord } from '@cdktf/provider-azurerm/lib/dns-a-record';
import { Fn } from 'cdktf';
import { tunnelLocalPort } from 'cdktf-ml-workspace/lib/core/access';
import { DnsMode } from 'cdktf-ml-workspace/lib/core/dns';
import { isKnown } from 'cdktf-ml-workspace/lib/core/validation';
import { SecretName } from 'cdktf-ml-workspace/lib/nixos/machine-config';
import { WorkspaceSpec } from 'cdktf-ml-workspace/lib/host/workspace-spec';
import { ideAuthSecrets, ideCertificate, ideDocument, ideIngress, ideSignIn } from 'cdktf-ml-workspace/lib/clouds/common/roles/ide';
import { AzureHost, AzureMachine } from '../host';

/** The IDE on an Azure host, before and after the VM exists. @internal */
export interface AzureIde {
  readonly domain: string;
  readonly url: string;
  /** The Azure DNS record and the sign-in command, once the VM exists. */
  finish(machine: AzureMachine): { readonly dnsRecord?: DnsARecord; readonly signIn: string };
}

/** Whether the IDE asks its host for the public IP's `cloudapp.azure.com` name. @internal */
export function azureIdeWantsDnsLabel(spec: WorkspaceSpec): boolean {
  return spec.dns.mode === DnsMode.AZURE_DOMAIN_LABEL;
}

/**
 * The IDE role on Azure: the shared part plus its name (the public IP's `cloudapp.azure.com`
 * name, an Azure DNS record, or the VM's internal name) and its sign-in, through an Azure
 * Bastion tunnel in private mode.
 *
 * @internal
 */
export function azureIde(host: AzureHost, spec: WorkspaceSpec): AzureIde {
  const { scope, name, internalHost, ipAddress, throughBastion } = host;
  ideIngress(host, spec);

  let domain: string;
  if (host.publicDnsName) {
    domain = host.publicDnsName;
  } else if (spec.dns.mode === DnsMode.ZONE) {
    domain = spec.dns.zone!.recordName.replace(/\.$/, '');
  } else {
    domain = internalHost;
  }

  const tokenSecret = ideAuthSecrets(host, spec);

  // Through the Bastion tunnel, on the workspace's own local port; otherwise the DNS name, or
  // the IP when there is none (the internal name resolves only inside the virtual network).
  const byAddress = !throughBastion && spec.dns.mode === DnsMode.NONE;
  const tunnelPort = tunnelLocalPort(name);
  const url = throughBastion ? `https://localhost:${tunnelPort}/` : `https://${byAddress ? ipAddress : domain}/`;
  const dnsNames = [domain, ...(domain === internalHost ? [] : [internalHost]), 'localhost'];
  ideCertificate(host, spec, domain, dnsNames, byAddress ? [ipAddress] : []);
  host.addToDocument(ideDocument(spec, domain, url));

  return {
    domain,
    url,
    finish: (machine) => {
      let dnsRecord: DnsARecord | undefined;
      const zone = spec.dns.mode === DnsMode.ZONE ? spec.dns.zone! : undefined;
      if (zone) {
        const zoneName = zone.zoneName.replace(/\.$/, '');
        const relative =
          isKnown(domain) && isKnown(zoneName)
            ? domain === zoneName
              ? '@'
              : domain.slice(0, domain.length - zoneName.length - 1)
            : Fn.trimsuffix(domain, `.${zoneName}`);
        dnsRecord = new DnsARecord(scope, 'DnsRecord', {
          name: relative,
          zoneName,
          resourceGroupName: zone.resourceGroupName ?? host.rg,
          ttl: zone.ttlSeconds ?? 300,
          records: [ipAddress],
          tags: spec.labels,
        });
      }
      const bastion = spec.network ? spec.network.name : name;
      const bastionGroup = host.shared ? host.shared.resourceGroupName : host.resourceGroupName;
      const tunnel = `az network bastion tunnel --name ${bastion}-bastion --resource-group ${bastionGroup} --target-resource-id ${machine.virtualMachine.id} --resource-port 443 --port ${tunnelPort}`;
      const readToken = tokenSecret
        ? `az keyvault secret show --vault-name ${host.keyVault.name} --name ${SecretName.CONNECTION_TOKEN} --query value -o tsv`
        : undefined;
      return { dnsRecord, signIn: ideSignIn(spec, url, readToken, throughBastion ? tunnel : undefined) };
    },
  };
}
