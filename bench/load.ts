// What the load scenarios share (issue 8): a server process, a workshop in it, bots connected
// as its facilitator, projector and participants, a measured phase of posting notes, and the
// figures made from it. Each scenario (rooms.ts, plenary.ts, baseline.ts, joinStorm.ts,
// ceiling.ts, soak.ts) is a few calls to these.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { Workshops } from '../server/workshops.ts';
import { SqliteStore } from '../server/store/sqlite.ts';
import { BotFleet, type BotSpec, type PostPlan } from './bots.ts';
import { startDiskProbe, type DiskSync } from './diskProbe.ts';
import type { Histogram } from './latency.ts';
import { startServer, tempDataDir, type ServerKind, type ServerProcess } from './loadServer.ts';
import type { Figure, LoadOptions } from './measure.ts';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PROFILES = fileURLToPath(new URL('../.tmp/profiles', import.meta.url));

/** Bot numbers: participants are 0…n-1; the facilitator and the projector come after them. */
export interface Staff {
  facilitator: number;
  projector: number;
}

export interface JoinOutcome {
  ready: number;
  failed: Record<string, number>;
  readyMs: Histogram;
  /** From the first connect to the last participant's full state, s. */
  wallS: number;
  /** Server CPU while they joined, % of one core. */
  serverCpuPct: number;
  /** Bot processes' CPU while they joined, % of one core (all together). */
  botCpuPct: number;
}

/** A server with one workshop (a single brainstorm, current), and the bots connected to it. */
export class LoadSession {
  participants = new Map<number, string>(); // bot number -> participant id
  rssBeforeKb = 0;
  rssAfterKb = 0;
  /** The same, each right after a full GC in the server. */
  rssBeforeGcKb = 0;
  rssAfterGcKb = 0;
  /** The server's process.memoryUsage() (KB) after those GCs. */
  memoryBefore: Record<string, number> = {};
  memoryAfter: Record<string, number> = {};
  columnId = 'q1';
  syncOnGap = false;

  private constructor(
    readonly server: ServerProcess,
    readonly fleet: BotFleet,
    readonly workshopId: string,
    readonly key: string,
    readonly activityId: string,
    readonly staff: Staff,
    readonly label: string,
  ) {}

  /**
   * Start the server and the bots, create the workshop, connect the facilitator and the
   * projector, and take the server's RSS before any participant. With `seeded`, the server
   * starts on a data folder that already holds the workshop and its participants (see
   * `seedWorkshop`): they then connect as returning phones, already up to date.
   */
  static async open(kind: ServerKind, n: number, load: LoadOptions, label: string, seeded?: Seeded): Promise<LoadSession> {
    const profileDir = load.profile ? join(PROFILES, `${label}-${kind}-${Date.now()}`) : undefined;
    const server = await startServer(kind, { dataDir: seeded?.dataDir, profileDir });
    const fleet = await BotFleet.start(load.workers);
    try {
      const ws = seeded ?? (await createWorkshop(server));
      const staff: Staff = { facilitator: n, projector: n + 1 };
      const session = new LoadSession(server, fleet, ws.workshopId, ws.key, ws.activityId, staff, label);
      session.syncOnGap = load.syncOnGap;
      const staffSpecs: BotSpec[] = [
        { i: staff.facilitator, role: 'facilitator', key: ws.key, atMs: 0 },
        { i: staff.projector, role: 'projector', atMs: 0 },
      ];
      const connected = await fleet.connect(server.url, ws.workshopId, staffSpecs, 30_000);
      if (connected.ready !== 2) throw new Error(`facilitator/projector did not connect: ${JSON.stringify(connected.failed)}`);
      await sleep(1500);
      session.rssBeforeKb = server.rssKb();
      session.rssBeforeGcKb = await server.rssAfterGcKb();
      session.memoryBefore = server.lastGcMemory;
      return session;
    } catch (err) {
      await fleet.close();
      await server.stop();
      throw err;
    }
  }

