// Debian's Chromium for the browser tests, launched the way this closed network needs, and
// the laptop and phone the stories use.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

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

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
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
