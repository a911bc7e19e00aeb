// What each viewer may see. The server sends every socket only this, never all of it for the
// client to hide. Facilitators see everything. Participants and the projector see notes of
// anonymous activities without their author (except their own notes), and while a breakout
// is open only the notes of the plenary and of their own room.
import type { WorkshopEvent } from './events.ts';
import { roomOf, type Note, type Viewer, type Workshop } from './model.ts';

function viewerId(viewer: Viewer): string | null {
  return viewer.role === 'participant' ? viewer.participantId : null;
}

function isAnonymous(state: Workshop, activityId: string): boolean {
  // An activity this state no longer knows is treated as anonymous: the safe side.
  return state.activities.find((a) => a.id === activityId)?.anonymous ?? true;
}

/** The open breakout a room belongs to, if it is open. */
function openBreakoutOfRoom(state: Workshop, roomId: string) {
  return state.activities.find((a) => a.breakout?.open && a.breakout.rooms.some((r) => r.id === roomId))?.breakout;
}

/** Whether notes of this room are hidden from this viewer right now. */
function roomHidden(state: Workshop, roomId: string | null | undefined, viewer: Viewer): boolean {
  if (!roomId || viewer.role === 'facilitator') return false;
  const breakout = openBreakoutOfRoom(state, roomId);
  if (!breakout) return false;
  const id = viewerId(viewer);
  return !id || roomOf(breakout, id)?.id !== roomId;
}

function redactNote<N extends Omit<Note, 'order'>>(state: Workshop, note: N, viewer: Viewer): N {
  if (viewer.role === 'facilitator') return note;
  if (note.authorId === viewerId(viewer) || !isAnonymous(state, note.activityId)) return note;
  return { ...note, authorId: null };
}

/** The whole workshop as a viewer may see it. */
export function view(state: Workshop, viewer: Viewer): Workshop {
  if (viewer.role === 'facilitator') return state;
  const notes: Record<string, Note> = {};
  for (const note of Object.values(state.notes))
    if (!roomHidden(state, note.roomId, viewer)) notes[note.id] = redactNote(state, note, viewer);
  return { ...state, notes };
}

/** The room a note event is about, if any. */
function noteRoomOf(event: WorkshopEvent): string | null | undefined {
  switch (event.type) {
    case 'note.added':
      return event.note.roomId;
    case 'note.edited':
    case 'note.moved':
    case 'note.deleted':
      return event.roomId;
    default:
      return undefined;
  }
}

/** One event as a viewer may see it, judged on the state after it; null if not at all. */
export function viewEvent(state: Workshop, event: WorkshopEvent, viewer: Viewer): WorkshopEvent | null {
  if (roomHidden(state, noteRoomOf(event), viewer)) return null;
  if (event.type === 'note.added') return { ...event, note: redactNote(state, event.note, viewer) };
  return event;
}

/** Who receives an event. `public` is every participant and projector of the workshop. */
export type Audience =
  | { kind: 'everyone' }
  | { kind: 'facilitators' }
  | { kind: 'public'; except?: string }
  | { kind: 'room'; roomId: string; except?: string }
  | { kind: 'participant'; participantId: string };

export type Delivery =
  | { to: Audience; event: WorkshopEvent }
  /** What the audience may see changed wholesale: each of them gets a fresh `view`. */
  | { to: Audience; resync: true };

/** Whether an event changes what participants may see so much that they need a new view. */
export function needsResync(event: WorkshopEvent): boolean {
  return (
    (event.type === 'activity.updated' && event.anonymous !== undefined) ||
    event.type === 'breakout.closed' ||
    event.type === 'room.joined'
  );
}

/**
 * How to fan an event out so that each socket gets `viewEvent` for itself with as few
 * emits as possible. Pure; the server maps audiences to Socket.IO rooms.
 */
export function deliveries(state: Workshop, event: WorkshopEvent): Delivery[] {
  if (event.type === 'activity.updated' && event.anonymous !== undefined)
    return [
      { to: { kind: 'facilitators' }, event },
      { to: { kind: 'public' }, resync: true },
    ];
  if (event.type === 'breakout.closed')
    return [
      { to: { kind: 'facilitators' }, event },
      { to: { kind: 'public' }, resync: true },
    ];
  if (event.type === 'room.joined')
    // Everyone learns who is where; the one who moved gets their new room's board.
    return [
      { to: { kind: 'everyone' }, event },
      { to: { kind: 'participant', participantId: event.participantId }, resync: true },
    ];
  const roomId = noteRoomOf(event);
  const inOpenRoom = !!roomId && !!openBreakoutOfRoom(state, roomId);
  const crowd: Audience = inOpenRoom ? { kind: 'room', roomId: roomId! } : { kind: 'public' };
  if (event.type === 'note.added') {
    const author = event.note.authorId;
    const anonymous = author !== null && isAnonymous(state, event.note.activityId);
    if (!inOpenRoom && !anonymous) return [{ to: { kind: 'everyone' }, event }];
    const out: Delivery[] = [{ to: { kind: 'facilitators' }, event }];
    if (!anonymous) return [...out, { to: crowd, event }];
    out.push({ to: { ...crowd, except: author ?? undefined }, event: { ...event, note: { ...event.note, authorId: null } } });
    if (author && state.participants[author]) out.push({ to: { kind: 'participant', participantId: author }, event });
    return out;
  }
  if (inOpenRoom) return [{ to: { kind: 'facilitators' }, event }, { to: crowd, event }];
  return [{ to: { kind: 'everyone' }, event }];
}
