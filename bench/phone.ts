// Scenario `phone`: the participant page (/j/<code>) on a weak phone — Chromium with a 4× slower
// CPU and slow-4G network, a cold cache every load — against the real server: Largest Contentful
// Paint, Total Blocking Time, and the gzipped JavaScript the page loads. Each load takes ~10 s
// (it waits for 5 quiet seconds), so run it with e.g. `npm run bench -- --only phone --runs 5 --warmup 1`.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { jsFloor } from './jsFloor.ts';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { createServer } from '../server/server.ts';
import { SqliteStore } from '../server/store/sqlite.ts';
import { clientDir, fillJoinForm, launchChromium, PHONE } from '../tests/helpers/browser.ts';
import { createWorkshop, facilitator, participant } from '../tests/helpers/clients.ts';
import { tempDir } from '../tests/helpers/server.ts';
import { percentile, row, type Result, type Row, type RunOptions, type Scenario } from './measure.ts';

/** Issue 8's budgets: the Core Web Vitals "good" LCP, Lighthouse's "good" TBT, and the JS. */
const LCP_TARGET = 2500;
const TBT_TARGET = 200;
const JS_TARGET_KB = 40;
const CPU_SLOWDOWN = 4;
/** The page counts as interactive once it has loaded and no long task came for this long. */
const QUIET_MS = 5000;

/** Lighthouse's mobile slow 4G: 150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up. */
const RTT = 150;
const DOWN = (1.6 * 1024 * 1024) / 8;
const UP = (750 * 1024) / 8;

/** Two ways to make the network slow: Chromium's per-request latency, and a real round trip (see method()). */
const NETWORKS = [
  {
    id: 'devtools',
    label: 'slow 4G (DevTools)',
    conditions: { offline: false, latency: RTT * 3.75, downloadThroughput: DOWN * 0.9, uploadThroughput: UP * 0.9 },
  },
  { id: 'link', label: '150 ms RTT link', conditions: null },
] as const;
type Network = (typeof NETWORKS)[number];

const SWOT_NOTES = [
  ['s', 'Korta beslutsvägar mellan kommun och region'],
  ['s', 'Vi känner varandra och ringer hellre än skriver'],
  ['w', 'Olika journalsystem i kommun och region'],
  ['w', 'Svårt att nå rätt person på kvällar och helger'],
  ['o', 'Gemensam hemsjukvård i glesbygden'],
  ['o', 'Digitala vårdmöten för unga med psykisk ohälsa'],
  ['t', 'Kompetensbrist inom psykiatrin'],
  ['t', 'Långa avstånd och få vikarier'],
] as const;

/**
 * Runs in the page before its own scripts: collects paints and long tasks as they come. A string,
 * not a function: tsx would wrap a function's inner functions in a `__name` helper the page lacks.
 */
const OBSERVE = `{
  const perf = { fcp: 0, lcp: 0, lcpElement: '', long: [] };
  window.__perf = perf;
  const watch = (type, each) => new PerformanceObserver((list) => list.getEntries().forEach(each)).observe({ type, buffered: true });
  watch('paint', (e) => { if (e.name === 'first-contentful-paint') perf.fcp = e.startTime; });
  watch('largest-contentful-paint', (e) => {
    const id = e.element && e.element.getAttribute('data-testid');
    perf.lcp = e.startTime;
    perf.lcpElement = e.element ? e.element.tagName.toLowerCase() + (id ? '[' + id + ']' : '') : '';
  });
  watch('longtask', (e) => perf.long.push([e.startTime, e.duration]));
}`;

interface Load {
  fcp: number;
  lcp: number;
  lcpElement: string;
  tbt: number;
  longTasks: number;
  /** Each script's URL and its body as transferred (gzip from the server). */
  scripts: Map<string, number>;
}

/**
 * Lighthouse's TBT: for each long task, the part after its first 50 ms that falls after FCP,
 * summed up to the point where the page has loaded and stayed free of long tasks for QUIET_MS.
 */
export function blockingTime(fcp: number, tasks: Array<[number, number]>): number {
  return tasks.reduce((sum, [start, duration]) => sum + Math.max(0, start + duration - Math.max(start + 50, fcp)), 0);
}

/**
 * A TCP relay to `port` with a real round trip: a connection's first byte waits one RTT (the
 * handshake), every segment half an RTT each way, and each direction is one link of its speed
 * shared by all connections. No TLS here, which would add a round trip per connection.
 */
