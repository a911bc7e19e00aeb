// The optimistic view of notes: the server's state with the commands still in the outbox (and
// the ones refused) laid on top, so a note written offline shows at once, marked unsaved.
import type { Command } from '../../../shared/protocol.ts';
import type { Note, Workshop } from '../../../shared/workshop/model.ts';

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

const saved = (note: Note): NoteView => ({ ...note, pending: false, error: null, failureId: null });

/**
 * Notes as this client should show them. `pending` are unacknowledged commands in order,
 * `settling` acknowledged ones whose events have not arrived yet (shown as saved, to avoid a
 * flicker), `failures` refused ones (shown with their error until dismissed).
 */
export function optimisticNotes(
  state: Workshop,
  authorId: string | null,
  pending: Command[],
  settling: Command[],
  failures: Failure[],
): Record<string, NoteView> {
  const notes: Record<string, NoteView> = {};
  for (const note of Object.values(state.notes)) notes[note.id] = saved(note);
  // Unsaved notes sort after every saved one; once saved they get their event's seq.
  let order = state.seq + 1;
  const lay = (command: Command, isPending: boolean, failure: Failure | null) => {
    const flags = {
      pending: isPending,
      error: failure?.message ?? null,
      failureId: failure?.command.id ?? null,
    };
    switch (command.type) {
      case 'note.add': {
        if (state.notes[command.noteId]) return;
        const { noteId, activityId, columnId, text, owner, due, roomId, rating } = command;
        notes[noteId] = {
          id: noteId,
          activityId,
          columnId,
          authorId,
          text,
          roomId: roomId ?? null,
          themeId: null,
          ...(owner !== undefined && { owner }),
          ...(due !== undefined && { due }),
          ...(rating !== undefined && { rating }),
          createdAt: 0,
          updatedAt: 0,
          order: order++,
          ...flags,
        };
        return;
      }
      case 'note.edit': {
        const note = notes[command.noteId];
        if (!note) return;
        if (failure) notes[note.id] = { ...note, ...flags, pending: note.pending };
        else
          notes[note.id] = {
            ...note,
            text: command.text,
            ...(command.owner !== undefined && { owner: command.owner }),
            ...(command.due !== undefined && { due: command.due }),
            ...(command.rating !== undefined && { rating: command.rating }),
            ...flags,
          };
        return;
      }
      case 'note.group': {
        const note = notes[command.noteId];
        if (!note) return;
        if (failure) notes[note.id] = { ...note, ...flags, pending: note.pending };
        else notes[note.id] = { ...note, themeId: command.themeId, ...flags };
        return;
      }
      case 'note.move': {
        const note = notes[command.noteId];
        if (!note) return;
        // Refused: the note stays where it is and shows why (nothing else lists this failure).
        if (failure) notes[note.id] = { ...note, ...flags, pending: note.pending };
        else notes[note.id] = { ...note, columnId: command.columnId, ...flags };
        return;
      }
      case 'note.delete':
        if (failure) {
          const note = notes[command.noteId];
          if (note) notes[note.id] = { ...note, ...flags, pending: note.pending };
        } else delete notes[command.noteId];
        return;
      default:
        return;
    }
  };
  for (const command of settling) lay(command, false, null);
  for (const command of pending) lay(command, true, null);
  for (const failure of failures) lay(failure.command, false, failure);
  return notes;
}

/** Notes of one activity in posting order. */
export function notesFor(notes: Record<string, NoteView>, activityId: string): NoteView[] {
  return Object.values(notes)
    .filter((n) => n.activityId === activityId)
    .sort((a, b) => a.order - b.order);
}

/**
 * This participant's dots per activity and option, with the votes still on their way laid on
 * top, so "Prickar kvar" changes the moment a dot is placed. Refused votes simply drop out.
 */
export function optimisticBallots(
  state: Workshop,
  participantId: string | null,
  pending: Command[],
  settling: Command[],
): Record<string, Record<string, number>> {
  if (!participantId) return {};
  const out: Record<string, Record<string, number>> = {};
  for (const [activityId, byVoter] of Object.entries(state.ballots))
    if (byVoter[participantId]) out[activityId] = { ...byVoter[participantId] };
  for (const command of [...settling, ...pending]) {
    if (command.type !== 'vote.cast') continue;
    const ballot = (out[command.activityId] ??= {});
    ballot[command.optionId] = Math.max(0, (ballot[command.optionId] ?? 0) + command.delta);
  }
  return out;
}
