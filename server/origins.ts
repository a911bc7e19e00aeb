// Which browser pages may talk to this server: the check of the `Origin` header on the
// Socket.IO handshake and on the API's state-changing requests (cross-site WebSocket
// hijacking and cross-site request forgery).
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

/** Whether a request carrying `origin` (the Origin header) and `host` (the Host header) may go on. */
export type OriginCheck = (origin: string | undefined, host: string | undefined) => boolean;

/**
 * The check for a policy, its origins worked out once. No Origin at all is allowed: the header
 * protects browsers, which always send it on WebSocket handshakes and on POST/DELETE; a client
 * without one (socket.io-client in Node, a bot, curl) could forge any header anyway and still
 * needs the facilitator key or a participant token.
 */
export function originCheck(policy: OriginPolicy): OriginCheck {
  const own = policy.publicUrl ? originOf(policy.publicUrl) : null;
  const allowed = new Set([own, ...(policy.allowedOrigins ?? []).map(originOf)].filter((o): o is string => o !== null));
  return (origin, host) => {
    if (origin === undefined) return true;
    const page = originOf(origin);
    // "null" (a sandboxed frame, a file) or garbage: a browser page we cannot place.
    if (page === null) return false;
    if (allowed.has(page)) return true;
    if (policy.publicUrl || !host) return false;
    // Without PUBLIC_URL the app is reached by whatever address the room uses (localhost, a LAN
    // IP, a name): a page may talk to the host it was loaded from.
    const url = new URL(page);
    try {
      return new URL(`${url.protocol}//${host}`).host === url.host;
    } catch {
      return false;
    }
  };
}