  /**
   * Connect participants `from`…`from+count-1`, `perSecond` a second, each joining with a
   * token of its own (or, seeded, connecting with its token and `since`). Resolves when all
   * are in (or failed), with how long each took to its first full state.
   */
  async join(count: number, perSecond: number, seeded?: Seeded, from = 0): Promise<JoinOutcome> {
    const specs: BotSpec[] = [];
    for (let k = 0; k < count; k++) {
      const i = from + k;
      const atMs = (k / perSecond) * 1000;
      if (seeded) {
        const p = seeded.participants[i];
        specs.push({ i, role: 'participant', token: p.token, participantId: p.id, since: seeded.seq, atMs });
      } else specs.push({ i, role: 'participant', token: newToken(i), join: true, atMs });
    }
    const cpu0 = this.server.cpuSeconds();
    const bots0 = this.fleet.cpuSeconds();
    const t0 = Date.now();
    const result = await this.fleet.connect(this.server.url, this.workshopId, specs, 120_000, this.syncOnGap);
    const wallS = (Date.now() - t0) / 1000;
    const serverCpuPct = ((this.server.cpuSeconds() - cpu0) / wallS) * 100;
    const botCpuPct = ((this.fleet.cpuSeconds() - bots0) / wallS) * 100;
    for (const [i, id] of result.ids) if (i < this.staff.facilitator) this.participants.set(i, id);
    return { ready: result.ready, failed: result.failed, readyMs: result.readyMs, wallS, serverCpuPct, botCpuPct };
  }

  /**
   * RSS once things have settled, per participant over the RSS before any joined: as it is
   * (with whatever garbage the joins left), and after a full GC in the server both times.
   */
  async settle(ms = 3000): Promise<RssPerParticipant> {
    await sleep(ms);
    this.rssAfterKb = this.server.rssKb();
    this.rssAfterGcKb = await this.server.rssAfterGcKb();
    this.memoryAfter = this.server.lastGcMemory;
    const n = Math.max(1, this.participants.size);
    const heap = (this.memoryAfter.heapUsed - this.memoryBefore.heapUsed) / n;
    return { raw: (this.rssAfterKb - this.rssBeforeKb) / n, gc: (this.rssAfterGcKb - this.rssBeforeGcKb) / n, heap };
  }

  /**
   * A measured phase: bots post by `plan` for `durationMs`; then a short drain so late
   * deliveries still count. Server and bot CPU are taken over the posting time.
   */
  async measure(plan: PostPlan | ((w: number) => PostPlan), durationMs: number, trackIds = false) {
    await this.fleet.measure(true, trackIds);
    await this.server.rssAfterGcKb(); // resets the server's event-loop delay record
    // The bare baseline has no data folder: nothing of it waits on the disk.
    const probe = this.server.dataDir ? startDiskProbe(this.server.dataDir) : null;
    const server0 = this.server.cpuSeconds();
    const bots0 = this.fleet.cpuSeconds();
    const t0 = Date.now();
    const posted = await this.fleet.post(plan, durationMs, this.activityId, this.columnId);
    const wallS = (Date.now() - t0) / 1000;
    const diskSync = (await probe?.stop()) ?? null;
    const serverCpuPct = ((this.server.cpuSeconds() - server0) / wallS) * 100;
    const botCpuPct = ((this.fleet.cpuSeconds() - bots0) / wallS) * 100;
    await sleep(3000);
    const report = await this.fleet.report();
    await this.fleet.measure(false);
    await this.server.rssAfterGcKb();
    const serverLoop = this.server.lastLoop;
    return { posted, report, wallS, serverCpuPct, botCpuPct, serverLoop, diskSync };
  }

  /** Per participant, after a full GC: what the RSS growth is made of (KB). */
  memoryBreakdown(): string {
    const n = Math.max(1, this.participants.size);
    const d = (key: string) => ((this.memoryAfter[key] ?? 0) - (this.memoryBefore[key] ?? 0)) / n;
    const rss = (this.rssAfterGcKb - this.rssBeforeGcKb) / n;
    const rest = rss - d('heapTotal') - d('external');
    return (
      `RSS growth per participant after a full GC ${kb(rss)}: V8 heap in use ${kb(d('heapUsed'))} (committed ${kb(d('heapTotal'))}), ` +
      `external ${kb(d('external'))}, the rest (native: sockets, stream buffers, malloc) ${kb(rest)}`
    );
  }

  async close(): Promise<void> {
    await this.fleet.close();
    await this.server.stop();
    const dir = this.server.dataDir;
    if (dir && dir.includes('verkstad-bench-')) rmSync(dir, { recursive: true, force: true });
  }
}

export interface RssPerParticipant {
  /** KB per participant, RSS as read. */
  raw: number;
  /** KB per participant, RSS read right after a full GC (before and after). */
  gc: number;
  /** KB per participant of V8 heap in use after those GCs (the live objects alone). */
  heap: number;
}

export const newToken = (i: number) => `bench-${i}-${randomBytes(12).toString('hex')}`;

