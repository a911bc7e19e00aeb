// "Acked means stored exactly once", under crashes and dropped connections. Bots (real
// socket.io-clients, each a joined participant) post numbered notes one after another through
// an outbox like the real client's: a command stays pending until acked and is resent with the
// SAME command id and noteId after a disconnect or an ack timeout. Meanwhile the server holding
// most of the bots is SIGKILLed and restarted (or the servers' database connections are cut),
// and/or bots drop their transport right after emitting. While a server is dead the store is
// read: everything acked so far must be in it. At the end the outcome is read from every bot's
// own folded state, from a fresh facilitator's snapshot and from the store itself, and compared
// with what the bots were told.
// Where it runs (crashDeployments.ts): one server on its SQLite file (tests/faults.test.ts and
// `npm run soak`, scripts/soak.ts), or several on PostgreSQL behind HAProxy (tests/cluster.test.ts).
import { nanoid } from 'nanoid';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, type Ack, type ClientToServerEvents, type ServerToClientEvents } from '../../shared/protocol.ts';
import { applyInPlace, fold } from '../../shared/workshop/apply.ts';
import type { Sequenced } from '../../shared/workshop/events.ts';
import type { Participant, Workshop } from '../../shared/workshop/model.ts';
import { view } from '../../shared/workshop/view.ts';
import { createWorkshop, facilitator, type TestClient } from './clients.ts';
import { singleServer, type Deployment } from './crashDeployments.ts';
import { seededRandom } from '../../shared/workshop/rooms.ts';

type BotSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ScenarioOptions {
  /** Seeds every random choice (kill moments, pauses, pacing, drops). Default: random. */
  seed?: number;
  bots?: number;
  /** Notes in all, shared out among the bots. */
  notes?: number;
  /** Faults while the bots post: SIGKILLs of the server holding most bots (or database cuts, see `fault`). */
  kills?: number;
  /** What a fault is: `kill` (default) a server SIGKILLed and restarted; `database` every
   *  connection of the servers to PostgreSQL ended and refused for `downMs`. */
  fault?: 'kill' | 'database';
  /** Where it runs; default one server on a SQLite file in a temp folder. */
  deployment?: () => Promise<Deployment>;
  /** Bots not all alike (for a cluster): every 4th from the 2nd on long-polling only, every
   *  4th from the 4th without the workshop in its query (HAProxy sends it round robin, so the
   *  workshop's sockets are spread over the servers); the rest WebSocket with it. Default: all
   *  WebSocket with the workshop named, as the web client connects. */
  mixedBots?: boolean;
  /** An `internal` refusal is kept and sent again, as the web client does (a store that is
   *  briefly unreachable); default false: it is a failure. */
  retryInternal?: boolean;
  /** What a bot's stream looking like a loss is (an event that skips a seq, a snapshot older
   *  than what it has seen): `problem` (default), or `anomaly`, listed in the result apart. */
  streamFaults?: 'problem' | 'anomaly';
  /** Share of command sends after which the bot closes its transport at once (0…1). */
  dropRate?: number;
  /** A bot's pause before each note, ms (min, max). */
  paceMs?: [number, number];
  /** How long the server stays dead (or the database cut off) before it is started again, ms (min, max). */
  downMs?: [number, number];
  /** A command not acked within this is resent (same id). */
  ackTimeoutMs?: number;
  /** The whole run, verification included, is given up after this (never hangs). */
  deadlineMs?: number;
  /** Progress lines (kills, restarts). */
  log?: (line: string) => void;
}

