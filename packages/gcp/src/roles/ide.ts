import { DnsRecordSet } from '@cdktf/provider-google/lib/dns-record-set';
import { EndpointsService } from '@cdktf/provider-google/lib/endpoints-service';
import { Id } from '@cdktf/provider-random/lib/id';
import { tunnelLocalPort } from 'cdktf-ml-workspace/lib/core/access';
import { GcpTargetOptions } from '../target';
import { DnsMode } from 'cdktf-ml-workspace/lib/core/dns';
import { SecretName } from 'cdktf-ml-workspace/lib/nixos/machine-config';
import { WorkspaceSpec } from 'cdktf-ml-workspace/lib/host/workspace-spec';
import { ideAuthSecrets, ideCertificate, ideDocument, ideIngress, ideSignIn } from 'cdktf-ml-workspace/lib/clouds/common/roles/ide';
import { GcpHost, GcpMachine } from '../host';

/** The IDE on a GCP host, before and after the VM exists. @internal */
export interface GcpIde {
  readonly domain: string;
  readonly url: string;
  readonly endpointsService?: EndpointsService;
  /** The DNS record and the sign-in command, once the VM (and its address) exists. */
  finish(machine: GcpMachine): { readonly dnsRecord?: DnsRecordSet; readonly signIn: string };
}

/**
 * The IDE role on Google Cloud: the shared part (ingress, secrets, certificate, document
 * settings) plus its name (a Cloud Endpoints name, a Cloud DNS record, or the VM's internal
 * name) and its sign-in through an IAP tunnel in private mode.
 *
 * @internal
 */
export function gcpIde(host: GcpHost, spec: WorkspaceSpec, target: GcpTargetOptions): GcpIde {
  const { scope, name, isPublic, address, internalHost } = host;
  const { project, zone } = target;
  ideIngress(host, spec);

  // --- DNS -----------------------------------------------------------------------------------
  let endpointsService: EndpointsService | undefined;
  let domain: string;
  if (spec.dns.mode === DnsMode.CLOUD_ENDPOINTS) {
    const suffix = new Id(scope, 'EndpointsSuffix', { byteLength: 2, keepers: { project, workspace: name } });
    domain = `${name}-${suffix.hex}.endpoints.${project}.cloud.goog`;
    endpointsService = new EndpointsService(scope, 'Endpoints', {
      project,
      serviceName: domain,
      openapiConfig: [
        'swagger: "2.0"',
        'info:',
        `  title: "ML workspace ${name}"`,
        '  version: "1.0.0"',
        `host: "${domain}"`,
        'x-google-endpoints:',
        `- name: "${domain}"`,
        `  target: "${address ? address.address : ''}"`,
        'paths: {}',
        '',
      ].join('\n'),
      dependsOn: [host.api('servicemanagement.googleapis.com'), host.api('servicecontrol.googleapis.com'), host.api('endpoints.googleapis.com')],
    });
  } else if (spec.dns.mode === DnsMode.ZONE) {
    domain = spec.dns.zone!.recordName.replace(/\.$/, '');
  } else {
    domain = internalHost;
  }

  const tokenSecret = ideAuthSecrets(host, spec);

  // --- the address people open ------------------------------------------------------------------
  // A public workspace without a DNS name is reached by its address (the internal host name
  // resolves only inside the VPC); a private one through its own local tunnel port.
  const byAddress = isPublic && domain === internalHost;
  const tunnelPort = tunnelLocalPort(name);
  const url = !isPublic ? `https://localhost:${tunnelPort}/` : `https://${byAddress ? address!.address : domain}/`;
  const dnsNames = [domain, ...(domain === internalHost ? [] : [internalHost]), 'localhost'];
  ideCertificate(host, spec, domain, dnsNames, byAddress ? [address!.address] : []);
  host.addToDocument(ideDocument(spec, domain, url));

  return {
    domain,
    url,
    endpointsService,
    finish: (machine) => {
      const zoneOptions = spec.dns.zone;
      const dnsRecord = zoneOptions
        ? new DnsRecordSet(scope, 'DnsRecord', {
          project,
          managedZone: zoneOptions.zoneName,
          name: `${domain}.`,
          type: 'A',
          ttl: zoneOptions.ttlSeconds ?? 300,
          rrdatas: [machine.ipAddress],
          dependsOn: [host.api('dns.googleapis.com')],
        })
        : undefined;
      const tunnel = `gcloud compute start-iap-tunnel ${name} 443 --local-host-port=localhost:${tunnelPort} --zone=${zone} --project=${project}`;
      const readToken = tokenSecret ? `gcloud secrets versions access latest --secret=${name}-${SecretName.CONNECTION_TOKEN} --project=${project}` : undefined;
      return { dnsRecord, signIn: ideSignIn(spec, url, readToken, isPublic ? undefined : tunnel) };
    },
  };
}
