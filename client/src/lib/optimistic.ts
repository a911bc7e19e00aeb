// The optimistic view: the server's state with this page's commands on their way (and the ones
// refused) folded on top by the shared decide + apply, so what a phone shows before the ack is
// what the server will decide — the same rules, not a copy of them.
import type { Command } from '../../../shared/protocol.ts';
import { applyInPlace } from '../../../shared/workshop/apply.ts';
import { decide, isFacilitatorOnly } from '../../../shared/workshop/decide.ts';
import type { WorkshopEvent } from '../../../shared/workshop/events.ts';
import { actorId, newNote, type Actor, type Note, type Workshop } from '../../../shared/workshop/model.ts';

export interface NoteView extends Note {
  /** In the outbox: not acknowledged by the server yet. */
  pending: boolean;
  /** The server refused the last change to this note: why, readable. */
  error: string | null;
  /** Id of the refused command, to dismiss the error. */
  failureId: string | null;
}

export interface Failure {
  command: Command;
  /** Readable, in the UI language. */
  message: string;
}

/** What this page has sent whose outcome its state does not hold yet. */
export interface Outgoing {
  /** Unacknowledged commands, in the order they were made. */
  pending: Command[];
  /** Acknowledged ones whose events have not arrived yet: shown as saved, to avoid a flicker. */
  settling: Command[];
  /** Refused ones: shown with their error until dismissed. */
  failures: Failure[];
  /** The clock decide runs with; only times of unsaved changes come from it, and none is shown. */
  now: number;
}

export interface OptimisticView {
  notes: Record<string, NoteView>;
  /** This participant's dots per activity and option; empty for a facilitator. */
  ballots: Record<string, Record<string, number>>;
}

type Flags = Pick<NoteView, 'pending' | 'error' | 'failureId'>;
const SAVED: Flags = { pending: false, error: null, failureId: null };
const FACILITATOR: Actor = { role: 'facilitator' };

/**
 * Notes and dots as this page should show them, `actor` being who the page is (null before it
 * knows: nothing it sends is laid on). This runs on every change of the page, so the commands
 * are folded onto one copy of the state, made once per call, by the in-place apply: an event
 * then costs the same on a board of thousands of notes, where `apply` would copy them all.
 */
export function optimisticView(state: Workshop, actor: Actor | null, outgoing: Outgoing): OptimisticView {
  const flags = new Map<string, Flags>();
  const mark = (noteId: string, change: Partial<Flags>) =>
    flags.set(noteId, { ...(flags.get(noteId) ?? SAVED), ...change });
  const { pending, settling, failures } = outgoing;
  let folded = actor && (pending.length || settling.length || failures.length) ? ownRecords(state) : state;
  // Unsaved changes take the seqs after the server's: unsaved notes sort after every saved one.
  let seq = state.seq;
  const lay = (events: WorkshopEvent[], unsaved: boolean) => {
    for (const event of events) {
      folded = applyInPlace(folded, event, ++seq);
      const noteId = event.type === 'note.added' ? event.note.id : 'noteId' in event ? event.noteId : null;
      if (unsaved && noteId && folded.notes[noteId]) mark(noteId, { pending: true });
    }
  };
  if (actor) {
    for (const command of settling) lay(decideHere(folded, command, actor, outgoing.now), false);
    for (const command of pending) lay(decideHere(folded, command, actor, outgoing.now), true);
    for (const { command, message } of failures) {
      // Refused votes and room changes are listed apart (FailureList): no note to show them on.
      if (!('noteId' in command)) continue;
      // A refused note still shows, with the reason, so its text is not lost; a refused edit,
      // move or delete leaves the note as the server has it (and any later change still queued).
      if (command.type === 'note.add') {
        if (folded.notes[command.noteId]) continue;
        lay(refusedNote(folded, command, actor, outgoing.now), false);
      }
      if (folded.notes[command.noteId]) mark(command.noteId, { error: message, failureId: command.id });
    }
  }
  const notes: Record<string, NoteView> = {};
  for (const note of Object.values(folded.notes)) notes[note.id] = { ...note, ...(flags.get(note.id) ?? SAVED) };
  return { notes, ballots: ballotsOf(folded, actor) };
}

