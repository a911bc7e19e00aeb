// The bot side of the load scenarios, worker half: one process holding a share of the bots,
// each a headless phone (bench/client/headless.ts) running the web client's own WorkshopState
// and Connection. A bot acts only through the class's domain methods (join, addNote, castVote,
// editNote, the facilitator's openBreakout …), and a note counts as received when the class
// has folded its event into the state: it is read back from `state.workshop.notes`. A note's
// text starts with its send time and its author's bot number, so any receiver can time it
// without a side table.
//
// What the client code costs per bot is noted below every phase (figures.ts botCost); see also
// BOT_COST below.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { WorkshopState } from '../client/src/lib/workshop.svelte.ts';
import type { Sequenced } from '../shared/workshop/events.ts';
import type { BotRole, BotSpec, CallResult, ConnectResult, PostPlan, PostResult, Report, ToWorker } from './bots.ts';
import { HeadlessPhone, type Outcome } from './client/headless.ts';
import { turn } from './client/turns.ts';
import { clock, Histogram } from './latency.ts';

// BOT_COST, measured with 1,000 bots in 2 workers on this 2-core machine (Dec 2026): a phone
// takes ~370 KB (the lean socket.io-client bots before it: 73 KB), mostly its own copy of the
// workshop. Joining a hall of 1,000 costs ~85 ms of CPU per phone (lean: 15 ms): the client's
// `apply` copies the participants record for every later join, so the hall's joins cost ~85 s
// of CPU and take a minute or more here instead of 10 s. Posting in a plenary at 10 notes/s
// costs ~0.8 ms of CPU per phone a second (lean: ~0.35): ~70 µs per event folded, of which
// Svelte's runes are ~10 %, the rest `apply` copying the notes record. All of it comes out of
// the same 2 cores the server runs on.

interface Bot extends BotSpec {
  phone: HeadlessPhone;
  workshopId: string;
  ready: boolean;
  sent: number;
  breakoutSeen: boolean;
}

const ORGANISATIONS: Array<[string, 'kommun' | 'region' | 'brukarrepresentant' | 'annan']> = [
  ['Nybro kommun', 'kommun'],
  ['Region Kalmar län', 'region'],
  ['Kalmar kommun', 'kommun'],
  ['Brukarrådet', 'brukarrepresentant'],
  ['Försäkringskassan', 'annan'],
];
/** How long a phase waits at its end for answers still on their way (the client never gives up). */
const DRAIN_MS = 60_000;

const bots = new Map<number, Bot>();
let measuring = false;
let trackIds = false;
let latency = new Histogram();
let received: Record<BotRole, number> = { participant: 0, facilitator: 0, projector: 0 };
let facilitatorIds = new Set<string>();
let breakoutSeen = 0;
let unfolded = 0;
let disconnects: Record<string, number> = {};
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

/** After the client folded a batch (its listener runs first): time the notes it now holds. */
function onEvents(bot: Bot, batch: Sequenced[]) {
  const now = clock();
  const state = bot.phone.state;
  if (!bot.breakoutSeen && state.openBreakoutActivity) {
    bot.breakoutSeen = true;
    breakoutSeen++;
  }
  if (!measuring) return;
  for (const { event } of batch) {
    const noteId = event.type === 'note.added' ? event.note.id : event.type === 'note.edited' ? event.noteId : null;
    if (noteId === null) continue;
    const note = state.workshop?.notes[noteId];
    if (!note) {
      unfolded++;
      continue;
    }
    const text = note.text;
    const first = text.indexOf(' ');
    const author = Number(text.slice(first + 1, text.indexOf(' ', first + 1)));
    if (author === bot.i || !(first > 0)) continue; // the author's own copy is no delivery to someone else
    latency.add(now - Number(text.slice(0, first)));
    received[bot.role]++;
    if (trackIds && bot.role === 'facilitator') facilitatorIds.add(noteId);
  }
}

/** What the bot waits for before it counts as in: its first full state, as its page would show it. */
function ready(bot: Bot): (state: WorkshopState) => boolean {
  if (bot.role === 'participant') return (state) => state.you.role === 'participant';
  return (state) => state.workshop !== null;
}

