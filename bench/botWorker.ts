// The bot side of the load scenarios, worker half: one process holding a share of the bots as
// socket.io-client connections. Kept lean, since it shares a small machine with the server:
// no state is folded, an `events` message is only looked at for `note.added` (to time it) and
// `breakout.opened` (to know the rooms are in place). A note's text starts with its send time
// and its author's bot number, so any receiver can time it without a side table.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import type { BotRole, BotSpec, ConnectResult, PostPlan, PostResult, Report, ToWorker } from './bots.ts';
import { clock, Histogram } from './latency.ts';

interface Bot extends Omit<BotSpec, 'participantId'> {
  socket: Socket;
  participantId: string | null;
  ready: boolean;
  sent: number;
  /** The seq this bot's state would be at (snapshot, then events), for syncOnGap. */
  seq: number;
}

interface Sequenced {
  seq: number;
  event: { type: string; note?: { id: string; text: string } };
}

type Ack = { ok: true; data: unknown } | { ok: false; error: string; message: string };

const PROTOCOL = 1;
const ORGANISATIONS: Array<[string, string]> = [
  ['Nybro kommun', 'kommun'],
  ['Region Kalmar län', 'region'],
  ['Kalmar kommun', 'kommun'],
  ['Brukarrådet', 'brukarrepresentant'],
  ['Försäkringskassan', 'annan'],
];
/** After the time stamp and the bot number: a note of ordinary length. */
const NOTE_TEXT = 'Kortare beslutsvägar mellan kommun och region när en brukare behöver båda';

const bots = new Map<number, Bot>();
let measuring = false;
let trackIds = false;
let latency = new Histogram();
let received: Record<BotRole, number> = { participant: 0, facilitator: 0, projector: 0 };
let facilitatorIds = new Set<string>();
let breakoutSeen = 0;
let syncOnGap = false;
let syncs = 0;
let disconnects: Record<string, number> = {};
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

function onEvents(bot: Bot, batch: Sequenced[]) {
  const now = clock();
  if (syncOnGap) {
    // As the web client: a seq beyond the next one means something was missed; ask for all.
    const next = batch.find((e) => e.seq > bot.seq);
    if (next && next.seq > bot.seq + 1) {
      syncs++;
      bot.socket.emit('sync', () => {});
    }
  }
  for (const { seq } of batch) if (seq > bot.seq) bot.seq = seq;
  for (const { event } of batch) {
    if (event.type === 'note.added' && event.note) {
      if (!measuring) continue;
      const text = event.note.text;
      const first = text.indexOf(' ');
      const author = Number(text.slice(first + 1, text.indexOf(' ', first + 1)));
      if (author === bot.i) continue; // the author's own copy is no delivery to someone else
      latency.add(now - Number(text.slice(0, first)));
      received[bot.role]++;
      if (trackIds && bot.role === 'facilitator') facilitatorIds.add(event.note.id);
    } else if (event.type === 'breakout.opened') breakoutSeen++;
  }
}

