// The facilitator's plan for breakout rooms before opening. The split itself is shared
// (`planSplit` in shared/workshop/rooms.ts), so the HTTP breakout preview deals the same.
export { planSplit, type Moves, type Split } from '../../../shared/workshop/rooms.ts';

/** A video link the server accepts: empty, or http(s) with no spaces. */
export function isVideoUrl(url: string): boolean {
  return /^(https?:\/\/\S+)?$/.test(url.trim());
}