async function connectOne(url: string, workshopId: string, spec: BotSpec, timeoutMs: number): Promise<{ ms?: number; error?: string }> {
  const t0 = clock();
  const phone = new HeadlessPhone({
    workshopId,
    url,
    ...(spec.key !== undefined && { facilitatorKey: spec.key }),
    ...(spec.token !== undefined && { participantToken: spec.token }),
  });
  const bot: Bot = { ...spec, phone, workshopId, ready: false, sent: 0, breakoutSeen: false };
  bots.set(spec.i, bot);
  phone.socket.on('events', (batch: Sequenced[]) => onEvents(bot, batch));
  phone.socket.on('disconnect', (reason: string) => {
    if (bot.ready) disconnects[reason] = (disconnects[reason] ?? 0) + 1;
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), timeoutMs)));
  try {
    phone.state.connect();
    if (spec.join) {
      // The join form, filled in at once (the page waits for the connection under way itself).
      // "Offline, try again" (no connection or no answer within the client's 10 s): tapped again.
      const [organisation, orgKind] = ORGANISATIONS[spec.i % ORGANISATIONS.length];
      const request = { token: spec.token!, name: `Deltagare ${spec.i}`, organisation, orgKind };
      for (;;) {
        const ack = await Promise.race([phone.state.join(request), timeout]);
        if (ack.ok) break;
        if (ack.error !== 'internal') throw new Error(`join ${ack.error}`);
      }
    }
    await Promise.race([phone.until(ready(bot)), timeout]);
    bot.ready = true;
    return { ms: clock() - t0 };
  } catch (err) {
    phone.destroy();
    bots.delete(spec.i);
    return { error: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

async function connect(message: Extract<ToWorker, { type: 'connect' }>): Promise<ConnectResult> {
  const readyMs = new Histogram();
  const failed: Record<string, number> = {};
  let count = 0;
  await Promise.all(
    message.specs.map(
      (spec) =>
        new Promise<void>((resolve) => {
          setTimeout(async () => {
            const outcome = await connectOne(message.url, message.workshopId, spec, message.timeoutMs);
            if (outcome.error) failed[outcome.error] = (failed[outcome.error] ?? 0) + 1;
            else {
              count++;
              readyMs.add(outcome.ms!);
            }
            resolve();
          }, spec.atMs);
        }),
    ),
  );
  const ids: Array<[number, string]> = [];
  for (const spec of message.specs) {
    const id = bots.get(spec.i)?.phone.state.you.participantId;
    if (id) ids.push([spec.i, id]);
  }
  return { ready: count, failed, readyMs: readyMs.data(), ids };
}

async function post(message: Extract<ToWorker, { type: 'post' }>): Promise<PostResult> {
  const { plan, durationMs, action, workshopId } = message;
  const posters = [...bots.values()].filter((b) => b.role === 'participant' && b.ready && (!workshopId || b.workshopId === workshopId));
  const result: PostResult = { sent: 0, acked: 0, errors: {}, ackMs: new Histogram().data(), ackedIds: [], unacked: 0 };
  const ackMs = new Histogram(result.ackMs.counts);
  const pending = new Set<Promise<Outcome>>();
  const fail = (code: string) => (result.errors[code] = (result.errors[code] ?? 0) + 1);

  function send(bot: Bot) {
    const sentAt = clock();
    const call = turn(bot.phone.state, action, `${sentAt.toFixed(3)} ${bot.i}`);
    if (!call) return void fail(`nothing to ${action}`);
    bot.sent++;
    result.sent++;
    const p = bot.phone.send(call);
    pending.add(p);
    p.then((outcome) => {
      pending.delete(p);
      if (!outcome.ok) return void fail(outcome.error);
      result.acked++;
      ackMs.add(outcome.ms);
      if (trackIds && outcome.command && 'noteId' in outcome.command) result.ackedIds.push(outcome.command.noteId);
    });
  }

  const start = clock();
  const end = start + durationMs;
  await new Promise<void>((resolve) => {
    if (!posters.length) return resolve();
    schedule(plan, posters, start, end, send, resolve);
  });
  await Promise.race([Promise.all(pending), new Promise((r) => setTimeout(r, DRAIN_MS))]);
  result.unacked = pending.size;
  result.ackMs = ackMs.data();
  return result;
}

/** Calls `send` by the plan until `end` (absolute times, so timer drift does not add up). */
function schedule(plan: PostPlan, posters: Bot[], start: number, end: number, send: (b: Bot) => void, done: () => void) {
  if (plan.mode === 'each') {
    let running = posters.length;
    for (const bot of posters) {
      let at = start + Math.random() * plan.periodMs;
      const tick = () => {
        if (at >= end) {
          if (--running === 0) done();
          return;
        }
        setTimeout(() => {
          send(bot);
          at += plan.periodMs;
          tick();
        }, Math.max(0, at - clock()));
      };
      tick();
    }
    return;
  }
  const period = 1000 / plan.perSecond;
  let at = start + plan.offsetMs;
  let k = Math.floor(Math.random() * posters.length);
  const tick = () => {
    const now = clock();
    while (at <= now && at < end) {
      send(posters[k++ % posters.length]);
      at += period;
    }
    if (at >= end) return done();
    setTimeout(tick, Math.max(0, at - clock()));
  };
  setTimeout(tick, Math.max(0, at - clock()));
}

async function call(message: Extract<ToWorker, { type: 'call' }>): Promise<CallResult> {
  const bot = bots.get(message.i);
  if (!bot) throw new Error(`no bot ${message.i} here`);
  let value: unknown;
  const outcome = await bot.phone.send((state) => {
    const method = (state as unknown as Record<string, (...args: unknown[]) => unknown>)[message.method];
    if (typeof method !== 'function') throw new Error(`WorkshopState has no method ${message.method}`);
    value = method.apply(state, message.args);
  });
  // A Command is a plain object; anything else a method returns (an id) is sent back as is.
  return outcome.ok ? { ok: true, value } : { ok: false, error: outcome.error };
}

function report(): Report {
  const snapshots: Record<BotRole, number> = { participant: 0, facilitator: 0, projector: 0 };
  let syncs = 0;
  let resends = 0;
  const participantBytes: number[] = [];
  for (const bot of bots.values()) {
    const { wire } = bot.phone;
    snapshots[bot.role] += wire.snapshots;
    syncs += wire.syncs;
    resends += wire.resends;
    if (bot.role === 'participant') participantBytes.push(wire.bytesIn);
  }
  return {
    latency: latency.data(),
    received,
    facilitatorIds: [...facilitatorIds],
    breakoutSeen,
    wire: { snapshots, syncs, resends, participantBytes },
    unfolded,
    bots: bots.size,
    disconnects,
    loopDelayP99: loopDelay.percentile(99) / 1e6,
    loopDelayMax: loopDelay.max / 1e6,
    rssKb: Math.round(process.memoryUsage.rss() / 1024),
  };
}

async function handle(message: ToWorker): Promise<unknown> {
  switch (message.type) {
    case 'connect':
      return connect(message);
    case 'measure':
      measuring = message.on;
      trackIds = message.trackIds;
      latency = new Histogram();
      received = { participant: 0, facilitator: 0, projector: 0 };
      facilitatorIds = new Set();
      unfolded = 0;
      disconnects = {};
      for (const bot of bots.values()) bot.phone.resetWire();
      loopDelay.reset();
      return undefined;
    case 'post':
      return post(message);
    case 'call':
      return call(message);
    case 'report':
      return report();
    case 'close':
      for (const bot of bots.values()) bot.phone.destroy();
      setTimeout(() => process.exit(0), 200);
      return undefined;
  }
}

process.on('message', (message: ToWorker & { id: number }) => {
  handle(message).then(
    (value) => message.id && process.send!({ id: message.id, ok: true, value }),
    (err: Error) => message.id && process.send!({ id: message.id, ok: false, error: err.message }),
  );
});
// The coordinator is gone (crashed or killed): so are we.
process.on('disconnect', () => process.exit(0));
