// Where a rest-hook Subscription may POST (SSRF rule, as for a client's jwks_uri): https to public addresses;
// loopback (over http too) only when SUBSCRIPTION_ALLOW_LOOPBACK=true (tests, local development). Private,
// link-local and other special-use addresses are refused always. Checked when the Subscription is written (on the
// URL alone: no DNS lookup while a write waits, and a name that does not resolve yet is the delivery's concern) and
// again, with the name resolved (at most DNS_TIMEOUT_MS), before every POST (a name may resolve elsewhere later).
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

const SPECIAL = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  SPECIAL.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const)
  SPECIAL.addSubnet(net, bits, 'ipv6');

/** IPv4-mapped IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it carries. */
function normalized(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1], family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

const DNS_TIMEOUT_MS = 2000;

/** The addresses of `host`, or undefined when it does not resolve within DNS_TIMEOUT_MS. */
async function addressesOf(host: string): Promise<string[] | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, DNS_TIMEOUT_MS, undefined);
  });
  try {
    return await Promise.race([
      lookup(host, { all: true }).then(
        (all) => all.map((a) => a.address),
        () => undefined,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Why `endpoint` may not receive notifications, or undefined when it may. With `resolve: false` (a write) a host
 * name is judged by its name only (`localhost` is loopback); address literals are judged the same either way.
 */
export async function endpointProblem(
  endpoint: string,
  allowLoopback: boolean,
  opts: { resolve: boolean } = { resolve: true },
): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return `'${endpoint}' is not an absolute URL`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `the endpoint must be an https URL, not ${url.protocol}`;
  if (url.username || url.password) return 'the endpoint URL may not carry credentials (send them in channel.header)';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const named = isIP(host) === 0;
  const localName = host === 'localhost' || host.endsWith('.localhost');
  let addresses: string[] | undefined;
  if (!named) addresses = [host];
  else if (!opts.resolve) addresses = localName ? ['127.0.0.1'] : [];
  else addresses = await addressesOf(host);
  if (addresses === undefined) return `the endpoint host '${host}' does not resolve`;
  const loopback = addresses.filter((a) => {
    const n = normalized(a);
    return LOOPBACK.check(n.address, n.family);
  });
  const special = addresses.filter((a) => {
    const n = normalized(a);
    return SPECIAL.check(n.address, n.family);
  });
  if (special.length > 0)
    return `the endpoint host '${host}' is a private or special-use address (${special[0]}); notifications go to public addresses only`;
  if (loopback.length > 0) {
    if (!allowLoopback) return `the endpoint host '${host}' is a loopback address; notifications go to public addresses only`;
    return loopback.length === addresses.length ? undefined : `the endpoint host '${host}' resolves to loopback and other addresses`;
  }
  if (url.protocol !== 'https:')
    return 'the endpoint must use https (http is allowed only to loopback with SUBSCRIPTION_ALLOW_LOOPBACK=true)';
  return undefined;
}
