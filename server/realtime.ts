// Socket.IO: handshake auth and one dispatcher for every client event. The chain for a
// command: rate limit -> parse -> the workshop's lane (dedupe, decide, append) -> ack ->
// broadcast. The lane answers once the events are durable, and everything a socket is sent
// goes out from inside the lane, so each socket's stream stays in seq order.
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { Ack } from '../shared/protocol.ts';
import { MAX_MESSAGE_BYTES, PROTOCOL_VERSION } from '../shared/protocol.ts';
import { refusalMessage, type Wording } from '../shared/refusal.ts';
import { HandshakeAuth, JoinRequest, parse, parseCommand, type Invalid } from '../shared/schema.ts';
import { translate } from '../shared/i18n/index.ts';
import type { ErrorCode, Language, Participant, Viewer } from '../shared/workshop/model.ts';
import { channels, createFanout, type Io, type VSocket } from './fanout.ts';
import { addressKey } from './addresses.ts';
import type { Cluster, ClusterHooks } from './cluster.ts';
import { createPresence } from './presence.ts';
import { Quotas, type SocketKeys, type Wait } from './quotas.ts';
import { Workshops, type Committed, type Loaded } from './workshops.ts';

export type { Io };

/** A refusal thrown by a handler before its command reaches the lane, with what to say. */
class Refused extends Error {
  constructor(readonly wording: Wording) {
    super(wording.error);
  }
}

/** A schema failure as a refusal: the field's path on the wire, why in the message. */
const invalid = ({ detail, reason, max }: Invalid) => new Refused({ error: 'invalid', detail, reason, max });

type Answer = (ack: Ack<unknown>) => void;
type Fail = (wording: Wording & { retryAfter?: Wait }) => void;
/** A handler answers through `ok` or `fail`, from the workshop's lane once it knows. */
type Handler = (socket: VSocket, input: unknown, ok: (data: unknown) => void, fail: Fail) => void;

export interface RealtimeLimits {
  /** Messages per socket per second, sustained over ten seconds. */
  participantRate: number;
  facilitatorRate: number;
}
export const DEFAULT_REALTIME_LIMITS: RealtimeLimits = { participantRate: 10, facilitatorRate: 50 };

export interface RealtimeOptions {
  limits?: RealtimeLimits;
  quotas?: Quotas;
  /** A socket's client address (behind trusted proxies, the one they forward). */
  addressOf?: (socket: VSocket) => string | undefined;
  /** A workshop nobody follows leaves memory after this long unused. */
  idleMs?: number;
}

/**
 * Requests a socket may have refused by its rate limit within 10 s before it is disconnected.
 * The web client sends a few at a time and waits 2 s after a refusal; a script ignoring the
 * refusals sent 16,000 a second on 50 sockets and cost the server two thirds of a core (bench
 * abuse).
 */
const FLOOD_REFUSALS = 100;

/** Ten minutes: a break or a lunch keeps a workshop in memory; a day's last meeting leaves it. */
const IDLE_MS = 10 * 60 * 1000;

/**
 * A snapshot costs the server a walk over the whole workshop and the socket its whole size,
 * and a client never needs one in normal operation (docs/protocol.md §6): `sync` is allowed a
 * participant or projector once per 10 s, a facilitator once per 2 s.
 */
const SYNC_EVERY_S = { participant: 10, facilitator: 2 } as const;

/** JSON size in bytes, or Infinity for what cannot be measured (cycles cannot come over the wire). */
function sizeOf(inputs: unknown[]): number {
  try {
    return Buffer.byteLength(JSON.stringify(inputs) ?? '');
  } catch {
    return Infinity;
  }
}

const say = (language: Language, wording: Wording) =>
  refusalMessage((key, params) => translate(language, key, params), wording);

function handshakeError(wording: Wording, lang: Language = 'sv'): Error {
  const error = new Error(say(lang, wording)) as Error & { data: unknown };
  error.data = { error: wording.error };
  return error;
}

