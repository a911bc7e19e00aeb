// Web links in free text (an activity's introduction): found in the text, never taken as markup.
// Only http(s) addresses become links; everything else stays text for each renderer to escape.

export type Segment = { text: string } | { text: string; href: string };

/** An address as people paste it: up to a space, a quote or an angle bracket. */
const ADDRESS = /\bhttps?:\/\/[^\s<>"'`”’]+/gi;
/** Punctuation that ends a sentence rather than the address ("se https://x.se/plan."). */
const TRAILING = /[.,;:!?*_]+$/;

/** The address without what closes the sentence around it: a trailing dot, an unopened bracket. */
function trimmed(address: string): string {
  let out = address.replace(TRAILING, '');
  for (const [open, close] of [['(', ')'], ['[', ']']]) {
    while (out.endsWith(close) && out.split(close).length > out.split(open).length) out = out.slice(0, -1).replace(TRAILING, '');
  }
  return out;
}

/** The address as a link target, or null when it is no web address with a host. */
function webHref(address: string): string | null {
  try {
    const url = new URL(address);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname ? url.href : null;
  } catch {
    return null;
  }
}

/** The text cut into plain runs and links, in order; joined, the runs' texts are the text. */
export function linkify(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(ADDRESS)) {
    const address = trimmed(match[0]);
    const href = webHref(address);
    if (!href) continue;
    if (match.index > last) out.push({ text: text.slice(last, match.index) });
    out.push({ text: address, href });
    last = match.index + address.length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

export const isLink = (segment: Segment): segment is Segment & { href: string } => 'href' in segment;