function connectOne(url: string, workshopId: string, spec: BotSpec, timeoutMs: number): Promise<{ ms?: number; error?: string }> {
  const t0 = clock();
  const auth: Record<string, unknown> = { protocol: PROTOCOL, workshopId };
  if (spec.key !== undefined) auth.facilitatorKey = spec.key;
  if (spec.token !== undefined) auth.participantToken = spec.token;
  if (spec.since !== undefined) auth.since = spec.since;
  const socket = io(url, {
    transports: ['websocket'],
    forceNew: true, // one connection per bot, no multiplexing over a shared Manager
    reconnection: false, // a dropped bot shows up as a disconnect and as missing deliveries
    timeout: timeoutMs,
    auth,
  });
  const bot: Bot = { ...spec, socket, participantId: spec.participantId ?? null, ready: false, sent: 0, seq: spec.since ?? 0 };
  bots.set(spec.i, bot);
  socket.on('events', (batch: Sequenced[]) => onEvents(bot, batch));
  socket.on('snapshot', (s: { workshop: { seq: number } }) => (bot.seq = s.workshop.seq));
  socket.on('disconnect', (reason) => {
    if (bot.ready) disconnects[reason] = (disconnects[reason] ?? 0) + 1;
  });
  return new Promise((resolve) => {
    let settled = false;
    const done = (outcome: { ms?: number; error?: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (outcome.error) socket.close();
      else bot.ready = true;
      resolve(outcome);
    };
    const timer = setTimeout(() => done({ error: 'timeout' }), timeoutMs);
    socket.once('connect_error', (err: Error & { data?: { error?: string } }) => done({ error: err.data?.error ?? err.message }));
    if (spec.join) {
      const [organisation, orgKind] = ORGANISATIONS[spec.i % ORGANISATIONS.length];
      socket.once('snapshot', () => {
        const request = { token: spec.token, name: `Deltagare ${spec.i}`, organisation, orgKind };
        socket.emit('join', request, (ack: Ack) => {
          if (!ack.ok) done({ error: `join ${ack.error}` });
        });
      });
      // The ack comes first, then the participant's own snapshot: the first full state.
      socket.on('snapshot', (s: { you: { role: string; participantId: string | null } }) => {
        if (s.you.role !== 'participant' || bot.ready) return;
        bot.participantId = s.you.participantId;
        done({ ms: clock() - t0 });
      });
    } else if (spec.since !== undefined) {
      // Up to date already: the server sends no snapshot, only the projection.
      socket.once('connect', () => done({ ms: clock() - t0 }));
    } else {
      socket.once('snapshot', (s: { you: { participantId: string | null } }) => {
        bot.participantId = s.you.participantId;
        done({ ms: clock() - t0 });
      });
    }
  });
}

async function connect(message: Extract<ToWorker, { type: 'connect' }>): Promise<ConnectResult> {
  syncOnGap = message.syncOnGap;
  const readyMs = new Histogram();
  const failed: Record<string, number> = {};
  let ready = 0;
  await Promise.all(
    message.specs.map(
      (spec) =>
        new Promise<void>((resolve) => {
          setTimeout(async () => {
            const outcome = await connectOne(message.url, message.workshopId, spec, message.timeoutMs);
            if (outcome.error) failed[outcome.error] = (failed[outcome.error] ?? 0) + 1;
            else {
              ready++;
              readyMs.add(outcome.ms!);
            }
            resolve();
          }, spec.atMs);
        }),
    ),
  );
  const ids: Array<[number, string]> = [];
  for (const spec of message.specs) {
    const bot = bots.get(spec.i);
    if (bot?.ready && bot.participantId) ids.push([bot.i, bot.participantId]);
  }
  return { ready, failed, readyMs: readyMs.data(), ids };
}

async function post(message: Extract<ToWorker, { type: 'post' }>): Promise<PostResult> {
  const { plan, durationMs, activityId, columnId } = message;
  const posters = [...bots.values()].filter((b) => b.role === 'participant' && b.ready && b.participantId);
  const result: PostResult = { sent: 0, acked: 0, errors: {}, ackMs: new Histogram().data(), ackedIds: [] };
  const ackMs = new Histogram(result.ackMs.counts);
  const pending = new Set<Promise<void>>();
  const fail = (code: string) => (result.errors[code] = (result.errors[code] ?? 0) + 1);

  function send(bot: Bot) {
    if (!bot.socket.connected) return void fail('disconnected');
    const n = bot.sent++;
    const noteId = `note-${bot.i}-${n}`;
    const sentAt = clock();
    const command = { id: `cmd-${bot.i}-${n}`, type: 'note.add', noteId, activityId, columnId, text: `${sentAt.toFixed(3)} ${bot.i} ${NOTE_TEXT}` };
    result.sent++;
    const p = (bot.socket.timeout(30_000).emitWithAck('command', command) as Promise<Ack>)
      .then(
        (ack) => {
          if (!ack.ok) return void fail(ack.error);
          result.acked++;
          ackMs.add(clock() - sentAt);
          if (trackIds) result.ackedIds.push(noteId);
        },
        () => void fail('ack timeout'),
      )
      .finally(() => pending.delete(p));
    pending.add(p);
  }

  const start = clock();
  const end = start + durationMs;
  await new Promise<void>((resolve) => {
    if (!posters.length) return resolve();
    schedule(plan, posters, start, end, send, resolve);
  });
  await Promise.all(pending);
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

function report(): Report {
  return {
    latency: latency.data(),
    received,
    facilitatorIds: [...facilitatorIds],
    breakoutSeen,
    syncs,
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
      syncs = 0;
      disconnects = {};
      loopDelay.reset();
      return undefined;
    case 'post':
      return post(message);
    case 'command': {
      const bot = bots.get(message.i);
      if (!bot) throw new Error(`no bot ${message.i} here`);
      return bot.socket.timeout(60_000).emitWithAck('command', message.command);
    }
    case 'report':
      return report();
    case 'close':
      for (const bot of bots.values()) bot.socket.close();
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