export function attachRealtime(io: Io, workshops: Workshops, options: RealtimeOptions = {}) {
  const { limits = DEFAULT_REALTIME_LIMITS, quotas = new Quotas(), addressOf = (socket) => socket.handshake.address, idleMs = IDLE_MS } = options;
  const fanout = createFanout(io, workshops);
  /** The other servers on the same store, once attached (cluster.ts); null on a server of its own. */
  let cluster: Cluster | null = null;
  const presence = createPresence(io, { share: (workshopId, online) => cluster?.presence(workshopId, online) });
  /** Each workshop's language, for messages; learnt at handshake, so refusals need no lookup. */
  const languages = new Map<string, Language>();
  /** Gone for good: everyone still connected here is told and let go; nothing of it stays here. */
  function ended(workshopId: string, language: Language) {
    const everyone = channels.workshop(workshopId);
    io.local.to(everyone).emit('ended', { error: 'deleted', message: translate(language, 'error.deleted') });
    io.local.in(everyone).disconnectSockets(true);
    fanout.forget(workshopId);
    languages.delete(workshopId);
  }
  // Deleted here: so it ends here, and on every other server (which also forgets what it holds).
  workshops.onDeleted((workshopId, language) => {
    ended(workshopId, language);
    cluster?.deleted(workshopId);
  });
  // Events another server stored reach the sockets here as this server's own do.
  workshops.onRefreshed((workshop, events) => broadcast(workshop, events, false));
  // Another server wrote while this one did: the sockets here catch up as on a reconnect, in
  // their channels as the workshop now has them.
  workshops.onCaughtUp((workshop, since) => {
    for (const socket of fanout.socketsIn(channels.workshop(workshop.state.id))) {
      fanout.enter(socket, workshop);
      fanout.catchUp(socket, workshop, since);
    }
  });
  // A store failure part-way through a run: the server holds the workshop as stored again, and
  // everyone following it reconnects and catches up from `since`: nobody misses an
  // acknowledged event or keeps one that was not stored.
  workshops.onBroken((workshopId) => {
    fanout.forget(workshopId);
    fanout.reconnect(channels.workshop(workshopId));
  });
  // A workshop with no socket open to it and no command for a while leaves memory; the next
  // socket or request reads it from the store again.
  workshops.onEvicted((workshopId) => {
    fanout.forget(workshopId);
    languages.delete(workshopId);
  });
  const followed = (workshopId: string) => io.sockets.adapter.rooms.has(channels.workshop(workshopId));
  const sweep = setInterval(() => workshops.evictIdle(idleMs, followed), Math.min(idleMs, 60_000));
  sweep.unref();
  // A flooding socket is slowed down on its own; the others' commands never wait behind it.
  const rates = {
    participant: new RateLimiterMemory({ points: limits.participantRate * 10, duration: 10 }),
    facilitator: new RateLimiterMemory({ points: limits.facilitatorRate * 10, duration: 10 }),
  };
  const syncs = {
    participant: new RateLimiterMemory({ points: 1, duration: SYNC_EVERY_S.participant }),
    facilitator: new RateLimiterMemory({ points: 1, duration: SYNC_EVERY_S.facilitator }),
  };

  /** Send stored events to the sockets here; `ours`: this server stored them, the others hear of it. */
  function broadcast(workshop: Loaded, events: Committed[], ours = true) {
    fanout.broadcast(workshop, events);
    if (ours && events.length) cluster?.stored(workshop.state.id, events.at(-1)!.seq);
    for (const { event } of events) {
      if (event.type === 'workshop.updated' && event.info.language) languages.set(workshop.state.id, event.info.language);
      if (event.type !== 'participant.removed') continue;
      const room = channels.participant(event.participantId);
      const message = translate(workshop.state.language, 'error.removed');
      io.local.to(room).emit('ended', { error: 'removed', message });
      io.local.in(room).disconnectSockets(true);
    }
  }

  /** A participant joined on this socket: it follows the workshop as them from now on. */
  function joined(socket: VSocket, participant: Participant, workshop: Loaded, events: Committed[], ok: (data: unknown) => void, fail: Fail) {
    const { workshopId } = socket.data;
    if (!socket.disconnected) {
      // From now on the socket counts as the participant's, no longer as a visitor from its
      // address. Someone new always gets in; someone resumed (a known token) only within their
      // socket limit, as at the handshake: joining again is no way round it.
      const mine: SocketKeys = { ...socket.data.quota, participant: `${workshopId}/${participant.id}` };
      const resumed = !events.length;
      if (!quotas.admit(mine, !resumed)) return fail({ error: 'rate_limited', detail: 'sockets' });
      quotas.release(socket.data.quota);
      socket.data.quota = mine;
      socket.data.viewer = { role: 'participant', participantId: participant.id };
      fanout.enter(socket, workshop);
      presence.arrived(workshopId, participant.id);
    }
    ok({ participant });
    // Stored: the others hear of it even if this socket is already gone.
    broadcast(workshop, events);
    if (!socket.disconnected) fanout.snapshot(socket, workshop);
  }

  const handlers: Record<'join' | 'command' | 'sync', { arity: number; handle: Handler }> = {
    join: {
      arity: 1,
      handle(socket, input, ok, fail) {
        const { workshopId, viewer } = socket.data;
        if (viewer.role === 'facilitator') throw new Refused({ error: 'forbidden', detail: 'participant_only' });
        if (viewer.role === 'participant') {
          // Already joined on this connection: joining again is a no-op.
          workshops.read(workshopId, ({ state }) => ok({ participant: state.participants[viewer.participantId] })).then(
            (found) => found === undefined && fail({ error: 'not_found', detail: 'workshop' }),
            () => fail({ error: 'internal' }),
          );
          return;
        }
        const request = parse(JoinRequest, input);
        if (!request.ok) throw invalid(request);
        quotas.join(socket.data.quota.address).then(async (wait) => {
          if (wait) return fail({ error: 'rate_limited', detail: 'joins', retryAfter: wait });
          // Joined before on another server: resumed, not joined twice.
          if (workshops.shared) await workshops.participantIdForToken(workshopId, request.value.token).catch(() => undefined);
          workshops.join(workshopId, request.value, (result, workshop) => {
            if (!result.ok) return fail(result);
            if (!workshop) return fail({ error: 'internal' });
            joined(socket, result.value.participant, workshop, result.events, ok, fail);
          });
        });
      },
    },
    command: {
      arity: 1,
      handle(socket, input, ok, fail) {
        const { workshopId, viewer } = socket.data;
        if (viewer.role === 'public') throw new Refused({ error: 'not_joined' });
        const command = parseCommand(input);
        if (!command.ok) throw invalid(command);
        const run = () =>
          workshops.execute(workshopId, command.value, viewer, (result, workshop) => {
            if (!result.ok) return fail(result);
            // Stored: the answer is yes, whatever happens while telling the others.
            ok({ seq: result.seq });
            if (workshop) broadcast(workshop, result.events);
          });
        if (viewer.role === 'facilitator') return run();
        // A participant's checks resolve in the order they were asked (quotas.ts), so a socket's
        // commands still reach the lane in the order they were sent.
        quotas.command(workshopId, viewer.participantId, command.value.type === 'note.add').then(({ wait, detail }) =>
          wait ? fail({ error: 'rate_limited', detail, retryAfter: wait }) : run(),
        );
      },
    },
    sync: {
      arity: 0,
      handle(socket, _input, ok, fail) {
        const role = socket.data.viewer.role === 'facilitator' ? 'facilitator' : 'participant';
        syncs[role].consume(socket.id).then(
          () =>
            workshops
              .read(socket.data.workshopId, (workshop) => {
                if (socket.disconnected) return true;
                fanout.snapshot(socket, workshop);
                ok({ seq: workshop.state.seq });
                return true;
              })
              .then(
                (found) => found === undefined && fail({ error: 'not_found', detail: 'workshop' }),
                () => fail({ error: 'internal' }),
              ),
          () => fail({ error: 'rate_limited', detail: 'socket' }),
        );
      },
    },
  };

  /** One wrapper for every client event: arity, rate limit, refusals as error acks. */
  async function dispatch(socket: VSocket, { arity, handle }: (typeof handlers)['join'], args: unknown[]) {
    const { workshopId, viewer } = socket.data;
    const last = args.at(-1);
    const ack = typeof last === 'function' ? (last as Answer) : () => {};
    const inputs = typeof last === 'function' ? args.slice(0, -1) : args;
    const language = languages.get(workshopId) ?? 'sv';
    const fail: Fail = ({ retryAfter, ...wording }) => {
      const { error, detail } = wording;
      ack({ ok: false, error, message: say(language, wording), ...(detail && { detail }), ...(retryAfter && { retryAfter }) } as Ack<unknown>);
    };
    const role = viewer.role === 'facilitator' ? 'facilitator' : 'participant';
    try {
      await rates[role].consume(socket.id);
    } catch {
      // A socket that goes on sending far past its limit is no phone: it is let go, so that what
      // it sends costs nothing more (its reconnections meet the socket limits).
      const now = Date.now();
      const refused = socket.data.refused;
      if (now - refused.since > 10_000) Object.assign(refused, { since: now, count: 0 });
      if (++refused.count > FLOOD_REFUSALS) return void socket.disconnect(true);
      return fail({ error: 'rate_limited', detail: 'socket' });
    }
    if (inputs.length !== arity) return fail({ error: 'invalid', detail: 'arguments' });
    if (sizeOf(inputs) > MAX_MESSAGE_BYTES[role]) return fail({ error: 'too_large', detail: role });
    try {
      handle(socket, inputs[0], (data) => ack({ ok: true, data }), fail);
    } catch (err) {
      if (err instanceof Refused) return fail(err.wording);
      console.error('command failed', (err as Error).message);
      return fail({ error: 'internal' });
    }
  }

  io.use(async (socket, next) => {
    const auth = parse(HandshakeAuth, socket.handshake.auth);
    if (!auth.ok) return next(handshakeError({ error: 'invalid', detail: auth.detail, reason: auth.reason, max: auth.max }));
    const { protocol, workshopId, facilitatorKey, participantToken, since } = auth.value;
    if (protocol !== PROTOCOL_VERSION) return next(handshakeError({ error: 'protocol' }));
    const viewerOf = () =>
      workshops.read(workshopId, (workshop): Viewer | ErrorCode => {
        languages.set(workshopId, workshop.state.language);
        if (facilitatorKey !== undefined)
          return Workshops.isFacilitatorKey(workshop, facilitatorKey) ? { role: 'facilitator' } : 'unauthorized';
        const participant = participantToken ? Workshops.participantForToken(workshop, participantToken) : undefined;
        if (participant?.removed) return 'removed';
        return participant ? { role: 'participant', participantId: participant.id } : { role: 'public' };
      });
    // What other servers stored meanwhile comes first, so that catch-up starts from all of it.
    // Unreadable now (the database away): no catch-up from a state that may be behind the
    // client's own; it comes again, as after any passing refusal.
    if (workshops.shared && !(await workshops.refresh(workshopId).then(() => true, () => false)))
      return next(handshakeError({ error: 'internal' }));
    let outcome = await viewerOf().catch(() => 'internal' as const);
    // A token unknown here may be a join on another server (a phone that moved after its server died).
    if (workshops.shared && participantToken && typeof outcome === 'object' && outcome.role === 'public')
      outcome = await workshops
        .participantIdForToken(workshopId, participantToken)
        .then((found) => (found ? viewerOf() : outcome))
        .catch(() => 'internal' as const);
    if (outcome === undefined) return next(handshakeError({ error: 'not_found', detail: 'workshop' }));
    if (typeof outcome === 'string') return next(handshakeError({ error: outcome }, languages.get(workshopId)));
    const quota: SocketKeys = {
      address: addressKey(addressOf(socket)),
      participant: outcome.role === 'participant' ? `${workshopId}/${outcome.participantId}` : null,
      facilitator: outcome.role === 'facilitator',
    };
    if (!quotas.admit(quota))
      return next(handshakeError({ error: 'rate_limited', detail: quota.participant ? 'sockets' : 'address' }, languages.get(workshopId)));
    // Counted out once, whether the socket connects and leaves or its connection drops first.
    let counted = true;
    const release = () => {
      if (counted) quotas.release(socket.data.quota);
      counted = false;
    };
    socket.conn.once('close', release);
    socket.once('disconnect', release);
    socket.data = { workshopId, viewer: outcome, since, quota, refused: { since: Date.now(), count: 0 } };
    next();
  });

  io.on('connection', (socket: VSocket) => {
    const { workshopId, viewer, since } = socket.data;
    // Channels and catch-up in one step of the lane: no event can fall between the two. What
    // the handshake found may have changed since (removed, deleted): it is looked at again.
    const enter = (refreshed: boolean) =>
      workshops.read(workshopId, (workshop): boolean | 'behind' => {
        if (socket.disconnected) return true;
        // The client has seen more than this server holds: other servers' events not yet heard
        // of here. They are read first; nothing is sent from a state older than the client's.
        // (Still behind after that, the store itself is: the snapshot below resets the client.)
        if (workshops.shared && !refreshed && since !== undefined && since > workshop.state.seq) return 'behind';
        const participant = viewer.role === 'participant' ? workshop.state.participants[viewer.participantId] : null;
        if (participant?.removed) {
          socket.emit('ended', { error: 'removed', message: say(workshop.state.language, { error: 'removed' }) });
          socket.disconnect(true);
          return true;
        }
        fanout.enter(socket, workshop);
        fanout.catchUp(socket, workshop, since);
        if (viewer.role === 'facilitator') socket.emit('presence', { online: presence.online(workshopId) });
        return true;
      });
    enter(false)
      .then(async (found) => {
        if (found !== 'behind') return found;
        console.log(`workshop ${workshopId}: a client has seen seq ${since}, this server ${workshops.heldSeq(workshopId)}; reading the store`);
        await workshops.refresh(workshopId);
        return enter(true);
      })
      .then(
        (found) => {
          if (found) return;
          socket.emit('ended', { error: 'deleted', message: say(languages.get(workshopId) ?? 'sv', { error: 'deleted' }) });
          socket.disconnect(true);
        },
        // The store cannot be read now: the client's reconnection tries again.
        () => socket.conn.close(),
      );
    if (viewer.role === 'participant') presence.arrived(workshopId, viewer.participantId);
    for (const [name, handler] of Object.entries(handlers))
      socket.on(name as keyof typeof handlers, (...args: unknown[]) => void dispatch(socket, handler, args));
    // Any other event name still gets an answer (and counts against the rate limit).
    socket.onAny((name: unknown, ...args: unknown[]) => {
      if (typeof name === 'string' && Object.hasOwn(handlers, name)) return;
      const arity = args.length - (typeof args.at(-1) === 'function' ? 1 : 0);
      const refuse = () => {
        throw new Refused({ error: 'invalid', detail: 'unknown_event' });
      };
      void dispatch(socket, { arity, handle: refuse }, args);
    });
    socket.on('disconnect', () => {
      const current = socket.data.viewer;
      if (current.role === 'participant') presence.left(workshopId, current.participantId);
    });
  });

  return {
    /** What the other servers' messages need from here (cluster.ts). */
    clusterHooks: {
      deleted: (workshopId: string) => {
        workshops.forgetDeleted(workshopId);
        ended(workshopId, languages.get(workshopId) ?? 'sv');
      },
      presence: presence.heard,
      repeatPresence: presence.repeat,
      followed,
    } satisfies ClusterHooks,
    /** From now on this server shares its workshops with the others on its store. */
    joinCluster(attached: Cluster) {
      cluster = attached;
    },
    /** Stop the timers (the server is closing). */
    stop: () => {
      clearInterval(sweep);
      cluster?.stop();
    },
  };
}
