// The socket attacks of the abuse scenario (a, b, e), run in the attackers' process
// (bench/abuseAttackers.ts): raw socket.io-client, as an attacker writes it, never our client.
// Every socket the server lets go is opened again at once, as a script would, until the end.
import { randomBytes, randomInt } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type { AttackPlan, AttackResult, Tally } from './abuseAttackers.ts';

/** Where each attacker comes from (and the coordinator's probe): one loopback address each. */
export const ADDRESS = {
  flood: '127.0.0.2',
  sync: '127.0.0.3',
  opens: '127.0.0.4',
  /** The coordinator's /api/health poll (bench/abuse.ts). */
  health: '127.0.0.5',
  /** The HTTP attackers: 127.0.0.10 and up. */
  http: (k: number) => `127.0.0.${10 + k}`,
};

export const add = (t: Tally, key: string, n = 1) => (t[key] = (t[key] ?? 0) + n);
const id = () => randomBytes(12).toString('base64url');
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** In flight per flooding socket: the next request goes as soon as an answer comes back. */
const WINDOW = 4;

type Ack = { ok: true; data: unknown } | { ok: false; error: string; detail?: string };
const refusal = (ack: Ack) => (ack.ok ? 'ok' : `${ack.error}${ack.detail ? ` (${ack.detail})` : ''}`);

function open(url: string, from: string, auth: Record<string, unknown>): Socket {
  // `localAddress` goes through engine.io-client to ws: the connection's source address.
  return io(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { protocol: 1, ...auth }, localAddress: from } as never);
}

/** Resolves with 'ok' once connected, or the handshake's refusal (err.data.error). */
function connected(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.once('connect', () => resolve('ok'));
    socket.once('connect_error', (err: Error & { data?: { error?: string } }) => resolve(err.data?.error ?? 'network'));
  });
}

/** Keep `WINDOW` requests in flight on the socket while it is open; each answer sends the next. */
function pump(socket: Socket, emit: (done: () => void) => void): void {
  let inFlight = 0;
  const fire = () => {
    while (!ending && socket.connected && inFlight < WINDOW) {
      inFlight++;
      emit(() => {
        inFlight--;
        fire();
      });
    }
  };
  fire();
}

/** a) and b), ready before the attack starts: the sockets, and where the notes go. */
export interface Prepared {
  flood: Socket[];
  token: string;
  where: { activityId: string; columnId: string };
  sync: Socket;
}

const joinAs = (s: Socket, token: string) =>
  s.emitWithAck('join', { token, name: 'Angripare', organisation: 'Ingen', orgKind: 'annan' }) as Promise<Ack>;

/**
 * One more socket for the flooding participant: with the token in the handshake, as a reloading
 * phone connects; if refused, as a visitor that then joins with the same token. Each outcome is
 * counted in `tally`; null when both were refused.
 */
async function participantSocket(plan: AttackPlan, token: string, tally: Tally, viaJoin = tally): Promise<Socket | null> {
  const { workshopId } = plan.flood;
  const s = open(plan.url, ADDRESS.flood, { workshopId, participantToken: token });
  const outcome = await connected(s);
  add(tally, outcome);
  if (outcome === 'ok') return s;
  const visitor = open(plan.url, ADDRESS.flood, { workshopId });
  const opened = await connected(visitor);
  const ack = opened === 'ok' ? await joinAs(visitor, token) : null;
  add(viaJoin, ack ? `${refusal(ack)} (by join)` : `${opened} (visitor)`);
  if (ack?.ok) return visitor;
  visitor.close();
  return null;
}

/** a) One participant on `plan.flood.sockets` sockets, as many as the server admits. */
export async function floodSockets(plan: AttackPlan, result: AttackResult['flood']): Promise<Pick<Prepared, 'flood' | 'token' | 'where'>> {
  const token = id() + id();
  const first = open(plan.url, ADDRESS.flood, { workshopId: plan.flood.workshopId, participantToken: token });
  type Seen = { workshop: { currentActivityId: string; activities: Array<{ id: string; columns: Array<{ id: string }> }> } };
  const snapshot = new Promise<Seen>((r) => first.once('snapshot', r));
  add(result.handshake, await connected(first));
  const joined = await joinAs(first, token);
  if (!joined.ok) throw new Error(`the flooding participant could not join: ${refusal(joined)}`);
  const { workshop } = await snapshot;
  const activityId = workshop.currentActivityId;
  const columnId = workshop.activities.find((a) => a.id === activityId)!.columns[0].id;
  const sockets = [first];
  for (let k = 1; k < plan.flood.sockets; k++) {
    const s = await participantSocket(plan, token, result.handshake, result.viaJoin);
    if (s) sockets.push(s);
  }
  return { flood: sockets, token, where: { activityId, columnId } };
}

