// Links that participants and the projector open. With PUBLIC_URL they use it; otherwise the
// address the facilitator's browser used, except that localhost becomes this machine's LAN
// address so that phones in the room can reach the QR code's link.
import { networkInterfaces } from 'node:os';
import type { Links } from '../shared/protocol.ts';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\]|::1)$/i;

export function lanAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) if (info.family === 'IPv4' && !info.internal) return info.address;
  }
  return null;
}

export interface RequestOrigin {
  protocol: string;
  /** The Host header: hostname and maybe a port. */
  host: string | undefined;
}

/** The base URL links should use, and the LAN host when it replaced localhost. */
export function baseUrl(publicUrl: string | null, origin: RequestOrigin): { base: string; lanHost: string | null } {
  if (publicUrl) return { base: publicUrl, lanHost: null };
  const host = origin.host && /^[\w.\-[\]:]+$/.test(origin.host) ? origin.host : 'localhost';
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
  const hostname = match?.[1] ?? 'localhost';
  const port = match?.[2];
  const protocol = origin.protocol === 'https' ? 'https' : 'http';
  if (LOOPBACK.test(hostname)) {
    const lan = lanAddress();
    if (lan) return { base: `${protocol}://${lan}${port ? `:${port}` : ''}`, lanHost: lan };
  }
  return { base: `${protocol}://${host}`, lanHost: null };
}

export function linksFor(base: string, lanHost: string | null, workshop: { id: string; joinCode: string }): Links {
  return {
    participantUrl: `${base}/j/${workshop.joinCode}`,
    projectorUrl: `${base}/p/${workshop.id}`,
    lanHost,
  };
}
