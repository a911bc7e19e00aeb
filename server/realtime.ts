// Socket.IO: handshake auth and one dispatcher for every client event. The chain for a
// command: rate limit -> parse -> (dedupe, decide, append) -> ack -> broadcast; the part from
// parse to broadcast runs in one synchronous turn, so commands of a workshop never interleave.
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { Ack } from '../shared/protocol.ts';
import { PROTOCOL_VERSION } from '../shared/protocol.ts';
import { HandshakeAuth, JoinRequest, parse, parseCommand } from '../shared/schema.ts';
import { translate } from '../shared/i18n/index.ts';
import type { ErrorCode, Viewer, Workshop } from '../shared/workshop/model.ts';
import { channels, createFanout, type Io, type VSocket } from './fanout.ts';
import { createPresence } from './presence.ts';
import type { Workshops } from './workshops.ts';

export type { Io };

class Refusal extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
  ) {
    super(code);
  }
}

/** What a handler answers, and what it does once the answer is out (fan-out). */
interface Handled {
  data: unknown;
  after?: () => void;
}
type Handler = (socket: VSocket, input: unknown) => Handled;

export interface RealtimeLimits {
  /** Messages per socket per second, sustained over ten seconds. */
  participantRate: number;
  facilitatorRate: number;
}
export const DEFAULT_REALTIME_LIMITS: RealtimeLimits = { participantRate: 10, facilitatorRate: 50 };

/**
 * The largest message a socket may send, as JSON. Nothing a participant sends comes near 16 KB
 * (a note is at most 500 characters); a facilitator's breakout plan for a hall of a thousand
 * lists every member, so theirs may be larger. Above `MAX_TRANSPORT_BYTES` (server.ts) the
 * transport itself closes the connection.
 */
const MAX_MESSAGE_BYTES = { participant: 16 * 1024, facilitator: 96 * 1024 } as const;

/** JSON size in bytes, or Infinity for what cannot be measured (cycles cannot come over the wire). */
function sizeOf(inputs: unknown[]): number {
  try {
    return Buffer.byteLength(JSON.stringify(inputs) ?? '');
  } catch {
    return Infinity;
  }
}

function message(workshops: Workshops, workshopId: string, code: ErrorCode, detail = '') {
  const lang: Workshop['language'] = workshops.get(workshopId)?.language ?? 'sv';
  return translate(lang, `error.${code}`, { detail });
}

function handshakeError(code: ErrorCode, lang: Workshop['language'] = 'sv', detail = ''): Error {
  const error = new Error(translate(lang, `error.${code}`, { detail })) as Error & { data: unknown };
  error.data = { error: code };
  return error;
}