export interface Created {
  workshopId: string;
  key: string;
  activityId: string;
}

/** Ours: POST /api/workshops, then the facilitator's snapshot for the activity id. Bare: made up. */
function createWorkshop(server: ServerProcess): Promise<Created> {
  if (server.kind === 'bare') return Promise.resolve({ workshopId: 'bareWorkshop', key: 'bare-key', activityId: 'bareActivity' });
  return createWorkshopAt(server.url);
}

/** A workshop with one brainstorm (current, column q1) on a running Verkstad server. */
export async function createWorkshopAt(url: string): Promise<Created> {
  const res = await fetch(`${url}/api/workshops`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Lasttest', agenda: [{ kind: 'brainstorm', title: 'Idéer' }], language: 'sv' }),
  });
  if (res.status !== 201) throw new Error(`POST /api/workshops: ${res.status} ${await res.text()}`);
  const created = (await res.json()) as { id: string; facilitatorKey: string };
  const activityId = await new Promise<string>((resolve, reject) => {
    const socket = io(url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth: { protocol: 1, workshopId: created.id, facilitatorKey: created.facilitatorKey },
    });
    socket.once('snapshot', (s: { workshop: { currentActivityId: string } }) => {
      socket.close();
      resolve(s.workshop.currentActivityId);
    });
    socket.once('connect_error', (err) => reject(err));
  });
  return { workshopId: created.id, key: created.facilitatorKey, activityId };
}

export interface Seeded extends Created {
  dataDir: string;
  seq: number;
  participants: Array<{ token: string; id: string }>;
}

/**
 * A data folder holding a workshop with `n` participants who have joined before, written
 * through the server's own Workshops/SqliteStore code before the server starts (synchronous
 * off while seeding, nothing else differs). For plenaries too big to join through sockets in
 * reasonable time on this machine: each join is fanned out to everyone already there, so
 * joining n over sockets costs n²/2 deliveries — at 4,000 that is 8 million frames.
 */
export function seedWorkshop(n: number): Seeded {
  const dataDir = tempDataDir();
  const store = new SqliteStore(dataDir);
  store.db.pragma('synchronous = OFF');
  const workshops = new Workshops(store);
  const { workshop, facilitatorKey } = workshops.create({
    title: 'Lasttest',
    date: '',
    place: '',
    purpose: '',
    goal: '',
    language: 'sv',
    agenda: [{ kind: 'brainstorm', title: 'Idéer' }],
  });
  const participants: Seeded['participants'] = [];
  const kinds = ['kommun', 'region', 'kommun', 'brukarrepresentant', 'annan'] as const;
  for (let i = 0; i < n; i++) {
    const token = newToken(i);
    const joined = workshops.join(workshop.id, { token, name: `Deltagare ${i}`, organisation: `Organisation ${i % 40}`, orgKind: kinds[i % 5] });
    if (!joined.ok) throw new Error(`seeding participant ${i}: ${joined.error}`);
    participants.push({ token, id: joined.value.participant.id });
  }
  const seq = workshops.get(workshop.id)!.seq;
  store.close();
  return { dataDir, workshopId: workshop.id, key: facilitatorKey, activityId: workshop.currentActivityId!, seq, participants };
}

// ---- figures --------------------------------------------------------------------------------

export const ms = (n: number) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(1) : n.toFixed(0)) : '–');
export const pct = (n: number) => `${n.toFixed(0)} %`;
export const kb = (n: number) => `${n.toFixed(1)} KB`;
export const mb = (kbValue: number) => `${(kbValue / 1024).toFixed(0)} MB`;
export const int = (n: number) => Math.round(n).toLocaleString('en-US');

export function percentiles(h: Histogram): string {
  return `p50 ${ms(h.percentile(0.5))} · p95 ${ms(h.percentile(0.95))} · p99 ${ms(h.percentile(0.99))} ms`;
}

/** A latency figure held to a p99 budget (or none). */
export function latencyFigure(name: string, h: Histogram, p99Target: number | null, source = 'issue 8'): Figure {
  const p99 = h.percentile(0.99);
  return {
    name,
    value: `${percentiles(h)} (${int(h.count)} pairs)`,
    target: p99Target === null ? '' : `p99 < ${int(p99Target)} ms (${source})`,
    pass: p99Target === null ? null : p99 < p99Target,
  };
}

