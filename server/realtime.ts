// Socket.IO: handshake auth, one dispatcher for every command, and fan-out by rooms.
// The chain for a command: parse -> (dedupe, decide, append) -> ack -> broadcast, in one
// synchronous turn so commands of a workshop never interleave.
import type { Ack } from '../shared/protocol.ts';
import { PROTOCOL_VERSION } from '../shared/protocol.ts';
import { HandshakeAuth, JoinRequest, parse, parseCommand } from '../shared/schema.ts';
import { translate } from '../shared/i18n/index.ts';
import type { ErrorCode, Participant, Viewer, Workshop } from '../shared/workshop/model.ts';
import { channels, createFanout, type Io, type VSocket } from './fanout.ts';
import type { Workshops } from './workshops.ts';

export type { Io };

const PRESENCE_DELAY_MS = 200;

class Refusal extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
  ) {
    super(code);
  }
}

function handshakeError(code: ErrorCode, lang: Workshop['language'] = 'sv', detail = ''): Error {
  const error = new Error(translate(lang, `error.${code}`, { detail })) as Error & { data: unknown };
  error.data = { error: code };
  return error;
}

export function attachRealtime(io: Io, workshops: Workshops) {
  const online = new Map<string, Map<string, number>>(); // workshopId -> participantId -> sockets
  const { snapshot, enter, broadcast: fanOut, catchUp } = createFanout(io, workshops);

  function broadcast(workshopId: string, events: Parameters<typeof fanOut>[1]) {
    fanOut(workshopId, events);
    for (const { event } of events)
      if (event.type === 'participant.removed') endParticipant(workshopId, event.participantId);
  }

  function fail<T>(ack: (a: Ack<T>) => void, workshopId: string, code: ErrorCode, detail = '') {
    const lang = workshops.get(workshopId)?.language ?? 'sv';
    ack({ ok: false, error: code, message: translate(lang, `error.${code}`, { detail }), ...(detail && { detail }) });
  }

  function endParticipant(workshopId: string, participantId: string) {
    const lang = workshops.get(workshopId)?.language ?? 'sv';
    const room = channels.participant(participantId);
    io.to(room).emit('ended', { error: 'removed', message: translate(lang, 'error.removed') });
    io.in(room).disconnectSockets(true);
  }

  const presenceTimers = new Map<string, NodeJS.Timeout>();
  const onlineIds = (workshopId: string) => [...(online.get(workshopId)?.keys() ?? [])];

  /** Tell facilitators who is online; coalesced so a hall joining at once is one message. */
  function presence(workshopId: string) {
    if (presenceTimers.has(workshopId)) return;
    const timer = setTimeout(() => {
      presenceTimers.delete(workshopId);
      io.to(channels.facilitators(workshopId)).volatile.emit('presence', { online: onlineIds(workshopId) });
    }, PRESENCE_DELAY_MS);
    timer.unref();
    presenceTimers.set(workshopId, timer);
  }

  function trackOnline(workshopId: string, participantId: string, delta: 1 | -1) {
    const counts = online.get(workshopId) ?? new Map<string, number>();
    const n = (counts.get(participantId) ?? 0) + delta;
    if (n > 0) counts.set(participantId, n);
    else counts.delete(participantId);
    if (counts.size) online.set(workshopId, counts);
    else online.delete(workshopId);
  }

  io.use((socket, next) => {
    const auth = parse(HandshakeAuth, socket.handshake.auth);
    if (!auth.ok) return next(handshakeError('invalid', 'sv', auth.detail));
    const { protocol, workshopId, facilitatorKey, participantToken } = auth.value;
    if (protocol !== PROTOCOL_VERSION) return next(handshakeError('protocol'));
    const state = workshops.get(workshopId);
    if (!state) return next(handshakeError('not_found'));
    let viewer: Viewer = { role: 'public' };
    if (facilitatorKey !== undefined) {
      if (!workshops.isFacilitatorKey(workshopId, facilitatorKey)) return next(handshakeError('unauthorized', state.language));
      viewer = { role: 'facilitator' };
    } else if (participantToken) {
      const participant = workshops.participantForToken(workshopId, participantToken);
      if (participant?.removed) return next(handshakeError('removed', state.language));
      if (participant) viewer = { role: 'participant', participantId: participant.id };
    }
    socket.data = { workshopId, viewer };
    next();
  });

  io.on('connection', (socket: VSocket) => {
    const { workshopId } = socket.data;
    enter(socket);
    if (socket.data.viewer.role === 'participant') trackOnline(workshopId, socket.data.viewer.participantId, 1);
    catchUp(socket, (socket.handshake.auth as { since?: number }).since);
    if (socket.data.viewer.role === 'facilitator') socket.emit('presence', { online: onlineIds(workshopId) });
    else presence(workshopId);

    const guard =
      <A extends unknown[], T>(handler: (...args: [...A, (ack: Ack<T>) => void]) => void) =>
      (...args: unknown[]) => {
        const last = args[args.length - 1];
        const ack = typeof last === 'function' ? (last as (a: Ack<T>) => void) : () => {};
        const params = (typeof last === 'function' ? args.slice(0, -1) : args) as A;
        try {
          handler(...params, ack);
        } catch (err) {
          if (err instanceof Refusal) return fail(ack, workshopId, err.code, err.detail);
          console.error('command failed', (err as Error).message);
          fail(ack, workshopId, 'internal');
        }
      };

    socket.on(
      'join',
      guard<[unknown], { participant: Participant }>((input, ack) => {
        const viewer = socket.data.viewer;
        if (viewer.role === 'facilitator') throw new Refusal('forbidden');
        if (viewer.role === 'participant') {
          // Already joined on this connection: joining again is a no-op.
          const me = workshops.get(workshopId)!.participants[viewer.participantId];
          return ack({ ok: true, data: { participant: me } });
        }
        const request = parse(JoinRequest, input);
        if (!request.ok) throw new Refusal('invalid', request.detail);
        const result = workshops.join(workshopId, request.value);
        if (!result.ok) throw new Refusal(result.error, result.detail);
        const { participant, events } = result.value;
        socket.data.viewer = { role: 'participant', participantId: participant.id };
        enter(socket);
        trackOnline(workshopId, participant.id, 1);
        broadcast(workshopId, events);
        snapshot(socket);
        presence(workshopId);
        ack({ ok: true, data: { participant } });
      }),
    );

    socket.on(
      'command',
      guard<[unknown], { seq: number }>((input, ack) => {
        const viewer = socket.data.viewer;
        if (viewer.role === 'public') throw new Refusal('not_joined');
        const command = parseCommand(input);
        if (!command.ok) throw new Refusal('invalid', command.detail);
        const result = workshops.execute(workshopId, command.value, viewer);
        if (!result.ok) throw new Refusal(result.error, result.detail);
        ack({ ok: true, data: { seq: result.value.seq } });
        broadcast(workshopId, result.value.events);
      }),
    );

    socket.on(
      'sync',
      guard<[], { seq: number }>((ack) => {
        snapshot(socket);
        ack({ ok: true, data: { seq: workshops.get(workshopId)?.seq ?? 0 } });
      }),
    );

    socket.on('disconnect', () => {
      const viewer = socket.data.viewer;
      if (viewer.role !== 'participant') return;
      trackOnline(workshopId, viewer.participantId, -1);
      presence(workshopId);
    });
  });

  return { broadcast };
}
