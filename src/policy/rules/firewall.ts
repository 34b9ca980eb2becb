/** Source ranges that mean "the whole internet". */
const ANYWHERE = ['0.0.0.0/0', '::/0'];

/** A GCP firewall rule admitting traffic from the whole internet (IPv4 or IPv6). @internal */
export function isIngressFromAnywhere(type: string, config: Record<string, any>): boolean {
  return (
    type === 'google_compute_firewall' &&
    (config.direction ?? 'INGRESS') === 'INGRESS' &&
    (config.source_ranges ?? []).some((r: string) => ANYWHERE.includes(r))
  );
}