export interface ScenarioResult {
  seed: number;
  bots: number;
  notes: number;
  kills: number;
  drops: number;
  acked: number;
  /** Acked notes missing from the store or from the facilitator's snapshot. */
  lost: number;
  /** Extra copies: a noteId or a note text stored (or shown) more than once. */
  duplicates: number;
  /** Notes no bot sent. */
  unexpected: number;
  /** Bot notes whose `order` is not ascending in the bot's posting order. */
  outOfOrder: number;
  /** Sends beyond the first of each command. */
  resends: number;
  /** Resends the server answered from its record of command ids: the command had been stored
   *  before, its ack lost to a kill or a drop. */
  deduped: number;
  /** Notes in the file after a kill whose ack never reached the bot: acked only by a resend. */
  ackLost: number;
  rateLimited: number;
  /** `internal` refusals sent again (with `retryInternal`). */
  internal: number;
  /** Non-ok acks other than rate_limited (and internal with `retryInternal`): each one is a failure. */
  refused: number;
  integrity: string;
  durationMs: number;
  /** Server restarts and how long each took until /api/health answered (behind HAProxy: until it held it UP), ms. */
  restartMs: number[];
  /** From each kill until every bot was connected again, ms (behind HAProxy: on another server, or the same one back). */
  reconnectMs: number[];
  /** What each fault took, e.g. the server's name and its connections. */
  faults: string[];
  /** Everything that went wrong, in words; empty when the run proved the contract. */
  problems: string[];
  /** With `streamFaults: 'anomaly'`: the bots' streams that looked like a loss, in words. */
  anomalies: string[];
  /** Kept when something went wrong, for a look (a data folder, or a database's URL). */
  dataDir: string | null;
}

export const randomSeed = () => Math.floor(Math.random() * 2 ** 31);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const between = (rng: () => number, [min, max]: [number, number]) => min + rng() * (max - min);

class Deadline {
  constructor(public at: number) {}
  /** Give up now (e.g. the server could not be started again). */
  abort() {
    this.at = Math.min(this.at, Date.now());
  }
  get passed() {
    return Date.now() >= this.at;
  }
  left(cap = Infinity) {
    return Math.max(0, Math.min(cap, this.at - Date.now()));
  }
}

/** Resolves when `check()` holds; false if the deadline (or `ms`) came first. */
async function until(check: () => boolean, deadline: Deadline, ms = Infinity): Promise<boolean> {
  const stop = Date.now() + deadline.left(ms);
  while (!check()) {
    if (Date.now() >= stop) return false;
    await sleep(10);
  }
  return true;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(timer));
}

interface SentNote {
  bot: number;
  index: number;
  text: string;
  noteId: string;
  commandId: string;
  sends: number;
  /** The seq of the ok ack. */
  ackSeq?: number;
  /** Which send (1 = the first) the ok ack answered. */
  ackedOnSend?: number;
  /** The ok ack came from the server's record of command ids. */
  deduped?: boolean;
  refusal?: string;
}

interface Stats {
  acked: number;
  resends: number;
  drops: number;
  rateLimited: number;
  internal: number;
  refused: number;
  gaps: number;
  deduped: number;
  handshakeRetries: number;
}

/** How a bot connects: its transports, and whether it names its workshop in the query (`w`). */
interface Route {
  transports: Array<'websocket' | 'polling'>;
  named: boolean;
}
const WEB_CLIENT: Route = { transports: ['websocket'], named: true };
const describe = (route: Route) => `${route.transports.join('+')}${route.named ? '' : ', round robin'}`;
/** Every 4th bot from the 2nd polls, every 4th from the 4th is sent round robin (see `mixedBots`). */
const mixedRoute = (i: number): Route =>
  i % 4 === 1 ? { transports: ['polling'], named: true } : i % 4 === 3 ? { transports: ['websocket'], named: false } : WEB_CLIENT;
/** Handshake refusals the web client takes as final (connection.ts HANDSHAKE_ERRORS). */
const FINAL_REFUSALS = new Set(['removed', 'unauthorized', 'not_found', 'protocol', 'invalid']);

