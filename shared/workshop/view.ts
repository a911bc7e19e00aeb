// What each viewer may see. The server sends every socket only this, never all of it for the
// client to hide: facilitators see everything; participants and the projector see notes of
// anonymous activities without their author, except their own notes.
import type { WorkshopEvent } from './events.ts';
import type { Note, Viewer, Workshop } from './model.ts';

function viewerId(viewer: Viewer): string | null {
  return viewer.role === 'participant' ? viewer.participantId : null;
}

function isAnonymous(state: Workshop, activityId: string): boolean {
  // An activity this state no longer knows is treated as anonymous: the safe side.
  return state.activities.find((a) => a.id === activityId)?.anonymous ?? true;
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
  for (const note of Object.values(state.notes)) notes[note.id] = redactNote(state, note, viewer);
  return { ...state, notes };
}

/** One event as a viewer may see it, judged on the state after it was applied. */
export function viewEvent(state: Workshop, event: WorkshopEvent, viewer: Viewer): WorkshopEvent {
  if (event.type === 'note.added') return { ...event, note: redactNote(state, event.note, viewer) };
  return event;
}

/** Who receives an event. `public` is every participant and projector of the workshop. */
export type Audience =
  | { kind: 'everyone' }
  | { kind: 'facilitators' }
  | { kind: 'public'; except?: string }
  | { kind: 'participant'; participantId: string };

export type Delivery =
  | { to: Audience; event: WorkshopEvent }
  /** What the audience may see changed wholesale: each of them gets a fresh `view`. */
  | { to: Audience; resync: true };

/**
 * How to fan an event out so that each socket gets `viewEvent` for itself with as few
 * emits as possible. Pure; the server maps audiences to Socket.IO rooms.
 */
export function deliveries(state: Workshop, event: WorkshopEvent): Delivery[] {
  if (event.type === 'activity.updated' && event.anonymous !== undefined) {
    return [
      { to: { kind: 'facilitators' }, event },
      { to: { kind: 'public' }, resync: true },
    ];
  }
  if (event.type === 'note.added') {
    const redacted = viewEvent(state, event, { role: 'public' });
    if (redacted.type !== 'note.added' || redacted.note.authorId === event.note.authorId)
      return [{ to: { kind: 'everyone' }, event }];
    const author = event.note.authorId;
    const out: Delivery[] = [
      { to: { kind: 'facilitators' }, event },
      { to: { kind: 'public', except: author ?? undefined }, event: redacted },
    ];
    if (author && state.participants[author]) out.push({ to: { kind: 'participant', participantId: author }, event });
    return out;
  }
  return [{ to: { kind: 'everyone' }, event }];
}