async function slowLink(port: number): Promise<{ port: number; close(): Promise<void> }> {
  const links = { up: { free: 0, bytesPerMs: UP / 1000 }, down: { free: 0, bytesPerMs: DOWN / 1000 } };
  const open = new Set<net.Socket>();
  const relay = (from: net.Socket, to: net.Socket, link: { free: number; bytesPerMs: number }, notBefore: number) => {
    const queue: Array<{ at: number; chunk: Buffer | null }> = [];
    let timer: NodeJS.Timeout | null = null;
    const pump = () => {
      timer = null;
      while (queue.length && queue[0].at <= performance.now()) {
        const { chunk } = queue.shift()!;
        if (chunk) to.write(chunk);
        else to.end();
      }
      if (queue.length) timer = setTimeout(pump, queue[0].at - performance.now());
    };
    const push = (chunk: Buffer | null) => {
      const start = Math.max(performance.now(), link.free, notBefore);
      link.free = start + (chunk?.length ?? 0) / link.bytesPerMs;
      queue.push({ at: link.free + RTT / 2, chunk });
      timer ??= setTimeout(pump, queue[0].at - performance.now());
    };
    from.on('data', (data: Buffer) => {
      for (let at = 0; at < data.length; at += 1460) push(data.subarray(at, at + 1460));
    });
    from.on('end', () => push(null));
  };
  const proxy = net.createServer((client) => {
    const server = net.connect(port, '127.0.0.1');
    for (const socket of [client, server]) {
      open.add(socket);
      socket.on('error', () => (client.destroy(), server.destroy()));
      socket.on('close', () => open.delete(socket));
    }
    relay(client, server, links.up, performance.now() + RTT);
    relay(server, client, links.down, 0);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    port: (proxy.address() as net.AddressInfo).port,
    close: () => {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => proxy.close(() => resolve()));
    },
  };
}

/** A browser's saved localStorage, moved to the origin of `url`. */
function storageFor(url: string, saved: string): BrowserContextOptions['storageState'] {
  const state = JSON.parse(saved) as Exclude<BrowserContextOptions['storageState'], string | undefined>;
  return { ...state, origins: state.origins.map((o) => ({ ...o, origin: new URL(url).origin })) };
}

/** One cold load of `url` on a slow phone; `storageState` makes it a returning participant. */
async function load(browser: Browser, network: Network, url: string, ready: string, storageState?: string): Promise<Load> {
  const context = await browser.newContext({ ...PHONE, ...(storageState && { storageState: storageFor(url, storageState) }) });
  try {
    const page = await context.newPage();
    await page.addInitScript(OBSERVE);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    if (network.conditions) await cdp.send('Network.emulateNetworkConditions', network.conditions);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
    const scripts = new Map<string, number>();
    page.on('requestfinished', async (request) => {
      if (request.resourceType() === 'script') scripts.set(request.url(), (await request.sizes()).responseBodySize);
    });
    await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
    await page.locator(ready).first().waitFor({ timeout: 60_000 });
    await quiet(page);
    const perf = await page.evaluate(() => (window as unknown as { __perf: Omit<Load, 'tbt' | 'scripts' | 'longTasks'> & { long: Array<[number, number]> } }).__perf);
    return { ...perf, tbt: blockingTime(perf.fcp, perf.long), longTasks: perf.long.length, scripts };
  } finally {
    await context.close();
  }
}

/** Wait until the page has loaded and no long task has come for QUIET_MS. */
async function quiet(page: Page): Promise<void> {
  await page.waitForFunction(
    (ms) => {
      const perf = (window as unknown as { __perf: { long: Array<[number, number]> } }).__perf;
      const last = perf.long.reduce((end, [start, duration]) => Math.max(end, start + duration), 0);
      const loaded = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      return loaded && loaded.loadEventEnd > 0 && performance.now() - Math.max(last, loaded.loadEventEnd) >= ms;
    },
    QUIET_MS,
    { polling: 250, timeout: 60_000 },
  );
}

/** The gzipped size of each script in `dir`, as the server sent it and at zlib level 9, in bytes. */
function scriptSizes(dir: string, scripts: Map<string, number>) {
  const sizes = [];
  for (const [url, served] of scripts) {
    const raw = readFileSync(join(dir, new URL(url).pathname));
    sizes.push({ name: new URL(url).pathname, raw: raw.length, served, gzip9: gzipSync(raw, { level: 9 }).length });
  }
  return sizes.sort((a, b) => b.gzip9 - a.gzip9);
}

/**
 * A copy of the built client to serve: a `vite build` elsewhere (npm test) empties dist/client
 * while the loads run. Copied again if a build was under way (a file the page names is missing).
 */
