import { PolicyLevel } from '../level';
import { oneOf, outcome, PolicyRule, ResolvedResource } from '../rule';
import { fromInternet } from './firewall';
const allProtocols = (p: unknown) => ['-1', 'all'].includes(String(p).toLowerCase());

/** MLW-NET4: egress to the internet is limited to the ports the workspace needs. */
export const NET4: PolicyRule = {
  id: 'MLW-NET4',
  level: PolicyLevel.WARNING,
  explanation: 'A security group lets every protocol and port out to the internet (ranges covering more than an IPv4 /8 or IPv6 /32).',
  why: 'A workspace needs HTTPS out (packages, sources, certificates, cloud APIs); all ports out makes exfiltration and command-and-control channels easy.',
  appliesTo: oneOf('aws_vpc_security_group_egress_rule', 'aws_security_group'),
  check: ({ type, config }: ResolvedResource) => {
    if (type === 'aws_vpc_security_group_egress_rule') {
      const applies = fromInternet([config.cidr_ipv4, config.cidr_ipv6]);
      return outcome(applies, !allProtocols(config.ip_protocol));
    }
    if (type === 'aws_security_group') {
      const open = (config.egress ?? []).filter((e: any) =>
        fromInternet([...(e.cidr_blocks ?? []), ...(e.ipv6_cidr_blocks ?? [])]),
      );
      return outcome(open.length > 0, !open.some((e: any) => allProtocols(e.protocol)));
    }
    return outcome(false, true);
  },
};
