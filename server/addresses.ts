// Whom a per-address limit counts: an IPv4 address as it is, an IPv6 address by its /64 (one
// home, phone or office network is given a whole /64, so counting single IPv6 addresses
// would let one of them make up millions), an IPv4-mapped IPv6 address as the IPv4 it is.
import { isIPv4, isIPv6 } from 'node:net';

/** Expand an IPv6 address to its eight groups (no zone, no embedded IPv4 left). */
function ipv6Groups(address: string): number[] | null {
  let text = address.split('%')[0].toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1].split('.').map(Number);
    text = text.slice(0, -v4[1].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  if (text.includes('::') ? missing < 1 : missing !== 0) return null;
  const groups = [...left, ...Array(text.includes('::') ? missing : 0).fill('0'), ...right].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : null;
}

/** The key an address is counted under. */
export function addressKey(address: string | undefined): string {
  if (!address) return 'unknown';
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return address;
  const groups = ipv6Groups(address);
  if (!groups) return address;
  // ::ffff:a.b.c.d is an IPv4 client on a dual-stack socket.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff)
    return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}

/**
 * The client's address behind trusted proxies, as Express's `req.ip` finds it: walk the
 * X-Forwarded-For chain from the nearest hop while `trust` vouches for each. For the socket's
 * handshake, which Express never sees.
 */
export function clientAddress(
  remote: string | undefined,
  forwardedFor: string | string[] | undefined,
  trust: (address: string, hop: number) => boolean,
): string | undefined {
  const listed = [forwardedFor ?? []].flat().join(',').split(',').map((part) => part.trim()).filter(Boolean);
  const chain = [remote ?? '', ...listed.reverse()];
  for (let hop = 0; hop < chain.length - 1; hop++) if (!trust(chain[hop], hop)) return chain[hop] || undefined;
  return chain[chain.length - 1] || undefined;
}