/** RSS per participant: held to the target after a full GC; as read (with the joins' garbage) beside it. */
export function rssFigure(name: string, rss: RssPerParticipant, targetKb: number | null): Figure {
  return {
    name,
    value: `${kb(rss.gc)} after a full GC (${kb(rss.raw)} as read; live heap ${kb(rss.heap)})`,
    target: targetKb === null ? '' : `< ${targetKb} KB (issue 8)`,
    pass: targetKb === null ? null : rss.gc < targetKb,
  };
}

export const info = (name: string, value: string): Figure => ({ name, value, target: '', pass: null });

/** The disk's fsync time beside the phase (diskProbe.ts): what a note's commit waits for. */
const diskFigure = (d: DiskSync | null): Figure[] =>
  d === null
    ? []
    : [info('disk: a 4 KB write + fsync in the data folder, 10/s beside', `p50 ${d.p50.toFixed(1)} · p99 ${d.p99.toFixed(0)} · max ${d.max.toFixed(0)} ms (${d.count})`)];

export type Phase = Awaited<ReturnType<LoadSession['measure']>>;

/** How the server and the authors fared in a measured phase, as every posting scenario shows it. */
export function phaseFigures(phase: Phase): Figure[] {
  const { ackMs } = phase.posted;
  return [
    info('server CPU while posting', pct(phase.serverCpuPct)),
    info('server event-loop delay while posting', `p99 ${ms(phase.serverLoop.p99)} · max ${ms(phase.serverLoop.max)} ms`),
    ...diskFigure(phase.diskSync),
    info('note → ack (author)', `p50 ${ms(ackMs.percentile(0.5))} · p99 ${ms(ackMs.percentile(0.99))} ms`),
  ];
}

/** The notes below a posting scenario's table: its server's memory and its bots' health. */
export function phaseNotes(kind: ServerKind, session: LoadSession, joined: JoinOutcome, phase: Phase, load: LoadOptions): string[] {
  const { posted, report } = phase;
  const notes = [
    `${kind}: server RSS ${mb(session.rssBeforeKb)} before the participants, ${mb(session.rssAfterKb)} after (after a full GC: ${mb(session.rssBeforeGcKb)}, ${mb(session.rssAfterGcKb)}); join CPU ${pct(joined.serverCpuPct)}.`,
    `${kind}: bots used ${pct(phase.botCpuPct)} CPU in ${session.fleet.size} processes; their event-loop delay p99 ${report.loopDelayP99.toFixed(1)} ms, max ${report.loopDelayMax.toFixed(0)} ms; refused ${counts(posted.errors)}; disconnects ${counts(report.disconnects)}.`,
    `${kind}: ${session.memoryBreakdown()}.`,
  ];
  if (load.syncOnGap)
    notes.push(`${kind}: --sync-on-gap: the bots asked for ${int(report.syncs)} snapshots (\`sync\` on every gap in seq, as the web client does).`);
  return notes;
}

export function counts(record: Record<string, number>): string {
  const entries = Object.entries(record);
  return entries.length ? entries.map(([k, n]) => `${k} ${n}`).join(', ') : 'none';
}

/** Sizes with the quick mode's defaults, and flags over both. */
export function size(load: LoadOptions, key: 'participants' | 'rooms' | 'duration' | 'rate' | 'period' | 'minutes', full: number, quick: number): number {
  return load[key] ?? (load.quick ? quick : full);
}

/** After a profiled run: the functions that used the most of the server's CPU (self time). */
export function profileSummary(label: string): string[] {
  let dirs: string[];
  try {
    dirs = readdirSync(PROFILES).filter((d) => d.startsWith(`${label}-`)).sort();
  } catch {
    return [];
  }
  const lines: string[] = [];
  for (const dir of dirs.slice(-2)) {
    for (const file of readdirSync(join(PROFILES, dir)).filter((f) => f.endsWith('.cpuprofile'))) {
      const profile = JSON.parse(readFileSync(join(PROFILES, dir, file), 'utf8')) as CpuProfile;
      lines.push(`CPU profile ${join('.tmp/profiles', dir, file)}: top self time`);
      for (const row of topSelf(profile, 15)) lines.push(`  ${row}`);
    }
  }
  return lines;
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
}

function topSelf(profile: CpuProfile, count: number): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, k) => {
    const dt = profile.timeDeltas[k] ?? 0;
    total += dt;
    const f = byId.get(id)!.callFrame;
    const where = f.url ? `${f.url.replace(/^file:\/\/.*?\/node_modules\//, '').replace(/^file:\/\/.*?\/(server|shared)\//, '$1/')}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, us]) => `${((us / total) * 100).toFixed(1).padStart(5)} %  ${key}`);
}
