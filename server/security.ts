// The security headers of every HTTP answer: helmet's defaults and a Content-Security-Policy
// that lets the pages load and talk to this server only.
import { createHash } from 'node:crypto';
import helmet from 'helmet';
import { STYLE as SUMMARY_STYLE } from './export/html.ts';

const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * Nothing but files of this server. Why each part is as it is:
 * - connect-src 'self' also covers the Socket.IO WebSocket (ws:/wss: of the same host, CSP 3).
 * - style-src 'self': the client's CSS is all in built files; Svelte's `style:` directives set
 *   styles through the CSSOM (`el.style`), which CSP does not govern, so no inline attributes.
 * - style-src-elem adds one hash: the facilitator's summary preview is an `<iframe srcdoc>`,
 *   which inherits this policy, and its page has one inline `<style>` (server/export/html.ts).
 *   Any other inline stylesheet, a note's text included, stays refused.
 * - img-src 'self': the QR code is an SVG from the API and the icon is /favicon.svg (a `data:`
 *   icon would need img-src data:).
 * - No upgrade-insecure-requests: in the room the app is often served over plain http on the LAN.
 */
const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
  'style-src-elem': ["'self'", hash(SUMMARY_STYLE)],
  'img-src': ["'self'"],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'frame-ancestors': ["'self'"],
  'form-action': ["'self'"],
};

/** helmet for the app; HSTS only when the app is served over https (PUBLIC_URL says so). */
export function securityHeaders(publicUrl: string | null) {
  const https = publicUrl?.startsWith('https://') ?? false;
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    strictTransportSecurity: https,
  });
}
