import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/** Express's `trust proxy` values: off, trust everything, a hop count, or the proxies' addresses / CIDRs. */
export type TrustProxy = boolean | number | string[];

// The names express accepts for common ranges.
const NAMED_RANGES: Record<string, string[]> = {
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** `::ffff:10.1.2.3` is the IPv4 client 10.1.2.3 on a dual-stack socket. */
const normalize = (address: string): string => {
  const trimmed = address.trim();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed);
  return mapped ? mapped[1]! : trimmed.toLowerCase();
};

export function parseTrustProxy(value: string): TrustProxy {
  const text = value.trim().toLowerCase();
  if (text === '' || text === 'false') return false;
  if (text === 'true') return true;
  if (/^\d+$/.test(text)) return Number(text);
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of entries) {
    if (NAMED_RANGES[entry]) continue;
    const [address, bits] = entry.split('/');
    const family = isIP(address ?? '');
    const maxBits = family === 6 ? 128 : 32;
    if (!family || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= maxBits))) {
      throw new Error(`not an address, CIDR or range name: ${entry}`);
    }
  }
  return entries;
}

function trustedList(entries: string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const entry of entries.flatMap((e) => NAMED_RANGES[e] ?? [e])) {
    const [address = '', bits] = entry.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return (address) => {
    const family = isIP(address);
    return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
  };
}

/**
 * The client's address as express's `req.ip` computes it for the same `trust proxy` setting: the socket's peer,
 * or, through trusted proxies only, the nearest untrusted address in `X-Forwarded-For`. One function for HTTP and
 * graphql-ws upgrades, so both count against the same bucket.
 */
export function clientIpResolver(trust: TrustProxy): (req: IncomingMessage) => string {
  const isTrusted =
    trust === true ? () => true : Array.isArray(trust) ? trustedList(trust) : (_address: string, hop: number) => hop < Number(trust);
  return (req) => {
    const peer = normalize(req.socket.remoteAddress ?? '');
    if (trust === false || trust === 0) return peer;
    const header = req.headers['x-forwarded-for'];
    const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map(normalize).filter(Boolean).reverse();
    // Nearest first: the peer, then each hop it claims to have forwarded for.
    const chain = [peer, ...forwarded];
    for (let hop = 0; hop < chain.length - 1; hop += 1) {
      if (!isTrusted(chain[hop]!, hop)) return chain[hop]!;
    }
    return chain[chain.length - 1]!;
  };
}

/** The bucket key of an address: IPv6 clients get a whole /64 each, so rotating addresses inside one does not help. */
export function addressKey(address: string): string {
  if (isIP(address) !== 6) return address;
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
