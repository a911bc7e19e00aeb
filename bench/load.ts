// What the load scenarios share (issue 8): a server process, a workshop in it, bots connected
// as its facilitator, projector and participants, and measured phases of posting notes (or
// voting, or editing). Each scenario (rooms.ts, plenary.ts, baseline.ts, joinStorm.ts,
// ceiling.ts, soak.ts, silent.ts, voting.ts, big.ts) is a few calls to these; figures.ts
// words the results.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { Workshops } from '../server/workshops.ts';
import { SqliteStore } from '../server/store/sqlite.ts';
import { BotFleet, type BotSpec, type PostAction, type PostPlan } from './bots.ts';
import { startDiskPressure, type DiskPressure } from './diskPressure.ts';
import { startDiskProbe } from './diskProbe.ts';
import { kb } from './figures.ts';
import type { Histogram } from './latency.ts';
import { PROFILES } from './profile.ts';
import { startServer, tempDataDir, type ServerKind, type ServerProcess } from './loadServer.ts';
import type { LoadOptions } from './measure.ts';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
  /** `--disk-pressure`: a competing writer on the data folder's disk during each measured phase. */
  diskPressure = false;

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
      session.diskPressure = load.diskPressure;
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
   * token of its own (or, seeded, connecting with its token as a returning phone: the client
   * then asks for no catch-up on its first connection, so it gets a snapshot). Resolves when all
   * are in (or failed), with how long each took to its first full state.
   */
  async join(count: number, perSecond: number, seeded?: Seeded, from = 0): Promise<JoinOutcome> {
    const specs: BotSpec[] = [];
    for (let k = 0; k < count; k++) {
      const i = from + k;
      const atMs = (k / perSecond) * 1000;
      if (seeded) specs.push({ i, role: 'participant', token: seeded.participants[i].token, atMs });
      else specs.push({ i, role: 'participant', token: newToken(i), join: true, atMs });
    }
    const cpu0 = this.server.cpuSeconds();
    const bots0 = this.fleet.cpuSeconds();
    const t0 = Date.now();
    // Generous: every phone folds every later join (O(participants) each in the client's apply),
    // which on this machine's 2 cores takes a 1,000-phone hall well over a minute of CPU.
    const result = await this.fleet.connect(this.server.url, this.workshopId, specs, 600_000);
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
   * A measured phase: bots act (post notes, by default) by `plan` for `durationMs`; then a
   * short drain so late deliveries still count. Server and bot CPU are taken over the posting
   * time, the wire counts (snapshots, syncs, resends, bytes) over the whole phase.
   */
  async measure(plan: PostPlan | ((w: number) => PostPlan), durationMs: number, trackIds = false, action: PostAction = 'note') {
    await this.fleet.measure(true, trackIds);
    await this.server.rssAfterGcKb(); // resets the server's event-loop delay record
    // The bare baseline has no data folder: nothing of it waits on the disk.
    const dir = this.server.dataDir;
    const pressure: DiskPressure | null = dir && this.diskPressure ? await startDiskPressure(dir) : null;
    const probe = dir ? startDiskProbe(dir) : null;
    const server0 = this.server.cpuSeconds();
    const bots0 = this.fleet.cpuSeconds();
    const t0 = Date.now();
    const posted = await this.fleet.post(plan, durationMs, action);
    const wallS = (Date.now() - t0) / 1000;
    const diskSync = (await probe?.stop()) ?? null;
    const competing = (await pressure?.stop()) ?? null;
    const serverCpuPct = ((this.server.cpuSeconds() - server0) / wallS) * 100;
    const botCpuPct = ((this.fleet.cpuSeconds() - bots0) / wallS) * 100;
    await sleep(3000);
    const report = await this.fleet.report();
    await this.fleet.measure(false);
    await this.server.rssAfterGcKb();
    const serverLoop = { ...this.server.lastLoop, worstWindowP99: this.server.worstLoopWindow(t0, t0 + wallS * 1000) };
    return { posted, report, wallS, serverCpuPct, botCpuPct, serverLoop, diskSync, competing };
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

/** A workshop on a running Verkstad server; by default one brainstorm (current, column q1). */
export async function createWorkshopAt(url: string, agenda: unknown[] = [{ kind: 'brainstorm', title: 'Idéer' }]): Promise<Created> {
  const res = await fetch(`${url}/api/workshops`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Lasttest', agenda, language: 'sv' }),
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
 * through the server's own Workshops/SqliteStore code before the server starts. For plenaries
 * too big to join through sockets in reasonable time on this machine: each join is fanned out
 * to everyone already there, so joining n over sockets costs n²/2 deliveries — at 4,000 that
 * is 8 million frames. The joins are all handed over at once: the store commits them in groups.
 */
export async function seedWorkshop(n: number): Promise<Seeded> {
  const dataDir = tempDataDir();
  const store = new SqliteStore(dataDir);
  try {
    const workshops = new Workshops(store);
    const { workshop, facilitatorKey } = await workshops.create({
      title: 'Lasttest',
      date: '',
      place: '',
      purpose: '',
      goal: '',
      language: 'sv',
      agenda: [{ kind: 'brainstorm', title: 'Idéer' }],
    });
    const kinds = ['kommun', 'region', 'kommun', 'brukarrepresentant', 'annan'] as const;
    const participants = await Promise.all(
      Array.from({ length: n }, (_, i) => {
        const token = newToken(i);
        const request = { token, name: `Deltagare ${i}`, organisation: `Organisation ${i % 40}`, orgKind: kinds[i % 5] };
        return new Promise<{ token: string; id: string }>((resolve, reject) =>
          workshops.join(workshop.id, request, (joined) =>
            joined.ok ? resolve({ token, id: joined.value.participant.id }) : reject(new Error(`seeding participant ${i}: ${joined.error}`)),
          ),
        );
      }),
    );
    const seq = (await workshops.read(workshop.id, ({ state }) => state.seq)) ?? 0;
    return { dataDir, workshopId: workshop.id, key: facilitatorKey, activityId: workshop.currentActivityId!, seq, participants };
  } finally {
    await store.close();
  }
}

/** Sizes with the quick mode's defaults, and flags over both. */
export function size(load: LoadOptions, key: 'participants' | 'rooms' | 'duration' | 'rate' | 'period' | 'minutes', full: number, quick: number): number {
  return load[key] ?? (load.quick ? quick : full);
}
