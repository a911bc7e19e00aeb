// Which note on the facilitator's page shows its actions (Ändra, Ta bort, Flytta till, Lägg i
// tema): one at a time, so a board of many notes stays short. Only the facilitator's page sets
// it; where it is not set (a phone) a note shows its author's actions as before.
import { getContext, hasContext, setContext } from 'svelte';

const KEY = Symbol('note-selection');

export class NoteSelection {
  /** The selected note's id; it stays selected when the note moves to another column or theme. */
  selected = $state<string | null>(null);

  toggle(noteId: string): void {
    this.selected = this.selected === noteId ? null : noteId;
  }

  clear(): void {
    this.selected = null;
  }
}

export function setNoteSelection(): NoteSelection {
  return setContext(KEY, new NoteSelection());
}

export function getNoteSelection(): NoteSelection | undefined {
  return hasContext(KEY) ? getContext<NoteSelection>(KEY) : undefined;
}
