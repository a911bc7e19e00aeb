// Debian's Chromium for the browser tests, launched the way this closed network needs, the
// laptop and phone the stories use, and a tap on a page's Socket.IO packets.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page, type WebSocket } from 'playwright-core';
import type { Sequenced } from '../../shared/workshop/events.ts';

export const CHROMIUM = '/usr/bin/chromium';
/** The built client (`npm test` runs `vite build` before the browser tests). */
export const clientDir = fileURLToPath(new URL('../../dist/client', import.meta.url));

export const LAPTOP: BrowserContextOptions = { viewport: { width: 1366, height: 768 }, locale: 'sv-SE' };
export const PHONE: BrowserContextOptions = {
  viewport: { width: 360, height: 740 },
  isMobile: true,
  hasTouch: true,
  locale: 'sv-SE',
};

/** Fails with a clear message when the client is not built or Chromium is missing. */
export function browserTestsReady(): string | null {
  if (!existsSync(join(clientDir, 'index.html'))) return 'dist/client is missing: run `npx vite build` first';
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing: apt-get install -y chromium`;
  return null;
}

/** `env`: the browser's environment, e.g. a fontconfig that offers one font family (helpers/fonts.ts). */
export function launchChromium(env?: NodeJS.ProcessEnv): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    env,
    // Without the background-networking flags Chromium floods the closed network with requests.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Record every URL the context's pages ask for, HTTP and WebSocket, into `into`. */
export function recordRequests(context: BrowserContext, into: string[]): void {
  context.on('request', (request) => into.push(request.url()));
  context.on('page', (page) => page.on('websocket', (ws) => into.push(ws.url())));
}

/** The recorded network requests (HTTP and WebSocket) and those that went to another host. */
export function requestsLeaving(requests: string[], serverUrl: string): { network: string[]; foreign: string[] } {
  const own = new URL(serverUrl).host;
  const network = requests.filter((url) => /^(https?|wss?):/.test(url));
  return { network, foreign: network.filter((url) => new URL(url).host !== own) };
}

/** Who joins in a story: what they type into the join form. */
export interface JoiningPerson {
  name: string;
  organisation: string;
  orgKind: string;
}

/** Fill in the join form on a phone and send it (with the mouse; keyboard.test.ts types its own). */
export async function fillJoinForm(page: Page, who: JoiningPerson): Promise<void> {
  await page.getByTestId('join-name').fill(who.name);
  await page.getByTestId('join-organisation').fill(who.organisation);
  await page.getByTestId('join-orgkind').selectOption(who.orgKind);
  await page.getByTestId('join-submit').click();
}

/**
 * The phone's note composer, unfolded from its "+ Ny lapp" button when folded: its text field.
 * (An evaluation shows its comment field at once.)
 */
export async function composer(page: Page): Promise<Locator> {
  const input = page.getByTestId('note-input');
  const open = page.getByTestId('composer-open');
  await input.or(open).first().waitFor();
  if (!(await input.isVisible())) await open.click();
  await input.waitFor();
  return input;
}

/** The ranking a page shows, row by row: option, count and rank as on screen. */
export async function rankingShown(page: Page): Promise<Array<{ option: string; count: string; rank: string }>> {
  const found = [];
  for (const row of await page.getByTestId('results').getByTestId('result-row').all())
    found.push({
      option: (await row.getByTestId('result-option').innerText()).trim(),
      count: (await row.getByTestId('result-count').innerText()).trim(),
      rank: (await row.getAttribute('data-rank')) ?? '',
    });
  return found;
}

/** One Socket.IO packet as it crossed a page's wire. */
export interface WireFrame {
  dir: 'sent' | 'received';
  via: 'websocket' | 'polling';
  text: string;
  /** The event name of an EVENT packet (`42["name", …]`, `42N[…]` with an ack id), else null. */
  name: string | null;
  args: unknown[];
}

const EVENT_PACKET = /^42(?:\/[^,]*,)?\d*(\[.*)$/s;

function wireFrame(dir: WireFrame['dir'], via: WireFrame['via'], text: string): WireFrame {
  const packet = EVENT_PACKET.exec(text);
  try {
    const [name, ...args] = packet ? (JSON.parse(packet[1]) as unknown[]) : [];
    return { dir, via, text, name: typeof name === 'string' ? name : null, args };
  } catch {
    return { dir, via, text, name: null, args: [] };
  }
}

const isSocketIo = (url: string) => new URL(url).pathname.startsWith('/socket.io/');
const isPolling = (url: string) => isSocketIo(url) && new URL(url).searchParams.get('transport') === 'polling';

/**
 * Every Socket.IO packet a page sends and receives from now on: on its WebSockets and, should
 * engine.io fall back to it, on long-polling (where packets are joined by the record separator).
 */
export class SocketWire {
  readonly frames: WireFrame[] = [];
  readonly sockets: WebSocket[] = [];
  pollingRequests = 0;

  constructor(page: Page) {
    page.on('websocket', (ws) => {
      if (!isSocketIo(ws.url())) return;
      this.sockets.push(ws);
      ws.on('framesent', ({ payload }) => this.frames.push(wireFrame('sent', 'websocket', String(payload))));
      ws.on('framereceived', ({ payload }) => this.frames.push(wireFrame('received', 'websocket', String(payload))));
    });
    page.on('request', (request) => {
      if (!isPolling(request.url())) return;
      this.pollingRequests++;
      if (request.method() === 'POST') this.#polled('sent', request.postData() ?? '');
    });
    page.on('response', async (response) => {
      if (isPolling(response.url()) && response.request().method() === 'GET')
        this.#polled('received', await response.text().catch(() => ''));
    });
  }

  #polled(dir: WireFrame['dir'], body: string) {
    for (const packet of body.split('\x1e')) if (packet) this.frames.push(wireFrame(dir, 'polling', packet));
  }

  /** Where the frames from now on start. */
  mark(): number {
    return this.frames.length;
  }

  /** How many `name` events went this way since `from`. */
  count(dir: WireFrame['dir'], name: string, from = 0): number {
    return this.frames.slice(from).filter((f) => f.dir === dir && f.name === name).length;
  }

  /** The events the page received in `events` packets since `from`, in order. */
  events(from = 0): Sequenced[] {
    return this.frames
      .slice(from)
      .filter((f) => f.dir === 'received' && f.name === 'events')
      .flatMap((f) => f.args[0] as Sequenced[]);
  }

  /** Received frames before `upTo` that hold any of these texts (as JSON writes them). */
  carrying(texts: string[], upTo = this.frames.length): WireFrame[] {
    const needles = texts.map((t) => JSON.stringify(t).slice(1, -1));
    return this.frames.slice(0, upTo).filter((f) => f.dir === 'received' && needles.some((n) => f.text.includes(n)));
  }

  /** The page's Socket.IO WebSockets that are still open. */
  openSockets(): WebSocket[] {
    return this.sockets.filter((ws) => !ws.isClosed());
  }
}