/**
 * The state with its own copies of the records `applyInPlace` changes where they are (apply.ts;
 * themes too, to be safe): the page's state is shared with everything it shows and never changes.
 */
function ownRecords(state: Workshop): Workshop {
  return {
    ...state,
    notes: { ...state.notes },
    participants: { ...state.participants },
    themes: { ...state.themes },
    ballots: Object.fromEntries(Object.entries(state.ballots).map(([id, byVoter]) => [id, { ...byVoter }])),
  };
}

/** The events the server will make of a command, as far as this page can tell. */
function decideHere(state: Workshop, command: Command, actor: Actor, now: number): WorkshopEvent[] {
  const decision = decide(state, command, actor, { now });
  return decision.ok ? decision.events : asIfAccepted(state, command, actor, now);
}

/**
 * A participant's command that decide refuses on this page's state, shown as if accepted, as
 * the page did before it ran decide. That state is a view, maybe behind: no notes of other
 * rooms or others' hidden notes, nobody else's dots, the activity still locked or not current
 * here when the server has moved on. So a refusal here is not the server's answer, and dropping
 * the change would hide what the person just did; the server's own refusal comes back as a
 * failure, with its reason. A note is changed by the rules of the facilitator, who may write
 * anywhere, so it still keeps exactly the fields the server keeps; a dot counts as cast. A
 * facilitator's page holds the whole state: its refusal is the server's (or the change is
 * already in), nothing to lay.
 */
function asIfAccepted(state: Workshop, command: Command, actor: Actor, now: number): WorkshopEvent[] {
  if (actor.role === 'facilitator' || isFacilitatorOnly(command.type)) return [];
  switch (command.type) {
    case 'vote.cast': {
      const { activityId, optionId, delta } = command;
      return [{ type: 'vote.cast', activityId, participantId: actor.participantId, optionId, delta }];
    }
    case 'ranking.submit': {
      const ballot = Object.fromEntries(command.order.map((id, i) => [id, i + 1]));
      return [{ type: 'ballot.set', activityId: command.activityId, participantId: actor.participantId, ballot }];
    }
    case 'points.submit': {
      const ballot = Object.fromEntries(Object.entries(command.points).filter(([, p]) => p > 0));
      return [{ type: 'ballot.set', activityId: command.activityId, participantId: actor.participantId, ballot }];
    }
    case 'note.add':
    case 'note.edit':
    case 'note.move':
    case 'note.delete': {
      // Refused here too (the note is gone or already in, its column gone): nothing to show.
      const decision = decide(state, command, FACILITATOR, { now });
      if (!decision.ok) return [];
      return decision.events.map((event) =>
        event.type === 'note.added' ? { ...event, note: { ...event.note, authorId: actor.participantId } } : event,
      );
    }
    default:
      return [];
  }
}

/** A note the server refused to add, as it would have been; none where no board could show it. */
function refusedNote(
  state: Workshop,
  command: Extract<Command, { type: 'note.add' }>,
  actor: Actor,
  now: number,
): WorkshopEvent[] {
  const activity = state.activities.find((a) => a.id === command.activityId);
  // Its activity or column gone: the failure is listed apart instead (FailureList).
  if (!activity?.columns.some((c) => c.id === command.columnId)) return [];
  const { noteId: id, columnId, text, roomId, rating, owner, due } = command;
  const input = { id, columnId, authorId: actorId(actor), text, roomId, rating, owner, due };
  return [{ type: 'note.added', note: newNote(activity, input, now) }];
}

function ballotsOf(state: Workshop, actor: Actor | null): OptimisticView['ballots'] {
  if (actor?.role !== 'participant') return {};
  const mine: OptimisticView['ballots'] = {};
  for (const [activityId, byVoter] of Object.entries(state.ballots))
    if (byVoter[actor.participantId]) mine[activityId] = byVoter[actor.participantId];
  return mine;
}

/** Notes of one activity in posting order. */
export function notesFor(notes: Record<string, NoteView>, activityId: string): NoteView[] {
  return Object.values(notes)
    .filter((n) => n.activityId === activityId)
    .sort((a, b) => a.order - b.order);
}
