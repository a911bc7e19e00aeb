// Which browser pages may talk to this server: the check of the `Origin` header on the
// Socket.IO handshake and on the API's state-changing requests (cross-site WebSocket
// hijacking and cross-site request forgery).
import type { IncomingMessage } from 'node:http';

export interface OriginPolicy {
  /** PUBLIC_URL, when set: its origin is the app's own, and the request's Host no longer counts. */
  publicUrl: string | null;
  /** ALLOWED_ORIGINS: further origins, e.g. an intranet page that embeds the app. */
  allowedOrigins?: readonly string[];
}

/** `https://Verkstad.Region.se:443/x` → `https://verkstad.region.se`; null when it is not an http(s) URL. */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return /^https?:$/.test(parsed.protocol) ? parsed.origin : null;
  } catch {
    return null;
  }
}

/**
 * Whether a request carrying `origin` (the Origin header) and `host` (the Host header) may go on.
 * No Origin at all is allowed: the header protects browsers, which always send it on WebSocket
 * handshakes and on POST/DELETE; a client without one (socket.io-client in Node, a bot, curl)
 * could forge any header anyway and still needs the facilitator key or a participant token.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, policy: OriginPolicy): boolean {
  if (origin === undefined) return true;
  const own = originOf(origin);
  // "null" (a sandboxed frame, a file) or garbage: a browser page we cannot place.
  if (own === null) return false;
  if (policy.publicUrl && own === originOf(policy.publicUrl)) return true;
  if (policy.allowedOrigins?.some((allowed) => originOf(allowed) === own)) return true;
  if (policy.publicUrl || !host) return false;
  // Without PUBLIC_URL the app is reached by whatever address the room uses (localhost, a LAN
  // IP, a name): a page may talk to the host it was loaded from.
  const page = new URL(own);
  try {
    return new URL(`${page.protocol}//${host}`).host === page.host;
  } catch {
    return false;
  }
}

/** The same check for a raw Node request (the Socket.IO handshake). */
export function requestOriginAllowed(req: IncomingMessage, policy: OriginPolicy): boolean {
  return originAllowed(req.headers.origin, req.headers.host, policy);
}
