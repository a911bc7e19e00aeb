// A tiny router on location.pathname (and /new's ?from=): six routes, history.pushState, no library.

export type Route =
  | { name: 'home' }
  /** `from`: the workshop whose next meeting is planned (`/new?from=<id>`). */
  | { name: 'create'; from: string | null }
  | { name: 'join'; code: string }
  | { name: 'facilitator'; workshopId: string }
  | { name: 'projector'; workshopId: string }
  /** The accessibility statement (tillgänglighetsredogörelse). */
  | { name: 'accessibility' }
  | { name: 'notFound' };

/** decodeURIComponent that gives null for a malformed address instead of a blank page. */
export function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/** A workshop id as the server makes them; anything else in ?from= is ignored. */
const WORKSHOP_ID = /^[A-Za-z0-9_-]{6,40}$/;

export function parseRoute(pathname: string, search = ''): Route {
  const decoded = pathname.split('/').filter(Boolean).map(safeDecode);
  if (decoded.includes(null)) return { name: 'notFound' };
  const parts = decoded as string[];
  if (parts.length === 0) return { name: 'home' };
  if (parts.length === 1 && parts[0] === 'new') {
    const from = new URLSearchParams(search).get('from');
    return { name: 'create', from: from && WORKSHOP_ID.test(from) ? from : null };
  }
  if (parts.length === 1 && parts[0] === 'tillganglighet') return { name: 'accessibility' };
  if (parts.length === 2 && parts[0] === 'j') return { name: 'join', code: parts[1] };
  if (parts.length === 2 && parts[0] === 'f') return { name: 'facilitator', workshopId: parts[1] };
  if (parts.length === 2 && parts[0] === 'p') return { name: 'projector', workshopId: parts[1] };
  return { name: 'notFound' };
}

class Router {
  path = $state(typeof location === 'undefined' ? '/' : location.pathname);
  search = $state(typeof location === 'undefined' ? '' : location.search);
  route: Route = $derived(parseRoute(this.path, this.search));

  constructor() {
    if (typeof window !== 'undefined')
      window.addEventListener('popstate', () => {
        this.path = location.pathname;
        this.search = location.search;
      });
  }

  /** Go to a path of this app (with an optional #hash) without reloading. */
  navigate(href: string, replace = false): void {
    const url = new URL(href, location.href);
    if (url.origin !== location.origin) {
      location.href = url.href;
      return;
    }
    history[replace ? 'replaceState' : 'pushState'](null, '', url.pathname + url.search + url.hash);
    this.path = url.pathname;
    this.search = url.search;
    window.scrollTo(0, 0);
  }
}

export const router = new Router();

/** Click handler for in-app links: keeps modified clicks (new tab) working. */
export function followLink(event: MouseEvent): void {
  const a = (event.target as Element | null)?.closest?.('a');
  if (!a || event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  if (a.target || a.hasAttribute('download') || a.dataset.external !== undefined) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
  event.preventDefault();
  router.navigate(url.href);
}
