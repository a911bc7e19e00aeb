// One board of the summary: a set of notes laid out as themes first, then the rest by column.
import type { Activity, Note, Theme } from '../../shared/workshop/model.ts';

export interface NoteItem {
  id: string;
  text: string;
  /** Null where the activity is anonymous or names are left out. */
  author: string | null;
  /** The title of the note's column. */
  column: string;
  rating: number | null;
  /** The rating in words, "Betyg: 5 – Mycket bra": what the minutes show (and all of a note with no text). */
  ratingText: string | null;
  /** Dots on the note when the activity voted on its notes. */
  votes: number | null;
}

export interface ThemeBlock {
  id: string;
  name: string;
  /** Dots on the theme when the activity voted on its themes. */
  votes: number | null;
  notes: NoteItem[];
}

export interface ColumnBlock {
  id: string;
  title: string;
  notes: NoteItem[];
}

export interface Board {
  /** The activity has several columns: a note under a theme says which it came from. */
  mixed: boolean;
  themes: ThemeBlock[];
  columns: ColumnBlock[];
}

/** How a note's author, an option's dots and a rating are told, decided once per activity. */
export interface Naming {
  authorOf(note: Note): string | null;
  votesOf(optionId: string): number | null;
  ratingOf(rating: number): string;
}

export function noteItem(note: Note, naming: Naming, column: string): NoteItem {
  return {
    id: note.id,
    text: note.text,
    author: naming.authorOf(note),
    column,
    rating: typeof note.rating === 'number' ? note.rating : null,
    ratingText: typeof note.rating === 'number' ? naming.ratingOf(note.rating) : null,
    votes: naming.votesOf(note.id),
  };
}

/**
 * Lays out `notes` (already in posting order) of an activity. Notes of a theme the activity
 * no longer has, or of a column it no longer has, still get a place: nothing is dropped.
 */
export function boardOf(
  activity: Activity,
  themes: Theme[],
  notes: Note[],
  naming: Naming,
  keepEmptyColumns: boolean,
): Board {
  const themeIds = new Set(themes.map((t) => t.id));
  const titleOf = (columnId: string) => columnTitle(activity, columnId);
  const themed = themes
    .map((t) => ({
      id: t.id,
      name: t.name,
      votes: naming.votesOf(t.id),
      notes: notes
        .filter((n) => n.themeId === t.id)
        .map((n) => noteItem(n, naming, titleOf(n.columnId))),
    }))
    .filter((t) => t.notes.length > 0);
  const loose = notes.filter((n) => !n.themeId || !themeIds.has(n.themeId));
  // A column whose notes all went into themes is not empty: it need not say "no notes".
  const themedColumns = new Set(notes.filter((n) => !loose.includes(n)).map((n) => n.columnId));
  const columnIds = [...activity.columns.map((c) => c.id)];
  for (const n of loose) if (!columnIds.includes(n.columnId)) columnIds.push(n.columnId);
  const columns = columnIds
    .map((id) => ({
      id,
      title: titleOf(id),
      notes: loose.filter((n) => n.columnId === id).map((n) => noteItem(n, naming, titleOf(id))),
    }))
    .filter((c) => c.notes.length > 0 || (keepEmptyColumns && !themedColumns.has(c.id)));
  return { mixed: activity.columns.length > 1, themes: themed, columns };
}

export const columnTitle = (activity: Activity, columnId: string) =>
  activity.columns.find((c) => c.id === columnId)?.title ?? columnId;

/** Whether a board has nothing to show. */
export const isEmpty = (board: Board) => board.themes.length === 0 && board.columns.every((c) => c.notes.length === 0);