/** One participant on a phone: joined once, reconnects as itself, posts through an outbox. */
class Bot {
  readonly token = nanoid(24);
  readonly socket: BotSocket;
  readonly name: string;
  /** Seq of the last event seen: sent as `since` on every reconnect, as the real client does. */
  seq = 0;
  /** Note ids this bot's view holds (snapshot + events). */
  readonly seen = new Set<string>();
  /** The workshop as this bot sees it: its last snapshot with every event since folded in. */
  state: Workshop | null = null;
  participant: Participant | null = null;
  refusedWith: string | null = null;
  #retry: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly index: number,
    url: string,
    readonly workshopId: string,
    readonly activityId: string,
    readonly rng: () => number,
    readonly stats: Stats,
    readonly problems: string[],
    width: number,
    readonly route: Route = WEB_CLIENT,
    /** Where a stream that looks like a loss is written (problems, or anomalies). */
    readonly streamFaults: string[] = problems,
  ) {
    this.name = `b${String(index).padStart(width, '0')}`;
    this.socket = io(url, {
      auth: (cb) =>
        cb({ protocol: PROTOCOL_VERSION, workshopId, participantToken: this.token, ...(this.seq > 0 && { since: this.seq }) }),
      transports: route.transports,
      // As the web client: a load balancer keeps a workshop's sockets together by it.
      ...(route.named && { query: { w: workshopId } }),
      forceNew: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 1000,
      timeout: 5000,
    });
    this.socket.on('snapshot', (snapshot) => {
      const seq = snapshot.workshop.seq;
      if (seq < this.seq)
        streamFaults.push(`${this.name} (${describe(route)}): a snapshot at seq ${seq} after having seen seq ${this.seq}: the server forgot events`);
      this.seq = seq;
      this.state = snapshot.workshop;
      for (const id of Object.keys(snapshot.workshop.notes)) this.seen.add(id);
    });
    this.socket.on('events', (events: Sequenced[]) => {
      for (const { seq, event } of events) {
        if (seq <= this.seq) continue;
        if (seq !== this.seq + 1 && stats.gaps++ < 3)
          streamFaults.push(`${this.name} (${describe(route)}): event seq ${seq} after seq ${this.seq}, ${seq - this.seq - 1} missing`);
        this.seq = seq;
        if (this.state) this.state = applyInPlace(this.state, event, seq);
        if (event.type === 'note.added') this.seen.add(event.note.id);
      }
    });
    this.socket.on('connect_error', (err: Error & { data?: { error?: string } }) => {
      // A network failure has no data and socket.io keeps trying; a refusal of who we are is
      // final; another refusal (the server could not read the workshop just now) is asked
      // again in a moment, as the web client does (connection.ts).
      const code = err.data?.error;
      if (code && FINAL_REFUSALS.has(code) && !this.refusedWith) {
        this.refusedWith = code;
        problems.push(`${this.name}: handshake refused with ${code} (${err.message})`);
      } else if (code && !this.socket.active && !this.refusedWith) {
        this.stats.handshakeRetries++;
        clearTimeout(this.#retry);
        this.#retry = setTimeout(() => this.socket.connect(), 500);
      }
    });
    this.socket.on('ended', ({ error }) => problems.push(`${this.name}: ended by the server (${error})`));
  }

  /** Wait for a live connection; false at the deadline or after a final refusal. */
  connected(deadline: Deadline): Promise<boolean> {
    return until(() => this.socket.connected || !!this.refusedWith, deadline).then(
      (ok) => ok && !this.refusedWith && this.socket.connected,
    );
  }

  async join(deadline: Deadline, ackTimeoutMs: number): Promise<void> {
    while (!deadline.passed) {
      if (!(await this.connected(deadline))) break;
      try {
        const ack = (await this.socket.timeout(ackTimeoutMs).emitWithAck('join', {
          token: this.token,
          name: `Bot ${this.name}`,
          organisation: `Kommun ${this.index % 7}`,
          orgKind: 'kommun',
        })) as Ack<{ participant: Participant }>;
        if (ack.ok) {
          this.participant = ack.data.participant;
          return;
        }
        if (ack.error !== 'rate_limited') throw new Error(`${this.name}: join refused: ${ack.error} ${ack.message}`);
      } catch (err) {
        if ((err as Error).message.includes('join refused')) throw err;
      }
      await sleep(100);
    }
    throw new Error(`${this.name}: could not join before the deadline`);
  }

  /** The outbox for one command: resent with the same id until an ack says ok (or refuses). */
  async post(note: SentNote, opts: { ackTimeoutMs: number; dropRate: number; retryInternal: boolean }, deadline: Deadline): Promise<void> {
    const command = {
      id: note.commandId,
      type: 'note.add' as const,
      noteId: note.noteId,
      activityId: this.activityId,
      columnId: 'q1',
      text: note.text,
    };
    while (!deadline.passed) {
      if (!(await this.connected(deadline))) return;
      const resend = note.sends++ > 0;
      if (resend) this.stats.resends++;
      // The seq this bot had seen when the ack arrived, read in the ack callback itself: the
      // packets behind it in the same read (its own event, say) are handled before an awaiting
      // function would run again.
      let seenAtAck = 0;
      const answer = new Promise<Ack<{ seq: number }> | null>((resolve) =>
        this.socket.timeout(opts.ackTimeoutMs).emit('command', command, (err: Error | null, ack: Ack<{ seq: number }>) => {
          seenAtAck = this.seq;
          resolve(err ? null : ack);
        }),
      );
      if (opts.dropRate > 0 && this.rng() < opts.dropRate) {
        // The command is on the wire; the connection goes before its ack can come back.
        this.stats.drops++;
        this.socket.io.engine.close();
      }
      const ack = await answer;
      if (!ack) continue; // no ack in time, or disconnected: send the same command again once connected
      if (ack.ok) {
        // The ack goes out before the broadcast of its own event, and after this connection's
        // catch-up: a command run now is acked with a seq this bot has not seen yet, a command
        // answered from the record of ids with one it has (its event came before the kill or drop).
        if (ack.data.seq <= seenAtAck) {
          note.deduped = true;
          if (resend) this.stats.deduped++;
          else this.problems.push(`${this.name}: ${note.text} first sent, acked with seq ${ack.data.seq} already seen`);
        }
        note.ackSeq = ack.data.seq;
        note.ackedOnSend = note.sends;
        this.stats.acked++;
        return;
      }
      if (ack.error === 'rate_limited') {
        this.stats.rateLimited++;
        await sleep(1000);
        continue;
      }
      if (ack.error === 'internal' && opts.retryInternal) {
        this.stats.internal++;
        await sleep(500);
        continue;
      }
      // `exists` here would mean the id dedupe did not answer first: never expected.
      note.refusal = `${ack.error}: ${ack.message}`;
      this.stats.refused++;
      this.problems.push(`${this.name}: ${note.text} refused: ${ack.error} ${ack.message}`);
      return;
    }
  }

  close() {
    clearTimeout(this.#retry);
    this.socket.close();
  }
}

function shares(total: number, bots: number): number[] {
  return Array.from({ length: bots }, (_, i) => Math.floor(total / bots) + (i < total % bots ? 1 : 0));
}

export async function runScenario(options: ScenarioOptions = {}): Promise<ScenarioResult> {
  const seed = options.seed ?? randomSeed();
  const botCount = options.bots ?? 40;
  const total = options.notes ?? 2000;
  const kills = options.kills ?? 3;
  const fault = options.fault ?? 'kill';
  const dropRate = options.dropRate ?? 0;
  const paceMs = options.paceMs ?? [40, 120];
  const downMs = options.downMs ?? [100, 600];
  const ackTimeoutMs = options.ackTimeoutMs ?? 3000;
  const retryInternal = options.retryInternal ?? false;
  const log = options.log ?? (() => {});
  const started = Date.now();
  const deadline = new Deadline(started + (options.deadlineMs ?? 90_000));
  // Verification gets its own few seconds even when posting ran into the deadline.
  const postingDeadline = new Deadline(deadline.at - 10_000);
  const problems: string[] = [];
  const anomalies: string[] = [];
  const streamFaults = options.streamFaults === 'anomaly' ? anomalies : problems;
  const stats: Stats = { acked: 0, resends: 0, drops: 0, rateLimited: 0, internal: 0, refused: 0, gaps: 0, deduped: 0, handshakeRetries: 0 };
  const sent: SentNote[] = [];
  const restartMs: number[] = [];
  const reconnectMs: number[] = [];
  const faults: string[] = [];
  let killsDone = 0;
  /** Notes found in the store at a kill before the bot had their ack, with their send count then. */
  const storedAtKill = new Map<SentNote, number>();
  let ackLost = 0;
  let integrity = 'not checked';
  let deployment: Deployment | null = null;
  let bots: Bot[] = [];
  let fac: TestClient | null = null;
  const figures = { lost: 0, duplicates: 0, unexpected: 0, outOfOrder: 0 };

  try {
    // Crash safety, not the limits: each bot posts far faster than a person may (quotas.ts).
    deployment = await (options.deployment ?? (() => singleServer({ QUOTAS: BOT_QUOTAS })))();
    const where = deployment;
    if (fault === 'database' && !where.cutDatabase) throw new Error('this deployment has no database to cut');
    const created = await withTimeout(
      createWorkshop(where.url, { title: 'Fault test', agenda: [{ kind: 'brainstorm' }] }),
      10_000,
      'POST /api/workshops',
    );
    const activityId = await activityOf(where.url, created);
    const width = String(botCount - 1).length < 2 ? 2 : String(botCount - 1).length;
    bots = Array.from(
      { length: botCount },
      (_, i) =>
        new Bot(
          i,
          where.url,
          created.id,
          activityId,
          seededRandom(seed ^ Math.imul(i + 1, 0x9e3779b1)),
          stats,
          problems,
          width,
          options.mixedBots ? mixedRoute(i) : WEB_CLIENT,
          streamFaults,
        ),
    );
    await Promise.all(bots.map((bot) => bot.join(postingDeadline, ackTimeoutMs)));
    log(`${botCount} bots joined after ${Date.now() - started} ms`);

    /** After a fault: how long until every bot is connected again (measured in the background). */
    const timeReconnect = (t0: number) =>
      until(() => bots.every((b) => b.socket.connected || !!b.refusedWith), postingDeadline, 30_000).then(
        (ok) => ok && reconnectMs.push(Date.now() - t0),
      );
    /** While a server is dead (or just after the cut): everything acked so far is in the store. */
    const checkStored = async (k: number) => {
      // The acks before the read: behind HAProxy the other servers go on acking meanwhile.
      const acked = sent.filter((n) => n.ackSeq !== undefined);
      const stored = await where.noteIds(created.id);
      const missing = acked.filter((n) => !stored.has(n.noteId));
      if (missing.length)
        problems.push(
          `fault ${k + 1}: ${missing.length} acked notes not in the store after the fault: ` +
            missing.slice(0, 5).map((n) => `${n.text} (ack seq ${n.ackSeq})`).join(', '),
        );
      const unacked = sent.filter((n) => n.ackSeq === undefined && stored.has(n.noteId));
      // Stored without their ack leaving the process: those resends must be answered from the dedupe.
      if (fault === 'kill') for (const n of unacked) storedAtKill.set(n, n.sends);
      return unacked.length;
    };

    // Fault moments: a random number of notes acked since the last one (a quarter to all of an
    // equal share of the notes still to come), then a random few ms — so every fault lands
    // while the bots are back and busy, and the faults are done before the notes are.
    const rng = seededRandom(seed);
    let posting = true;
    const killer = (async () => {
      let since = 0;
      for (let k = 0; k < kills; k++) {
        const share = (total - stats.acked) / (kills - k + 1);
        const gap = Math.max(1, Math.floor(share * (0.25 + 0.75 * rng())));
        if (!(await until(() => stats.acked >= since + gap || !posting, postingDeadline))) return;
        if (!posting) return;
        await sleep(rng() * 100);
        const down = between(rng, downMs);
        const t0 = Date.now();
        if (fault === 'database') {
          faults.push(await where.cutDatabase!(down));
          killsDone++;
          const unacked = await checkStored(k);
          restartMs.push(Date.now() - t0);
          log(`cut ${k + 1}/${kills} at ${stats.acked} acked (${unacked} more stored, not acked yet): ${faults.at(-1)}`);
        } else {
          faults.push(await where.kill());
          killsDone++;
          const reconnected = timeReconnect(t0);
          const unacked = await checkStored(k);
          await sleep(Math.max(0, down - (Date.now() - t0)));
          const t = Date.now();
          await where.restart();
          restartMs.push(Date.now() - t);
          await reconnected;
          log(
            `kill ${k + 1}/${kills} of ${faults.at(-1)} at ${stats.acked} acked (${unacked} more stored, not acked yet), ` +
              `down ${Math.round(down)} ms, back after ${restartMs.at(-1)} ms more; every bot connected ${reconnectMs.at(-1) ?? '–'} ms after the kill`,
          );
        }
        since = stats.acked;
      }
    })().catch((err: Error) => {
      problems.push(`the faults failed: ${err.message}`);
      postingDeadline.abort();
    });

    const noteWidth = Math.max(4, String(Math.max(...shares(total, botCount))).length);
    await Promise.all(
      shares(total, botCount).map(async (count, b) => {
        const bot = bots[b];
        for (let i = 0; i < count && !postingDeadline.passed && !bot.refusedWith; i++) {
          await sleep(between(bot.rng, paceMs));
          const note: SentNote = {
            bot: b,
            index: i,
            text: `${bot.name}-${String(i).padStart(noteWidth, '0')}`,
            noteId: nanoid(),
            commandId: nanoid(),
            sends: 0,
          };
          sent.push(note);
          await bot.post(note, { ackTimeoutMs, dropRate, retryInternal }, postingDeadline);
          if (note.ackSeq === undefined) break; // refused or out of time: its later notes would tell nothing
        }
      }),
    );
    posting = false;
    log(`posting done after ${Date.now() - started} ms`);
    await killer;
    if (killsDone < kills) problems.push(`only ${killsDone} of ${kills} faults happened before the bots were done`);
    if (where.down) await where.restart();

    const notAcked = sent.filter((n) => n.ackSeq === undefined && !n.refusal);
    const unsent = total - sent.length;
    if (notAcked.length || unsent)
      problems.push(
        `${total - stats.acked} of ${total} notes never acked by the deadline` +
          ` (${notAcked.length} pending, e.g. ${notAcked.slice(0, 5).map((n) => n.text).join(', ')}; ${unsent} never sent)`,
      );

    // Every bot's own view, kept up by events and catch-up after each reconnect, ends complete.
    const ackedIds = sent.filter((n) => n.ackSeq !== undefined).map((n) => n.noteId);
    const complete = (bot: Bot) => ackedIds.every((id) => bot.seen.has(id));
    if (!(await until(() => bots.every(complete), deadline, 10_000))) {
      const behind = bots.filter((b) => !complete(b));
      problems.push(
        `${behind.length} bot views never received every acked note` +
          ` (e.g. ${behind[0].name}: ${ackedIds.filter((id) => !behind[0].seen.has(id)).length} missing, seq ${behind[0].seq})`,
      );
    }
    if (stats.gaps) streamFaults.push(`${stats.gaps} times a bot received an event that skipped a seq`);

    // A fresh facilitator reads the whole state from its snapshot.
    fac = await withTimeout(facilitator(where.url, created), deadline.left(10_000), 'facilitator snapshot');
    const state = fac.state!;

    // The store itself, read beside the running servers.
    const stored = await where.read(created.id);
    integrity = stored.integrity;
    if (integrity !== 'ok') problems.push(`the store's own check: ${integrity}`);
    const { events, commands } = stored;
    events.forEach((e, i) => {
      if (e.seq !== i + 1) problems.push(`stored seqs are not 1, 2, 3, …: position ${i + 1} holds seq ${e.seq}`);
    });
    const folded = fold(events);
    if (!folded) problems.push('the stored events do not fold into a workshop');
    else {
      if (JSON.stringify(sortedNotes(folded)) !== JSON.stringify(sortedNotes(state)))
        problems.push("the facilitator's snapshot notes differ from the notes folded from the stored events");
      sameAsStore(bots, folded, problems);
    }

    verify({ sent, events, commands, state, problems, figures, bots });
    // Stored by a process that died before its ack reached the bot: a later send got the ack,
    // and it must have come from the record of ids (the note is there once, checked above).
    const resentAfterKill = [...storedAtKill].filter(([n, sends]) => (n.ackedOnSend ?? 0) > sends).map(([n]) => n);
    ackLost = resentAfterKill.length;
    const rerun = resentAfterKill.filter((n) => !n.deduped);
    if (rerun.length)
      problems.push(
        `${rerun.length} notes stored before a kill were acked after it with a new seq: ${rerun.map((n) => n.text).join(', ')}`,
      );
    problems.push(...(await where.problems()));
  } catch (err) {
    problems.push(`the run failed: ${(err as Error).stack ?? err}`);
    if (deployment) problems.push(`last server output:\n${deployment.output().split('\n').slice(-15).join('\n')}`);
  } finally {
    fac?.close();
    for (const bot of bots) bot.close();
  }
  const failed = problems.length > 0;
  const kept = (await deployment?.stop(failed).catch(() => null)) ?? null;
  return {
    seed,
    bots: botCount,
    notes: total,
    kills: killsDone,
    drops: stats.drops,
    acked: stats.acked,
    ...figures,
    resends: stats.resends,
    deduped: stats.deduped,
    ackLost,
    rateLimited: stats.rateLimited,
    internal: stats.internal,
    refused: stats.refused,
    integrity,
    durationMs: Date.now() - started,
    restartMs,
    reconnectMs,
    faults,
    problems,
    anomalies,
    dataDir: kept,
  };
}

/** The servers' limits for bots that post far faster than a person may. */
export const BOT_QUOTAS = 'notesPerParticipant=100000,commandsPerParticipant=100000';

/**
 * Every bot's own state, folded from its snapshot and the events it was sent, is what `view`
 * lets that participant see of the state folded from the store: the same notes, field by
 * field, at the same seq, with the same participants.
 */
function sameAsStore(bots: Bot[], folded: Workshop, problems: string[]) {
  const differ: string[] = [];
  for (const bot of bots) {
    if (!bot.state || !bot.participant) {
      differ.push(`${bot.name} has no state`);
      continue;
    }
    const expected = view(folded, { role: 'participant', participantId: bot.participant.id });
    const mine = bot.state;
    if (mine.seq !== expected.seq) differ.push(`${bot.name} at seq ${mine.seq}, the store at ${expected.seq}`);
    else if (JSON.stringify(allNotes(mine)) !== JSON.stringify(allNotes(expected))) differ.push(`${bot.name}: its notes differ`);
    else if (Object.keys(mine.participants).sort().join() !== Object.keys(expected.participants).sort().join())
      differ.push(`${bot.name}: its participants differ`);
  }
  if (differ.length) problems.push(`${differ.length} bots' final state is not the store's: ${differ.slice(0, 5).join(', ')}`);
}

/** Every note with every field, in order, keys sorted: comparable as JSON. */
const allNotes = (state: Workshop) =>
  Object.values(state.notes)
    .sort((a, b) => a.order - b.order)
    .map((note) => Object.fromEntries(Object.entries(note).sort(([a], [b]) => a.localeCompare(b))));

/** The workshop's one activity, read from a public snapshot. */
async function activityOf(url: string, created: { id: string }): Promise<string> {
  const socket: BotSocket = io(url, {
    auth: { protocol: PROTOCOL_VERSION, workshopId: created.id },
    transports: ['websocket'],
    forceNew: true,
  });
  try {
    const snapshot = await withTimeout(
      new Promise<Workshop>((resolve) => socket.once('snapshot', (s) => resolve(s.workshop))),
      10_000,
      'public snapshot',
    );
    return snapshot.activities[0].id;
  } finally {
    socket.close();
  }
}

function sortedNotes(state: Workshop) {
  return Object.values(state.notes)
    .map(({ id, text, order, authorId, columnId, activityId }) => ({ id, text, order, authorId, columnId, activityId }))
    .sort((a, b) => a.order - b.order);
}

function verify(input: {
  sent: SentNote[];
  events: Sequenced[];
  commands: Map<string, number>;
  state: Workshop;
  problems: string[];
  figures: { lost: number; duplicates: number; unexpected: number; outOfOrder: number };
  bots: Bot[];
}) {
  const { sent, events, commands, state, problems, figures, bots } = input;
  const some = <T>(list: T[], show: (t: T) => string, n = 5) =>
    list.slice(0, n).map(show).join(', ') + (list.length > n ? `, … (${list.length})` : '');
  const byId = new Map(sent.map((n) => [n.noteId, n]));

  // The store: one note.added per noteId and per text.
  const stored = new Map<string, Array<{ seq: number; text: string }>>();
  const storedTexts = new Map<string, number>();
  for (const { seq, event } of events) {
    if (event.type === 'workshop.created' || event.type === 'participant.joined') continue;
    if (event.type !== 'note.added') {
      problems.push(`an unexpected ${event.type} event is stored at seq ${seq}`);
      continue;
    }
    const list = stored.get(event.note.id) ?? [];
    list.push({ seq, text: event.note.text });
    stored.set(event.note.id, list);
    storedTexts.set(event.note.text, (storedTexts.get(event.note.text) ?? 0) + 1);
  }
  const participantIds = new Map(bots.map((b) => [b.participant?.id, b.index]));

  const lost: SentNote[] = [];
  const wrongSeq: string[] = [];
  for (const note of sent) {
    if (note.ackSeq === undefined) continue;
    const copies = stored.get(note.noteId) ?? [];
    const shown = state.notes[note.noteId];
    if (!copies.length || !shown) {
      lost.push(note);
      continue;
    }
    if (copies[0].seq !== note.ackSeq) wrongSeq.push(`${note.text} acked seq ${note.ackSeq}, stored at ${copies[0].seq}`);
    if (copies[0].text !== note.text || shown.text !== note.text) wrongSeq.push(`${note.text} stored as "${copies[0].text}"`);
    if (shown.order !== note.ackSeq) wrongSeq.push(`${note.text} acked seq ${note.ackSeq}, order ${shown.order}`);
    if (participantIds.get(shown.authorId ?? '') !== note.bot) wrongSeq.push(`${note.text} has author ${shown.authorId}`);
    if (commands.get(note.commandId) !== note.ackSeq)
      wrongSeq.push(`${note.text}: command id recorded with seq ${commands.get(note.commandId)}`);
  }
  figures.lost = lost.length;
  if (lost.length) problems.push(`${lost.length} acked notes lost: ${some(lost, (n) => `${n.text} (ack seq ${n.ackSeq})`)}`);
  if (wrongSeq.length) problems.push(`${wrongSeq.length} notes not stored as acked: ${some(wrongSeq, (s) => s)}`);

  // Doubles: a noteId stored twice, a text stored twice (same note under two ids), or shown twice.
  const idTwice = [...stored].filter(([, copies]) => copies.length > 1);
  const textTwice = [...storedTexts].filter(([, count]) => count > 1);
  const shownTexts = new Map<string, number>();
  for (const n of Object.values(state.notes)) shownTexts.set(n.text, (shownTexts.get(n.text) ?? 0) + 1);
  const shownTwice = [...shownTexts].filter(([, count]) => count > 1);
  // Counted once per extra copy, whether the store or the snapshot shows it.
  figures.duplicates = Math.max(
    idTwice.reduce((s, [, c]) => s + c.length - 1, 0) + textTwice.reduce((s, [, c]) => s + c - 1, 0),
    shownTwice.reduce((s, [, c]) => s + c - 1, 0),
  );
  if (idTwice.length) problems.push(`noteIds stored more than once: ${some(idTwice, ([id, c]) => `${id} ×${c.length}`)}`);
  if (textTwice.length) problems.push(`note texts stored more than once: ${some(textTwice, ([t, c]) => `${t} ×${c}`)}`);
  if (shownTwice.length) problems.push(`note texts shown more than once: ${some(shownTwice, ([t, c]) => `${t} ×${c}`)}`);

  // Nothing no bot sent, and nothing sent but never acked that got stored anyway.
  const strangers = [...new Set([...stored.keys(), ...Object.keys(state.notes)])].filter((id) => !byId.has(id));
  const unacked = [...stored.keys()].filter((id) => byId.has(id) && byId.get(id)!.ackSeq === undefined);
  figures.unexpected = strangers.length;
  if (strangers.length) problems.push(`${strangers.length} notes no bot sent: ${some(strangers, (id) => id)}`);
  if (unacked.length) problems.push(`${unacked.length} notes stored but never acked: ${some(unacked, (id) => byId.get(id)!.text)}`);

  // Each bot's notes in its posting order.
  const outOfOrder: string[] = [];
  for (const bot of bots) {
    let last = 0;
    for (const note of sent.filter((n) => n.bot === bot.index).sort((a, b) => a.index - b.index)) {
      const order = state.notes[note.noteId]?.order;
      if (order === undefined) continue;
      if (order <= last) outOfOrder.push(`${note.text} (order ${order} after ${last})`);
      last = Math.max(last, order);
    }
  }
  figures.outOfOrder = outOfOrder.length;
  if (outOfOrder.length) problems.push(`${outOfOrder.length} notes out of their bot's order: ${some(outOfOrder, (s) => s)}`);
}

export function summaryLine(r: ScenarioResult): string {
  return [
    `seed ${r.seed}`,
    `${r.bots} bots`,
    `kills ${r.kills}`,
    ...(r.drops ? [`drops ${r.drops}`] : []),
    `acked ${r.acked}/${r.notes}`,
    `lost ${r.lost}`,
    `duplicates ${r.duplicates}`,
    `unexpected ${r.unexpected}`,
    `out of order ${r.outOfOrder}`,
    `resends ${r.resends} (${r.deduped} answered from the command-id record)`,
    ...(r.kills ? [`acks lost to a kill ${r.ackLost}`] : []),
    `rate limited ${r.rateLimited}`,
    ...(r.internal ? [`internal refusals sent again ${r.internal}`] : []),
    `integrity ${r.integrity}`,
    ...(r.reconnectMs.length ? [`every bot connected again ${r.reconnectMs.join(', ')} ms after each fault`] : []),
    `${(r.durationMs / 1000).toFixed(1)} s`,
  ].join(', ');
}
