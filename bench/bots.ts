// The bot side of the load scenarios, coordinator half: a fleet of worker processes
// (bench/botWorker.ts, forked with tsx), each holding a share of the socket.io-client
// connections on its own event loop, so the bots neither share the server's event loop nor
// queue up behind one another on a single one. Bot i lives in worker i % workers.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Histogram, type HistogramData } from './latency.ts';
import { cpuSeconds } from './loadServer.ts';

export type BotRole = 'participant' | 'facilitator' | 'projector';

export interface BotSpec {
  /** Bot number, unique in a run; written into each note so receivers can tell the author. */
  i: number;
  role: BotRole;
  /** Participant token (handshake `participantToken`, and the `join` token). */
  token?: string;
  /** Facilitator key. */
  key?: string;
  /** Send `join` after the first snapshot and wait for the participant snapshot. */
  join?: boolean;
  /** Handshake `since`: a client that already has the state up to this seq gets no snapshot. */
  since?: number;
  /** Known participant id (store-seeded participants connecting with `since`). */
  participantId?: string;
  /** When to start connecting, ms after the connect request reached the worker. */
  atMs: number;
}

export type PostPlan =
  /** Every participant bot of the worker posts every `periodMs`, each with a random phase. */
  | { mode: 'each'; periodMs: number }
  /** The worker posts `perSecond` notes a second, from its participant bots in turn. */
  | { mode: 'rate'; perSecond: number; offsetMs: number };

export type ToWorker =
  | { type: 'connect'; url: string; workshopId: string; specs: BotSpec[]; timeoutMs: number; syncOnGap: boolean }
  | { type: 'measure'; on: boolean; trackIds: boolean }
  | { type: 'post'; plan: PostPlan; durationMs: number; activityId: string; columnId: string }
  | { type: 'command'; i: number; command: Record<string, unknown> }
  | { type: 'report' }
  | { type: 'close' };

export interface ConnectResult {
  ready: number;
  failed: Record<string, number>;
  /** Connect start to the first full state (participants: the snapshot after `join`). */
  readyMs: HistogramData;
  ids: Array<[number, string]>;
}

export interface PostResult {
  sent: number;
  acked: number;
  errors: Record<string, number>;
  /** Send to ack, ms. */
  ackMs: HistogramData;
  /** Ids of acked notes, when tracking (soak). */
  ackedIds: string[];
}

export interface Report {
  latency: HistogramData;
  received: Record<BotRole, number>;
  /** Note ids the facilitator bots received, when tracking (soak). */
  facilitatorIds: string[];
  breakoutSeen: number;
  /** `sync` requests sent on a gap in seq (only with syncOnGap). */
  syncs: number;
  disconnects: Record<string, number>;
  /** The worker's own event-loop delay: how far behind the bots themselves were, ms. */
  loopDelayP99: number;
  loopDelayMax: number;
  rssKb: number;
}

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

const WORKER = fileURLToPath(new URL('./botWorker.ts', import.meta.url));

export class BotFleet {
  #next = 1;
  #waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(readonly workers: ChildProcess[]) {
    for (const worker of workers) {
      worker.on('message', (reply: Reply) => {
        const waiter = this.#waiting.get(reply.id);
        if (!waiter) return;
        this.#waiting.delete(reply.id);
        if (reply.ok) waiter.resolve(reply.value);
        else waiter.reject(new Error(reply.error));
      });
      worker.on('exit', (code, signal) => {
        if (code === 0) return;
        for (const waiter of this.#waiting.values()) waiter.reject(new Error(`bot worker exited (${code ?? signal})`));
        this.#waiting.clear();
      });
    }
  }

  static async start(count: number): Promise<BotFleet> {
    const workers = Array.from({ length: count }, () =>
      fork(WORKER, [], {
        execArgv: ['--import', 'tsx', '--max-old-space-size=4096'],
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    const fleet = new BotFleet(workers);
    live.add(fleet);
    await Promise.all(workers.map((_, w) => fleet.request(w, { type: 'report' })));
    return fleet;
  }

  get size() {
    return this.workers.length;
  }

  workerOf(i: number): number {
    return i % this.workers.length;
  }

  request<T>(w: number, message: ToWorker): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.workers[w].send({ id, ...message });
    });
  }