async function snapshotClient(to: string): Promise<string> {
  if (!existsSync(join(clientDir, 'index.html'))) spawnSync('npx', ['vite', 'build'], { stdio: 'inherit' });
  for (let attempt = 0; attempt < 10; attempt++) {
    rmSync(to, { recursive: true, force: true });
    try {
      cpSync(clientDir, to, { recursive: true });
      const html = readFileSync(join(to, 'index.html'), 'utf8');
      if ([...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].every(([, path]) => existsSync(join(to, path)))) return to;
    } catch {
      // dist/client changed under the copy: try again.
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
  throw new Error('dist/client kept changing: is a build running?');
}

/** A workshop with the LGS agenda and eight SWOT notes from four participants. */
async function seed(url: string) {
  const created = await createWorkshop(url, { title: 'LGS Kalmar län – uppföljning' });
  const host = await facilitator(url, created);
  const swot = host.state!.activities[0];
  for (let i = 0; i < 4; i++) {
    const person = await participant(url, created.id, { name: `Deltagare ${i + 1}`, organisation: 'Kalmar kommun' });
    for (let n = i * 2; n < i * 2 + 2; n++) {
      const [columnId, text] = SWOT_NOTES[n];
      const ack = await person.command({ type: 'note.add', noteId: `bench-note-${n}`, activityId: swot.id, columnId, text });
      if (!ack.ok) throw new Error(`note.add failed: ${ack.error}`);
    }
    person.close();
  }
  host.close();
  return created;
}

/**
 * A participant who joined through the form once (unthrottled): their localStorage, with the
 * board the phone keeps (lib/boardCache.ts) and, for a return after more than a day, without it.
 */
async function joinedStorage(browser: Browser, joinUrl: string): Promise<{ kept: string; notKept: string }> {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await page.goto(joinUrl);
  await fillJoinForm(page, { name: 'Karin Nilsson', organisation: 'Nybro kommun', orgKind: 'kommun' });
  await page.getByTestId('note').first().waitFor();
  await page.waitForFunction(() => Object.keys(localStorage).some((key) => key.startsWith('verkstad:board:')));
  const state = await context.storageState();
  await context.close();
  const notKept = {
    ...state,
    origins: state.origins.map((o) => ({ ...o, localStorage: o.localStorage.filter((e) => !e.name.startsWith('verkstad:board:')) })),
  };
  return { kept: JSON.stringify(state), notKept: JSON.stringify(notKept) };
}

const PAGES = [
  { label: 'join form', ready: '[data-testid="join-name"]', who: 'a newcomer who scanned the code', storage: null },
  {
    label: 'joined',
    ready: '[data-testid="note"]',
    who: 'a returning participant, the board with notes: localStorage kept (token and last board), HTTP cache empty',
    storage: 'kept',
  },
  {
    label: 'joined, board not kept',
    ready: '[data-testid="note"]',
    who: 'a returning participant whose phone has no board kept (over a day since), so the board waits for the socket',
    storage: 'notKept',
  },
] as const;

async function loads(browser: Browser, network: Network, url: string, ready: string, options: RunOptions, storage?: string) {
  for (let i = 0; i < options.warmup; i++) await load(browser, network, url, ready, storage);
  const all: Load[] = [];
  for (let i = 0; i < options.runs; i++) all.push(await load(browser, network, url, ready, storage));
  return all;
}

const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const worst = (xs: number[]) => Math.max(...xs).toFixed(0);

function rowsOf(label: string, all: Load[]): Row[] {
  return [
    row(`${label}: FCP`, all.map((l) => l.fcp), null),
    row(`${label}: LCP`, all.map((l) => l.lcp), LCP_TARGET, 'issue 8'),
    row(`${label}: TBT`, all.map((l) => l.tbt), TBT_TARGET, 'issue 8'),
  ];
}

function describe(label: string, all: Load[]): string {
  const elements = [...new Set(all.map((l) => l.lcpElement || '?'))].join(', ');
  return `${label}: LCP worst ${worst(all.map((l) => l.lcp))} ms, TBT worst ${worst(all.map((l) => l.tbt))} ms, ` +
    `median ${percentile(all.map((l) => l.longTasks), 0.5)} long tasks per load; the LCP element: ${elements}.`;
}

async function jsNotes(dir: string, scripts: Map<string, number>): Promise<string[]> {
  const sizes = scriptSizes(dir, scripts);
  const total = sizes.reduce((t, s) => ({ served: t.served + s.served, gzip9: t.gzip9 + s.gzip9, raw: t.raw + s.raw }), { served: 0, gzip9: 0, raw: 0 });
  const ok = Math.max(total.served, total.gzip9) / 1024 < JS_TARGET_KB;
  const floor = await jsFloor();
  return [
    `JavaScript the participant page loads, gzipped: ${kb(total.served)} KB as served (the server's compression, zlib level 6), ` +
      `${kb(total.gzip9)} KB at gzip -9, ${kb(total.raw)} KB raw; target < ${JS_TARGET_KB} KB (issue 8): ${ok ? 'pass' : 'MISS'}.`,
    `The floor on this stack, bench/floor (Svelte 5 state, a form, a keyed list and socket.io-client, no app code) built the same way: ` +
      `${kb(floor.gzip9)} KB at gzip -9 (${kb(floor.raw)} KB raw); the participant page adds ${kb(total.gzip9 - floor.gzip9)} KB to it.`,
    ...sizes.map((s) => `Chunk \`${s.name}\`: ${kb(s.served)} KB served, ${kb(s.gzip9)} KB gzip -9, ${kb(s.raw)} KB raw.`),
  ];
}

export const phoneScenario: Scenario = {
  name: 'phone',
  async run(options): Promise<Result> {
    const dataDir = tempDir('verkstad-bench-');
    const client = await snapshotClient(join(dataDir, 'client'));
    const server = createServer({ store: new SqliteStore(join(dataDir, 'data')), clientDir: client });
    const url = await server.listen(0, '127.0.0.1');
    const link = await slowLink(Number(new URL(url).port));
    const browser = await launchChromium();
    try {
      const created = await seed(url);
      const storage = await joinedStorage(browser, `${url}/j/${created.joinCode}`);
      const rows: Row[] = [];
      const notes: string[] = [];
      let scripts = new Map<string, number>();
      for (const network of NETWORKS) {
        const origin = network.conditions ? url : `http://127.0.0.1:${link.port}`;
        for (const page of PAGES) {
          const all = await loads(browser, network, `${origin}/j/${created.joinCode}`, page.ready, options, page.storage ? storage[page.storage] : undefined);
          rows.push(...rowsOf(`${page.label}, ${network.label}`, all));
          notes.push(describe(`${page.label[0].toUpperCase()}${page.label.slice(1)} (${page.who}), ${network.label}`, all));
          if (network.conditions && !page.label.startsWith('joined')) scripts = all[0].scripts;
        }
      }
      return {
        title: `participant page /j/<code> on a weak phone (CPU ×${CPU_SLOWDOWN}, slow 4G, cold cache)`,
        rows,
        notes: [...(await jsNotes(client, scripts)), ...notes, ...method()],
      };
    } finally {
      await browser.close();
      await link.close();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};

function method(): string[] {
  const [devtools] = NETWORKS;
  return [
    `Network "${devtools.label}": Network.emulateNetworkConditions as Lighthouse's "devtools" throttling sets it: ` +
      `${devtools.conditions.latency} ms added to every request (150 ms RTT × 3.75, since Chromium applies latency once per request, ` +
      `not per round trip), ${kb(devtools.conditions.downloadThroughput)} KB/s down, ${kb(devtools.conditions.uploadThroughput)} KB/s up ` +
      `(1.6 Mbit/s and 750 kbit/s × 0.9). The WebSocket's handshake pays the latency, its frames do not.`,
    `Network "${NETWORKS[1].label}": a TCP relay in front of the server, 150 ms per round trip as Lighthouse's default "simulated" ` +
      `mode models it: one RTT per new connection, half an RTT per 1460-byte segment each way, ${kb(DOWN)} KB/s down and ` +
      `${kb(UP)} KB/s up shared by all connections; no TLS (a real server adds a round trip per connection).`,
    `CPU: Emulation.setCPUThrottlingRate ${CPU_SLOWDOWN}. Every load in a fresh browser context with the cache disabled.`,
    `LCP: the last 'largest-contentful-paint' entry (buffered observer, no user input). TBT: for every 'longtask' entry, ` +
      `its time beyond the first 50 ms that falls after first-contentful-paint, summed until the page has loaded and ` +
      `had no long task for ${QUIET_MS / 1000} s (Lighthouse's definition, with that quiet point standing in for TTI). ` +
      `With fewer than 20 runs the p95 column is the worst run.`,
    `Workshop: LGS agenda, the SWOT shown to everyone with ${SWOT_NOTES.length} notes from 4 participants.`,
  ];
}
