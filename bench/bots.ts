// The bot side of the load scenarios, coordinator half: a fleet of worker processes
// (bench/botWorker.ts, forked with tsx and the client-code hooks of bench/client/register.ts),
// each holding a share of the bots on its own event loop, so the bots neither share the
// server's event loop nor queue up behind one another on a single one. Every bot is a headless
// phone running the web client's own code (bench/client/headless.ts). Participant bot i lives in
// worker i % workers; the facilitator's and the projector's bots live in one more worker of
// their own, as a laptop and a projector are devices of their own: they fold every note of the
// workshop (and a facilitator every note of every room), which would hold up the phones that
// share their event loop.
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
  /** A newcomer: joins through the page's `join` (else the token is known to the server already). */
  join?: boolean;
  /** When to start connecting, ms after the connect request reached the worker. */
  atMs: number;
}

export type PostPlan =
  /** Every participant bot of the worker posts every `periodMs`, each with a random phase. */
  | { mode: 'each'; periodMs: number }
  /** The worker posts `perSecond` notes a second, from its participant bots in turn. */
  | { mode: 'rate'; perSecond: number; offsetMs: number };

/**
 * What a participant bot does on its turn, on the current activity, as its page lets it:
 * `note` writes a note (into its room during a breakout), `vote` places a dot or takes one back
 * as the dot voter allows, `edit` rewrites one of its own notes.
 */
export type PostAction = 'note' | 'vote' | 'edit';

/** A WorkshopState domain method and its arguments, e.g. ['openBreakout', [activityId, 'manual', rooms]]. */
export interface Call {
  method: string;
  args: unknown[];
}

export type ToWorker =
  | { type: 'connect'; url: string; workshopId: string; specs: BotSpec[]; timeoutMs: number }
  | { type: 'measure'; on: boolean; trackIds: boolean }
  | { type: 'post'; plan: PostPlan; durationMs: number; action: PostAction; workshopId?: string }
  | ({ type: 'call'; i: number } & Call)
  | { type: 'report' }
  | { type: 'close' };

/** The answer to a call: the command's ack as the page saw it, and what the method returned. */
export interface CallResult {
  ok: boolean;
  error?: string;
  value?: unknown;
}

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
  /** Still in the page's outbox a minute after the posting ended. */
  unacked: number;
}

/** What the bots' sockets saw, counted on the wire (bench/client/headless.ts). */
export interface WireCounts {
  snapshots: Record<BotRole, number>;
  syncs: number;
  /** Commands sent again: no ack within the client's timeout, a retryable refusal, or a reconnect. */
  resends: number;
  /** Bytes received by each participant bot, in bot order of its worker. */
  participantBytes: number[];
}

export interface Report {
  latency: HistogramData;
  received: Record<BotRole, number>;
  /** Note ids the facilitator bots received, when tracking (soak). */
  facilitatorIds: string[];
  breakoutSeen: number;
  wire: WireCounts;
  /** Notes whose event arrived but which the client's state did not hold after folding it. */
  unfolded: number;
  disconnects: Record<string, number>;
  /** Bots this worker holds. */
  bots: number;
  /** The worker's own event-loop delay: how far behind the bots themselves were, ms. */
  loopDelayP99: number;
  loopDelayMax: number;
  rssKb: number;
}

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

const WORKER = fileURLToPath(new URL('./botWorker.ts', import.meta.url));
/** Lets the worker import the client's runes modules (*.svelte.ts) as the browser build runs them. */
const HOOKS = fileURLToPath(new URL('./client/register.ts', import.meta.url));

export class BotFleet {
  /** The workers' RSS before any bot, with the client code loaded (KB, all together). */
  emptyRssKb = 0;
  #next = 1;
  #waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  /** Which worker holds each bot, by bot number. */
  readonly #home = new Map<number, number>();

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

  /** `count` workers for the participants, and one for the staff. */
  static async start(count: number): Promise<BotFleet> {
    const workers = Array.from({ length: count + 1 }, () =>
      fork(WORKER, [], {
        execArgv: ['--import', 'tsx', '--import', HOOKS, '--max-old-space-size=4096'],
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    const fleet = new BotFleet(workers);
    live.add(fleet);
    const empty = await fleet.all<Report>({ type: 'report' });
    fleet.emptyRssKb = empty.reduce((sum, r) => sum + r.rssKb, 0);
    return fleet;
  }

  /** The participants' workers: a rate is shared among these. */
  get size() {
    return this.workers.length - 1;
  }

  #workerOf(spec: BotSpec): number {
    return spec.role === 'participant' ? spec.i % this.size : this.size;
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

  /** Connect (and join) the bots; resolves when every one is ready or has failed. */
  async connect(url: string, workshopId: string, specs: BotSpec[], timeoutMs = 300_000) {
    for (const spec of specs) this.#home.set(spec.i, this.#workerOf(spec));
    const results = await this.all<ConnectResult>((w) => ({
      type: 'connect',
      url,
      workshopId,
      specs: specs.filter((s) => this.#home.get(s.i) === w),
      timeoutMs,
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

  /**
   * Bot `i` calls a domain method of its WorkshopState (e.g. the facilitator's openBreakout);
   * resolves once its command has its ack. Throws when it was refused.
   */
  async call(i: number, method: string, ...args: unknown[]): Promise<unknown> {
    const home = this.#home.get(i);
    if (home === undefined) throw new Error(`no bot ${i}`);
    const result = await this.request<CallResult>(home, { type: 'call', i, method, args });
    if (!result.ok) throw new Error(`${method} refused: ${result.error}`);
    return result.value;
  }

  /** Participant bots act by `plan` for `durationMs` (only those of `workshopId`, when given). */
  async post(plan: PostPlan | ((w: number) => PostPlan), durationMs: number, action: PostAction = 'note', workshopId?: string) {
    const results = await this.all<PostResult>((w) => ({
      type: 'post',
      plan: typeof plan === 'function' ? plan(w) : plan,
      durationMs,
      action,
      workshopId,
    }));
    const ackMs = new Histogram();
    const errors: Record<string, number> = {};
    let sent = 0;
    let acked = 0;
    let unacked = 0;
    const ackedIds: string[] = [];
    for (const r of results) {
      sent += r.sent;
      acked += r.acked;
      unacked += r.unacked;
      ackMs.merge(r.ackMs);
      for (const [code, n] of Object.entries(r.errors)) errors[code] = (errors[code] ?? 0) + n;
      for (const id of r.ackedIds) ackedIds.push(id);
    }
    return { sent, acked, errors, ackMs, ackedIds, unacked };
  }

  async report() {
    const reports = await this.all<Report>({ type: 'report' });
    const latency = new Histogram();
    const received: Record<BotRole, number> = { participant: 0, facilitator: 0, projector: 0 };
    const disconnects: Record<string, number> = {};
    const facilitatorIds = new Set<string>();
    let breakoutSeen = 0;
    let unfolded = 0;
    const wire: WireCounts = { snapshots: { participant: 0, facilitator: 0, projector: 0 }, syncs: 0, resends: 0, participantBytes: [] };
    for (const r of reports) {
      unfolded += r.unfolded;
      for (const role of Object.keys(wire.snapshots) as BotRole[]) wire.snapshots[role] += r.wire.snapshots[role];
      wire.syncs += r.wire.syncs;
      wire.resends += r.wire.resends;
      wire.participantBytes.push(...r.wire.participantBytes);
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
      wire,
      unfolded,
      bots: reports.reduce((sum, r) => sum + r.bots, 0),
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
