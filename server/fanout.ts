// Fan-out: which Socket.IO rooms a socket is in, and who gets which event. Each socket gets
// only what `view`/`viewEvent` allow it; breakout members also sit in their room's channel.
// Every function here runs inside the workshop's lane (workshops.ts), on a state whose events
// are all stored, so each socket's stream is in seq order and never shows what a crash undoes.
// A server sends only to its own sockets (`io.local`): with several servers, events reach the
// others' sockets through the store (cluster.ts), never through the Socket.IO adapter.
import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents, Snapshot } from '../shared/protocol.ts';
import { PROTOCOL_VERSION } from '../shared/protocol.ts';
import type { Sequenced } from '../shared/workshop/events.ts';
import { roomOf, type Viewer, type Workshop } from '../shared/workshop/model.ts';
import {
  needsResync,
  NO_PROJECTION,
  personalView,
  projection,
  sharedRoomOf,
  sharedView,
  viewEvent,
  type Audience,
  type Projection,
} from '../shared/workshop/view.ts';
import type { SocketKeys } from './quotas.ts';
import { MAX_CATCH_UP, type Committed, type Loaded, type Workshops } from './workshops.ts';

export interface SocketData {
  workshopId: string;
  viewer: Viewer;
  /** The seq the client had at the handshake, for catch-up. */
  since?: number;
  /** Who the socket counts as for the socket limits (quotas.ts), and its client's address. */
  quota: SocketKeys;
  /** Requests refused by the socket's rate limit in the current 10 s (a flooder is let go). */
  refused: { since: number; count: number };
}

export type Io = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type VSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/**
 * Votes in a live poll (and notes of a silent brainstorm, for their count) are gathered this
 * long before the new projection goes out to everyone. Each one carries every visible ranking:
 * at 100 ms a hall voting live got three times the data of a plenary of the same pace (bench
 * `voting`); twice a second still moves a live chart while people watch.
 */
const PROJECTION_DELAY_MS = 500;
/**
 * Joins of a workshop go out to everyone at most this often; those in between wait and go
 * together. A hall scanning the QR code at once would otherwise cost n²/2 socket writes: at
 * 1,000 joins in 10 s half a million, some 12 s of writing alone at the ~25 µs a write takes
 * on the bench machine (bench/results.md, join-storm).
 */
const JOIN_BATCH_MS = 50;

export const channels = {
  workshop: (id: string) => `workshop:${id}`,
  facilitators: (id: string) => `workshop:${id}:facilitators`,
  public: (id: string) => `workshop:${id}:public`,
  room: (id: string, roomId: string) => `workshop:${id}:room:${roomId}`,
  participant: (id: string) => `participant:${id}`,
};

/**
 * Views built at one seq, shared by every snapshot sent at that seq: a breakout closing sends
 * a thousand phones their report-back, and each must not cost a walk over every note.
 */
interface Views {
  seq: number;
  shared: Map<string | null, Workshop>;
  /** Note ids by author, for the personal part of a participant's view. */
  own: Map<string, string[]> | null;
  projection: Projection | null;
}