  all<T>(message: ToWorker | ((w: number) => ToWorker)): Promise<T[]> {
    return Promise.all(this.workers.map((_, w) => this.request<T>(w, typeof message === 'function' ? message(w) : message)));
  }

  /**
   * Connect (and join) the bots; resolves when every one is ready or has failed. With
   * `syncOnGap` each bot also does what the web client does on a gap in seq (client/src/lib/
   * workshop.svelte.ts): ask for a `sync`.
   */
  async connect(url: string, workshopId: string, specs: BotSpec[], timeoutMs = 300_000, syncOnGap = false) {
    const results = await this.all<ConnectResult>((w) => ({
      type: 'connect',
      url,
      workshopId,
      specs: specs.filter((s) => this.workerOf(s.i) === w),
      timeoutMs,
      syncOnGap,
    }));
    const readyMs = new Histogram();
    const failed: Record<string, number> = {};
    const ids = new Map<number, string>();
    let ready = 0;
    for (const r of results) {
      ready += r.ready;
      readyMs.merge(r.readyMs);
      for (const [code, n] of Object.entries(r.failed)) failed[code] = (failed[code] ?? 0) + n;
      for (const [i, id] of r.ids) ids.set(i, id);
    }
    return { ready, failed, readyMs, ids };
  }

  measure(on: boolean, trackIds = false) {
    return this.all<void>({ type: 'measure', on, trackIds });
  }

  /** One command from bot `i` (e.g. the facilitator's breakout.open); resolves with its ack. */
  command(i: number, command: Record<string, unknown>) {
    return this.request<{ ok: boolean; error?: string; message?: string; data?: unknown }>(this.workerOf(i), {
      type: 'command',
      i,
      command,
    });
  }

  async post(plan: PostPlan | ((w: number) => PostPlan), durationMs: number, activityId: string, columnId: string) {
    const results = await this.all<PostResult>((w) => ({
      type: 'post',
      plan: typeof plan === 'function' ? plan(w) : plan,
      durationMs,
      activityId,
      columnId,
    }));
    const ackMs = new Histogram();
    const errors: Record<string, number> = {};
    let sent = 0;
    let acked = 0;
    const ackedIds: string[] = [];
    for (const r of results) {
      sent += r.sent;
      acked += r.acked;
      ackMs.merge(r.ackMs);
      for (const [code, n] of Object.entries(r.errors)) errors[code] = (errors[code] ?? 0) + n;
      for (const id of r.ackedIds) ackedIds.push(id);
    }
    return { sent, acked, errors, ackMs, ackedIds };
  }

  async report() {
    const reports = await this.all<Report>({ type: 'report' });
    const latency = new Histogram();
    const received: Record<BotRole, number> = { participant: 0, facilitator: 0, projector: 0 };
    const disconnects: Record<string, number> = {};
    const facilitatorIds = new Set<string>();
    let breakoutSeen = 0;
    let syncs = 0;
    for (const r of reports) {
      syncs += r.syncs;
      latency.merge(r.latency);
      for (const role of Object.keys(received) as BotRole[]) received[role] += r.received[role];
      for (const [reason, n] of Object.entries(r.disconnects)) disconnects[reason] = (disconnects[reason] ?? 0) + n;
      for (const id of r.facilitatorIds) facilitatorIds.add(id);
      breakoutSeen += r.breakoutSeen;
    }
    return {
      latency,
      received,
      disconnects,
      facilitatorIds,
      breakoutSeen,
      syncs,
      loopDelayP99: Math.max(...reports.map((r) => r.loopDelayP99)),
      loopDelayMax: Math.max(...reports.map((r) => r.loopDelayMax)),
      rssKb: reports.reduce((sum, r) => sum + r.rssKb, 0),
    };
  }

  /** CPU seconds used so far by all bot processes together. */
  cpuSeconds(): number {
    return this.workers.reduce((sum, w) => sum + (w.pid ? cpuSeconds(w.pid) : 0), 0);
  }

  async close(): Promise<void> {
    live.delete(this);
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.exitCode !== null || w.signalCode !== null) return resolve();
            const timer = setTimeout(() => w.kill('SIGKILL'), 10_000);
            w.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            w.send({ id: 0, type: 'close' });
          }),
      ),
    );
  }
}

// A bench that crashes must not leave bot processes behind.
const live = new Set<BotFleet>();
process.once('exit', () => {
  for (const fleet of live) for (const w of fleet.workers) w.kill('SIGKILL');
});
