import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { tunnelLocalPort } from 'cdktf-ml-workspace/lib/core/access';
import { AwsTargetOptions } from '../target';
import { DnsMode } from 'cdktf-ml-workspace/lib/core/dns';
import { WorkspaceSpec } from 'cdktf-ml-workspace/lib/host/workspace-spec';
import { ideAuthSecrets, ideCertificate, ideDocument, ideIngress, ideSignIn } from 'cdktf-ml-workspace/lib/clouds/common/roles/ide';
import { AwsHost, AwsMachine } from '../host';

/** The IDE on an AWS host, before and after the instance exists. @internal */
export interface AwsIde {
  readonly domain: string;
  readonly url: string;
  /** The Route 53 record and the sign-in command, once the instance (and its address) exists. */
  finish(machine: AwsMachine): { readonly dnsRecord?: Route53Record; readonly signIn: string };
}

/**
 * The IDE role on AWS: the shared part plus its name (a Route 53 record, the Elastic IP's
 * public name, or `localhost` through Session Manager) and its sign-in, through a Session
 * Manager port forward in private mode.
 *
 * @internal
 */
export function awsIde(host: AwsHost, spec: WorkspaceSpec, target: AwsTargetOptions): AwsIde {
  const { scope, name, isPublic, elasticIp } = host;
  const { region } = target;
  ideIngress(host, spec);

  // Private workspaces without a zone are reached at localhost through a Session Manager tunnel.
  const domain =
    spec.dns.mode === DnsMode.ZONE ? spec.dns.zone!.recordName.replace(/\.$/, '') : elasticIp ? elasticIp.publicDns : 'localhost';
  const tokenSecret = ideAuthSecrets(host, spec) as SecretsmanagerSecret | undefined;

  // Public workspaces are reached at their name (Route 53 or the EIP's public DNS name), private
  // ones through their own local Session Manager port.
  const tunnelPort = tunnelLocalPort(name);
  const url = isPublic ? `https://${domain}/` : `https://localhost:${tunnelPort}/`;
  ideCertificate(host, spec, domain, domain === 'localhost' ? ['localhost'] : [domain, 'localhost']);
  host.addToDocument(ideDocument(spec, domain, url));

  return {
    domain,
    url,
    finish: (machine) => {
      const zoneOptions = spec.dns.zone;
      const dnsRecord = zoneOptions
        ? new Route53Record(scope, 'DnsRecord', {
          zoneId: zoneOptions.zoneName,
          name: domain,
          type: 'A',
          ttl: zoneOptions.ttlSeconds ?? 300,
          records: [machine.ipAddress],
        })
        : undefined;
      const tunnel = `aws ssm start-session --region ${region} --target ${machine.instance.id} --document-name AWS-StartPortForwardingSession --parameters portNumber=443,localPortNumber=${tunnelPort}`;
      const readToken = tokenSecret
        ? `aws secretsmanager get-secret-value --region ${region} --secret-id ${tokenSecret.arn} --query SecretString --output text`
        : undefined;
      return { dnsRecord, signIn: ideSignIn(spec, url, readToken, isPublic ? undefined : tunnel) };
    },
  };
}