export function createFanout(io: Io, workshops: Workshops) {
  const built = new Map<string, Views>();

  function viewsOf(state: Workshop): Views {
    let views = built.get(state.id);
    if (views?.seq !== state.seq) {
      views = { seq: state.seq, shared: new Map(), own: null, projection: null };
      built.set(state.id, views);
    }
    return views;
  }

  function projectionOf(state: Workshop): Projection {
    const views = viewsOf(state);
    return (views.projection ??= projection(state));
  }

  /** `view(state, viewer)`, from the views built at this seq. */
  function viewFor(state: Workshop, viewer: Viewer): Workshop {
    if (viewer.role === 'facilitator') return state;
    const views = viewsOf(state);
    const room = viewer.role === 'participant' ? sharedRoomOf(state, viewer.participantId) : null;
    let shared = views.shared.get(room);
    if (!shared) views.shared.set(room, (shared = sharedView(state, room)));
    if (viewer.role !== 'participant') return shared;
    if (!views.own) {
      views.own = new Map();
      for (const note of Object.values(state.notes)) {
        if (!note.authorId) continue;
        const mine = views.own.get(note.authorId);
        if (mine) mine.push(note.id);
        else views.own.set(note.authorId, [note.id]);
      }
    }
    return personalView(state, shared, viewer, views.own.get(viewer.participantId) ?? []);
  }

  function snapshot(socket: VSocket, { state }: Loaded) {
    const viewer = socket.data.viewer;
    const body: Snapshot = {
      protocol: PROTOCOL_VERSION,
      workshop: viewFor(state, viewer),
      you: { role: viewer.role, participantId: viewer.role === 'participant' ? viewer.participantId : null },
      serverNow: Date.now(),
      projection: projectionOf(state),
      retentionDays: workshops.retentionDays,
    };
    // Encoded here and now: the state may change in place with the next command.
    socket.emit('snapshot', body);
  }

  function channel(workshopId: string, audience: Audience): string {
    switch (audience.kind) {
      case 'everyone':
        return channels.workshop(workshopId);
      case 'facilitators':
        return channels.facilitators(workshopId);
      case 'public':
        return channels.public(workshopId);
      case 'room':
        return channels.room(workshopId, audience.roomId);
      case 'participant':
        return channels.participant(audience.participantId);
    }
  }

  function socketsIn(name: string): VSocket[] {
    return [...(io.sockets.adapter.rooms.get(name) ?? [])]
      .map((id) => io.sockets.sockets.get(id))
      .filter((s): s is VSocket => !!s);
  }

  /** Put a participant's sockets in the channel of their room of the open breakout, if any. */
  function syncRoomChannel(state: Workshop, participantId: string) {
    const breakout = state.activities.find((a) => a.breakout?.open)?.breakout;
    const room = roomOf(breakout, participantId);
    const prefix = channels.room(state.id, '');
    for (const socket of socketsIn(channels.participant(participantId))) {
      for (const name of socket.rooms) if (name.startsWith(prefix) && name !== prefix + room?.id) socket.leave(name);
      if (room) socket.join(channels.room(state.id, room.id));
    }
  }

  /** Join a freshly connected (or just joined) socket to the channels it belongs in. */
  function enter(socket: VSocket, { state }: Loaded) {
    const { workshopId, viewer } = socket.data;
    // Joins held back go first, to those already following: a catch-up or snapshot sent next
    // must never be overtaken by an older held join (a seq going backwards looks like a loss).
    sendHeldJoins(workshopId);
    socket.join(channels.workshop(workshopId));
    if (viewer.role === 'facilitator') return socket.join(channels.facilitators(workshopId));
    socket.join(channels.public(workshopId));
    if (viewer.role !== 'participant') return;
    socket.join(channels.participant(viewer.participantId));
    syncRoomChannel(state, viewer.participantId);
  }

  const lastProjection = new Map<string, string>();
  const projectionTimers = new Map<string, NodeJS.Timeout>();

  /** Send the projection to everyone if it changed, at most once per short delay. */
  function updateProjection(workshopId: string) {
    if (projectionTimers.has(workshopId)) return;
    const timer = setTimeout(() => {
      projectionTimers.delete(workshopId);
      workshops.read(workshopId, ({ state }) => {
        const next = projectionOf(state);
        const text = JSON.stringify(next);
        if (text === (lastProjection.get(workshopId) ?? JSON.stringify(NO_PROJECTION))) return;
        lastProjection.set(workshopId, text);
        io.local.to(channels.workshop(workshopId)).emit('projection', next);
      }).catch(() => {}); // the next change sends it
    }, PROJECTION_DELAY_MS);
    timer.unref();
    projectionTimers.set(workshopId, timer);
  }

  // `participant.joined` goes to everyone. The first join after a quiet spell goes at once,
  // as a one-element `events` message like any event; joins arriving within JOIN_BATCH_MS of
  // the last that went out are held and sent together as one message, in seq order. Anything
  // else broadcast in the workshop first sends what is held, so every socket still gets its
  // events in ascending seq. A snapshot or catch-up sent meanwhile already has the held joins
  // (state and store have them); the client skips them when they come (§6.3).
  const heldJoins = new Map<string, { events: Sequenced[]; timer: NodeJS.Timeout | null; last: number }>();

  function sendHeldJoins(workshopId: string) {
    const held = heldJoins.get(workshopId);
    if (!held?.events.length) return;
    clearTimeout(held.timer ?? undefined);
    io.local.to(channels.workshop(workshopId)).emit('events', held.events);
    heldJoins.set(workshopId, { events: [], timer: null, last: Date.now() });
  }

  function sendJoin(workshopId: string, joined: Sequenced) {
    const held = heldJoins.get(workshopId) ?? { events: [], timer: null, last: 0 };
    const now = Date.now();
    if (!held.events.length && now - held.last >= JOIN_BATCH_MS) {
      io.local.to(channels.workshop(workshopId)).emit('events', [joined]);
      heldJoins.set(workshopId, { events: [], timer: null, last: now });
      return;
    }
    held.events.push(joined);
    if (!held.timer) {
      held.timer = setTimeout(() => sendHeldJoins(workshopId), Math.max(0, held.last + JOIN_BATCH_MS - now));
      held.timer.unref();
    }
    heldJoins.set(workshopId, held);
  }

  /** Send stored events to whoever may see them, each judged on the state right after it. */
  function broadcast(workshop: Loaded, events: Committed[]) {
    const { state } = workshop;
    const workshopId = state.id;
    if (events.length) updateProjection(workshopId);
    for (const { seq, event, deliveries: toWhom } of events) {
      const [only] = toWhom;
      if (event.type === 'participant.joined' && toWhom.length === 1 && only.to.kind === 'everyone' && 'event' in only) {
        sendJoin(workshopId, { seq, event: only.event });
        continue;
      }
      sendHeldJoins(workshopId);
      if (event.type === 'breakout.opened' || event.type === 'breakout.closed') {
        for (const room of state.activities.find((a) => a.id === event.activityId)?.breakout?.rooms ?? [])
          for (const id of room.members) syncRoomChannel(state, id);
      }
      if (event.type === 'room.joined') syncRoomChannel(state, event.participantId);
      for (const delivery of toWhom) {
        const name = channel(workshopId, delivery.to);
        if ('resync' in delivery) {
          for (const socket of socketsIn(name)) snapshot(socket, workshop);
          continue;
        }
        let target = io.local.to(name);
        const except = 'except' in delivery.to ? delivery.to.except : undefined;
        if (except) target = target.except(channels.participant(except));
        target.emit('events', [{ seq, event: delivery.event }]);
      }
    }
  }

  /** Send what the client missed: the events after `since` this viewer may see, or a snapshot. */
  function catchUp(socket: VSocket, workshop: Loaded, since: number | undefined) {
    const { state, recent } = workshop;
    const viewer = socket.data.viewer;
    const first = Math.max(recent[0]?.seq ?? Infinity, state.seq - MAX_CATCH_UP + 1);
    // since = 0 means "no state yet": only a snapshot gives one. Before the events kept here,
    // a snapshot is what can serve it.
    if (since !== undefined && since > 0 && since <= state.seq && since >= first - 1) {
      const missed = recent.filter((e) => e.seq > since);
      // Missed events are judged on the state now (viewEvent): safe unless what this viewer
      // may see changed wholesale in between, which only a snapshot can tell.
      const judgeable = !missed.some(({ event }) => needsResync(event));
      if (viewer.role === 'facilitator' || judgeable) {
        const visible = missed.flatMap(({ seq, event }) => {
          const seen = viewEvent(state, event, viewer);
          return seen ? [{ seq, event: seen }] : [];
        });
        if (visible.length) socket.emit('events', visible);
        socket.emit('projection', projectionOf(state));
        return;
      }
    }
    snapshot(socket, workshop);
  }

  /**
   * Make these sockets' clients connect again: the transport is closed, not the socket (a
   * server-side disconnect tells socket.io-client not to come back), and at once, without
   * waiting for what is still buffered (a graceful close waited for a drain that could hang).
   * Whatever that held, an ack included, the client's outbox and catch-up make good.
   */
  function reconnect(channel: string) {
    for (const socket of socketsIn(channel)) socket.conn.close(true);
  }

  /** A deleted workshop: drop what is remembered about it. */
  function forget(workshopId: string) {
    clearTimeout(projectionTimers.get(workshopId));
    projectionTimers.delete(workshopId);
    lastProjection.delete(workshopId);
    clearTimeout(heldJoins.get(workshopId)?.timer ?? undefined);
    heldJoins.delete(workshopId);
    built.delete(workshopId);
  }

  return { snapshot, enter, broadcast, catchUp, reconnect, forget, socketsIn };
}
