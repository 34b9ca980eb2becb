import { Token } from 'cdktf';
import { WorkspaceAccess, WorkspaceTls } from 'cdktf-ml-workspace';
import { addressSpaceShare } from 'cdktf-ml-workspace/lib/core/cidr';
import { buildError, gcpWorkspace } from '../util';

const publicTo = (allowedCidrs: string[], allowBroadRanges?: boolean) => ({
  access: WorkspaceAccess.public({ allowedCidrs, allowBroadRanges }),
  tls: WorkspaceTls.selfSigned(),
});
const httpsSources = (allowedCidrs: string[], allowBroadRanges?: boolean) =>
  (Object.values(gcpWorkspace(publicTo(allowedCidrs, allowBroadRanges)).of('google_compute_firewall')) as any[]).find((r) => r.name === 'alice-https')
    .source_ranges;

const BROAD = (share: string, family: 'IPv4' | 'IPv6', width: string) =>
  `together cover ${share} of the ${family} internet, more than one ${width}, and the IDE is a shell on the machine; list the ranges people come from (an office or VPN), use WorkspaceAccess.private(), or set allowBroadRanges: true to accept the exposure`;

describe('access.allowedCidrs: how much of the internet may reach the IDE', () => {
  it.each<[string, string[], string]>([
    ['the whole IPv4 internet', ['0.0.0.0/0'], `GpuWorkspace 'alice': access.allowedCidrs ["0.0.0.0/0"] ${BROAD('100%', 'IPv4', '/8')}`],
    ['two halves', ['0.0.0.0/1', '128.0.0.0/1'], `GpuWorkspace 'alice': access.allowedCidrs ["0.0.0.0/1","128.0.0.0/1"] ${BROAD('100%', 'IPv4', '/8')}`],
    ['two /8s', ['10.0.0.0/8', '11.0.0.0/8'], `GpuWorkspace 'alice': access.allowedCidrs ["10.0.0.0/8","11.0.0.0/8"] ${BROAD('0.78%', 'IPv4', '/8')}`],
    ['a /7', ['10.0.0.0/7'], `GpuWorkspace 'alice': access.allowedCidrs ["10.0.0.0/7"] ${BROAD('0.78%', 'IPv4', '/8')}`],
  ])('%s is refused without the opt-in', (_name, cidrs, message) => {
    expect(buildError(publicTo(cidrs))).toBe(message);
  });

  test('one /8 (and overlapping ranges inside it) is accepted: overlap is not counted twice', () => {
    expect(httpsSources(['10.0.0.0/8', '10.1.0.0/16', '10.0.0.0/9'])).toEqual(['10.0.0.0/8', '10.1.0.0/16', '10.0.0.0/9']);
    expect(addressSpaceShare(['10.0.0.0/8', '10.1.0.0/16', '10.0.0.0/9'], 'ipv4')).toBeCloseTo(1 / 256, 6);
  });

  test('allowBroadRanges: true accepts the internet, as written', () => {
    expect(httpsSources(['0.0.0.0/0'], true)).toEqual(['0.0.0.0/0']);
  });

  test('an IPv6 range is refused: the workspace has no IPv6 address (and GCP refuses rules mixing the two)', () => {
    expect(buildError(publicTo(['203.0.113.0/24', '2001:db8::/48']))).toBe(
      "GpuWorkspace 'alice': access.allowedCidrs '2001:db8::/48' is an IPv6 range, and the workspace has no IPv6 address on GCP; list the IPv4 ranges people come from (their IPv6 traffic reaches it over IPv4 from the same networks, or not at all)",
    );
    expect(buildError(publicTo(['::/0'], true))).toMatch(/^GpuWorkspace 'alice': access.allowedCidrs '::\/0' is an IPv6 range/);
  });
});

describe('access.allowedCidrs: every range means one thing', () => {
  const LEADING_ZEROS = "has leading zeros, which some tools read as octal and others as decimal; write the range without them, e.g. '10.0.0.0/8'";
  it.each<[string, string]>([
    ['010.0.0.0/8', LEADING_ZEROS],
    ['10.0.0.0/08', LEADING_ZEROS],
    ['0.0.0.0/00', LEADING_ZEROS],
    ['0x0a.0.0.0/8', "is not a CIDR range; write it like '203.0.113.0/24' or '2001:db8::/48'"],
    ['10.0.0.0/33', "is not a CIDR range; write it like '203.0.113.0/24' or '2001:db8::/48'"],
    ['2001:db8::/129', "is not a CIDR range; write it like '203.0.113.0/24' or '2001:db8::/48'"],
    [' 10.0.0.0/8', "is not a CIDR range; write it like '203.0.113.0/24' or '2001:db8::/48'"],
    ['10.0.0.0/8\n', "is not a CIDR range; write it like '203.0.113.0/24' or '2001:db8::/48'"],
    ['١٠.0.0.0/8', "is not a CIDR range; write it like '203.0.113.0/24' or '2001:db8::/48'"],
    ['10.0.0.0', "is not a CIDR range; write it like '203.0.113.0/24' or '2001:db8::/48'"],
    ['', "is not a CIDR range; write it like '203.0.113.0/24' or '2001:db8::/48'"],
    ["10.0.0.0/8' OR '1", "is not a CIDR range; write it like '203.0.113.0/24' or '2001:db8::/48'"],
  ])('%j is refused', (cidr, problem) => {
    expect(buildError(publicTo([cidr]))).toBe(`GpuWorkspace 'alice': access.allowedCidrs ${JSON.stringify(cidr).replace(/^"|"$/g, "'")} ${problem}`.replace(/'(.*)\\n'/, "'$1\n'"));
  });

  test('a range given twice is emitted once', () => {
    expect(httpsSources(['198.51.100.0/24', '203.0.113.0/24', '203.0.113.0/24'])).toEqual(['198.51.100.0/24', '203.0.113.0/24']);
  });

  test('a range known only at apply time is passed through', () => {
    const range = Token.asString({ Ref: 'office' });
    expect(() => gcpWorkspace(publicTo([range]))).not.toThrow();
  });
});

test("only allowBroadRanges: true opts in; a truthy value such as 'false' is refused, not taken as yes", () => {
  expect(() => WorkspaceAccess.public({ allowedCidrs: ['0.0.0.0/0'], allowBroadRanges: 'false' as unknown as boolean })).toThrow(
    "WorkspaceAccess.public: allowBroadRanges 'false' must be true or false",
  );
});