/** b) A public socket of workshop A; every snapshot it receives is counted. */
export async function syncSocket(plan: AttackPlan, result: AttackResult['sync']): Promise<Socket | null> {
  const s = open(plan.url, ADDRESS.sync, { workshopId: plan.syncWorkshopId });
  s.on('snapshot', () => result.snapshots++);
  const outcome = await connected(s);
  add(result.reopened, outcome);
  return outcome === 'ok' ? s : null;
}

/** The sockets of a) and b) open now; none is reopened once the attack ends. */
const live = new Set<Socket>();
let ending = false;

/** The attack is over: every socket of a), b) and `held` closed, none opened again. */
export function closeAll(held: Socket[]): void {
  ending = true;
  for (const s of [...live, ...held]) s.close();
}

/**
 * Flood on `first` while the server keeps it; when the server lets it go, open another with
 * `reopen` (100 ms after a refused handshake) and flood on that, until the attack ends.
 */
function keep(first: Socket, reopen: () => Promise<Socket | null>, flood: (s: Socket) => void, counts: { cut: number }) {
  const run = (s: Socket) => {
    live.add(s);
    s.once('disconnect', async (reason: string) => {
      live.delete(s);
      if (ending) return;
      if (reason === 'io server disconnect') counts.cut++;
      for (;;) {
        const next = await reopen();
        if (ending) return void next?.close();
        if (next) return run(next);
        await sleep(100);
      }
    });
    flood(s);
  };
  run(first);
}

/** a) note.add and note.edit on every socket of the participant, as fast as the answers come. */
export function flood(plan: AttackPlan, { flood: sockets, token, where }: Prepared, result: AttackResult['flood']) {
  const { activityId, columnId } = where;
  const mine: string[] = [];
  const text = 'Vi behöver fler möten om mötena och färre beslut om besluten, skrivet om och om igen';
  const send = (s: Socket) =>
    pump(s, (done) => {
      const edit = mine.length > 0 && Math.random() < 0.5;
      const noteId = edit ? mine[randomInt(mine.length)] : id();
      const command = edit
        ? { id: id(), type: 'note.edit', noteId, text: `${text} ${randomInt(1e6)}` }
        : { id: id(), type: 'note.add', noteId, activityId, columnId, text };
      result.sent++;
      s.emit('command', command, (ack: Ack) => {
        if (ack.ok) {
          add(result.acked, command.type);
          if (!edit) mine.push(noteId);
        } else add(result.refused, refusal(ack));
        done();
      });
    });
  for (const s of sockets) keep(s, () => participantSocket(plan, token, result.reopened), send, result);
}

/** b) `sync` as fast as the answers come, on a socket reopened whenever the server lets it go. */
export function syncFlood(plan: AttackPlan, first: Socket, result: AttackResult['sync']) {
  const send = (s: Socket) =>
    pump(s, (done) => {
      result.sent++;
      s.emit('sync', (ack: Ack) => {
        if (ack.ok) result.acked++;
        else add(result.refused, refusal(ack));
        done();
      });
    });
  keep(first, () => syncSocket(plan, result), send, result);
}
/** e) Visitor sockets from one address, 100 handshakes at a time; the admitted ones are held open. */
export async function opens(plan: AttackPlan, result: AttackResult['opens'], held: Socket[]) {
  let left = plan.opens;
  await Promise.all(
    Array.from({ length: 100 }, async () => {
      while (left > 0) {
        left--;
        result.tried++;
        const s = open(plan.url, ADDRESS.opens, { workshopId: plan.flood.workshopId });
        const outcome = await connected(s);
        add(result.outcome, outcome === 'ok' ? 'admitted' : outcome);
        if (outcome === 'ok') held.push(s);
        else s.close();
      }
    }),
  );
}