export function attachRealtime(io: Io, workshops: Workshops, limits = DEFAULT_REALTIME_LIMITS) {
  const fanout = createFanout(io, workshops);
  const presence = createPresence(io);
  // Deleted for good: everyone still connected is told and let go; nothing of it stays here.
  workshops.onDeleted((workshopId, language) => {
    const everyone = channels.workshop(workshopId);
    io.to(everyone).emit('ended', { error: 'deleted', message: translate(language, 'error.deleted') });
    io.in(everyone).disconnectSockets(true);
    fanout.forget(workshopId);
  });
  // A flooding socket is slowed down on its own; the others' commands never wait behind it.
  const rates = {
    participant: new RateLimiterMemory({ points: limits.participantRate * 10, duration: 10 }),
    facilitator: new RateLimiterMemory({ points: limits.facilitatorRate * 10, duration: 10 }),
  };

  function broadcast(workshopId: string, events: Parameters<typeof fanout.broadcast>[1]) {
    fanout.broadcast(workshopId, events);
    for (const { event } of events) {
      if (event.type !== 'participant.removed') continue;
      const room = channels.participant(event.participantId);
      io.to(room).emit('ended', { error: 'removed', message: message(workshops, workshopId, 'removed') });
      io.in(room).disconnectSockets(true);
    }
  }

  const handlers: Record<'join' | 'command' | 'sync', { arity: number; handle: Handler }> = {
    join: {
      arity: 1,
      handle(socket, input) {
        const { workshopId, viewer } = socket.data;
        if (viewer.role === 'facilitator') throw new Refusal('forbidden');
        if (viewer.role === 'participant') {
          // Already joined on this connection: joining again is a no-op.
          return { data: { participant: workshops.get(workshopId)!.participants[viewer.participantId] } };
        }
        const request = parse(JoinRequest, input);
        if (!request.ok) throw new Refusal('invalid', request.detail);
        const result = workshops.join(workshopId, request.value);
        if (!result.ok) throw new Refusal(result.error, result.detail);
        const { participant, events } = result.value;
        socket.data.viewer = { role: 'participant', participantId: participant.id };
        fanout.enter(socket);
        presence.arrived(workshopId, participant.id);
        return {
          data: { participant },
          after: () => {
            broadcast(workshopId, events);
            fanout.snapshot(socket);
          },
        };
      },
    },
    command: {
      arity: 1,
      handle(socket, input) {
        const { workshopId, viewer } = socket.data;
        if (viewer.role === 'public') throw new Refusal('not_joined');
        const command = parseCommand(input);
        if (!command.ok) throw new Refusal('invalid', command.detail);
        const result = workshops.execute(workshopId, command.value, viewer);
        if (!result.ok) throw new Refusal(result.error, result.detail);
        return { data: { seq: result.value.seq }, after: () => broadcast(workshopId, result.value.events) };
      },
    },
    sync: {
      arity: 0,
      handle(socket) {
        fanout.snapshot(socket);
        return { data: { seq: workshops.get(socket.data.workshopId)?.seq ?? 0 } };
      },
    },
  };

  /** One wrapper for every client event: arity, rate limit, refusals as error acks. */
  async function dispatch(socket: VSocket, { arity, handle }: (typeof handlers)['join'], args: unknown[]) {
    const { workshopId, viewer } = socket.data;
    const last = args.at(-1);
    const ack = typeof last === 'function' ? (last as (a: Ack<unknown>) => void) : () => {};
    const inputs = typeof last === 'function' ? args.slice(0, -1) : args;
    const fail = (code: ErrorCode, detail = '') =>
      ack({ ok: false, error: code, message: message(workshops, workshopId, code, detail), ...(detail && { detail }) });
    const role = viewer.role === 'facilitator' ? 'facilitator' : 'participant';
    try {
      await rates[role].consume(socket.id);
    } catch {
      return fail('rate_limited');
    }
    if (inputs.length !== arity) return fail('invalid', `expected ${arity} argument(s) and an ack`);
    if (sizeOf(inputs) > MAX_MESSAGE_BYTES[role]) return fail('too_large', String(MAX_MESSAGE_BYTES[role] / 1024));
    let handled: Handled;
    try {
      handled = handle(socket, inputs[0]);
    } catch (err) {
      if (err instanceof Refusal) return fail(err.code, err.detail);
      console.error('command failed', (err as Error).message);
      return fail('internal');
    }
    // Stored: the answer is yes, whatever happens while telling the others.
    ack({ ok: true, data: handled.data });
    try {
      handled.after?.();
    } catch (err) {
      console.error('fan-out failed', (err as Error).message);
    }
  }

  io.use((socket, next) => {
    const auth = parse(HandshakeAuth, socket.handshake.auth);
    if (!auth.ok) return next(handshakeError('invalid', 'sv', auth.detail));
    const { protocol, workshopId, facilitatorKey, participantToken, since } = auth.value;
    if (protocol !== PROTOCOL_VERSION) return next(handshakeError('protocol'));
    const state = workshops.get(workshopId);
    if (!state) return next(handshakeError('not_found'));
    let viewer: Viewer = { role: 'public' };
    if (facilitatorKey !== undefined) {
      if (!workshops.isFacilitatorKey(workshopId, facilitatorKey))
        return next(handshakeError('unauthorized', state.language));
      viewer = { role: 'facilitator' };
    } else if (participantToken) {
      const participant = workshops.participantForToken(workshopId, participantToken);
      if (participant?.removed) return next(handshakeError('removed', state.language));
      if (participant) viewer = { role: 'participant', participantId: participant.id };
    }
    socket.data = { workshopId, viewer, since };
    next();
  });

  io.on('connection', (socket: VSocket) => {
    const { workshopId, viewer, since } = socket.data;
    fanout.enter(socket);
    fanout.catchUp(socket, since);
    if (viewer.role === 'facilitator') socket.emit('presence', { online: presence.online(workshopId) });
    if (viewer.role === 'participant') presence.arrived(workshopId, viewer.participantId);
    for (const [name, handler] of Object.entries(handlers))
      socket.on(name as keyof typeof handlers, (...args: unknown[]) => void dispatch(socket, handler, args));
    // Any other event name still gets an answer (and counts against the rate limit).
    socket.onAny((name: unknown, ...args: unknown[]) => {
      if (typeof name === 'string' && Object.hasOwn(handlers, name)) return;
      const arity = args.length - (typeof args.at(-1) === 'function' ? 1 : 0);
      const refuse = () => {
        throw new Refusal('invalid', 'unknown event');
      };
      void dispatch(socket, { arity, handle: refuse }, args);
    });
    socket.on('disconnect', () => {
      const current = socket.data.viewer;
      if (current.role === 'participant') presence.left(workshopId, current.participantId);
    });
  });
}
