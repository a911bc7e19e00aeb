// Grouping notes into themes with the mouse (HTML5 drag and drop): a note dropped on another
// note, on a theme, or back on the board. Touch and keyboard users have "Lägg i tema" on every
// note instead; this is only the desktop shortcut. Only the facilitator's board loads it.
import type { Snippet } from 'svelte';
import type { Attachment } from 'svelte/attachments';
import type { Theme } from '../../../shared/workshop/model.ts';
import { makeDraggable, makeDropTarget } from './dragDrop.ts';
import type { NoteView } from './optimistic.ts';

const TYPE = 'application/x-verkstad-note';

/** What the facilitator's board hands the shared Board to make themes there. */
export interface ThemeTools {
  /** Tools shown on each note ("Lägg i tema"). */
  note: Snippet<[NoteView]>;
  /** A theme's heading with rename and ungroup; gets the heading's id. */
  head: Snippet<[Theme, string]>;
  /** Makes a note draggable, and a place to drop another note on. */
  noteDrag: (note: NoteView) => Attachment<HTMLElement>;
  themeDrop: (theme: Theme) => Attachment<HTMLElement>;
  /** A column outside the themes: a note dropped there leaves its theme (and moves there). */
  boardDrop: (columnId: string) => Attachment<HTMLElement>;
}

/** Make an element draggable as the note with this id. */
export function draggableNote(node: HTMLElement, noteId: string): () => void {
  return makeDraggable(node, TYPE, noteId, true);
}

/**
 * Make an element a place to drop a note; `ondrop` gets the note's id. The innermost target
 * takes the drop (a note inside a theme inside the board), the others never hear of it.
 */
export function dropNote(node: HTMLElement, ondrop: (noteId: string) => void): () => void {
  return makeDropTarget(node, TYPE, ondrop, true);
}
