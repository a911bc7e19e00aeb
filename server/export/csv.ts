// The summary as CSV (RFC 4180): one row per note, for a spreadsheet. Formulas are made inert.
import type { ActivitySection, Board, NoteItem, Outline } from './outline.ts';
import { clean } from './text.ts';

type Row = {
  activity: string;
  room: string;
  column: string;
  theme: string;
  text: string;
  author: string;
  votes: string;
  rating: string;
  who: string;
  when: string;
};
const FIELDS: Array<keyof Row> = ['activity', 'room', 'column', 'theme', 'text', 'author', 'votes', 'rating', 'who', 'when'];

/**
 * Where a spreadsheet may start a field in a cell's text: its start, and after every `;`, tab
 * and line break. Our cells are quoted wherever they hold a separator, so a spreadsheet that
 * splits on commas reads each whole; but Swedish Excel splits a .csv on `;`, and there a quote
 * in the middle of its field opens nothing: `a,"x;=1+1"` is `a,"x` and `=1+1`. Quotes and
 * spaces at a field's start are skipped (`""=1` is an empty quoted string and then `=1`).
 */
const FIELD_START = /(?<=^|[;\t\r\n])[ "]*(?=[=+\-@\t\r])/g;

/**
 * A cell a spreadsheet will take as text, however it splits the line: wherever a field could
 * start with = + - @ (or a tab or CR, which some spreadsheets strip before looking), an
 * apostrophe goes first, so it is never a formula. A cell with a comma, `;`, tab, quote or line
 * break is quoted.
 */
export function cell(value: string): string {
  const text = value.replace(FIELD_START, "$&'");
  return /[",;\t\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const blank = { room: '', theme: '', author: '', votes: '', rating: '', who: '', when: '' };

function noteRow(activity: string, room: string, theme: string, n: NoteItem): Row {
  return {
    ...blank,
    activity,
    room,
    column: n.column,
    theme,
    text: n.text,
    author: n.author ?? '',
    votes: n.votes === null ? '' : String(n.votes),
    rating: n.rating === null ? '' : String(n.rating),
  };
}

function boardRows(activity: string, room: string, b: Board): Row[] {
  return [
    ...b.themes.flatMap((t) => t.notes.map((n) => noteRow(activity, room, t.name, n))),
    ...b.columns.flatMap((c) => c.notes.map((n) => noteRow(activity, room, '', n))),
  ];
}

function sectionRows(s: ActivitySection): Row[] {
  const activity = `${s.number}. ${s.title}`;
  const options: Row[] = (s.ranking ?? []).flatMap((r) =>
    r.note ? [{ ...blank, activity, ...r.note, author: r.note.author ?? '', text: r.text, votes: String(r.votes) }] : [],
  );
  return [
    ...boardRows(activity, '', s.board),
    ...s.rooms.flatMap((room) => boardRows(activity, room.name, room.board)),
    ...options,
  ];
}

export function renderCsv(o: Outline): string {
  const { labels } = o;
  const header = [labels.activity, labels.room, labels.column, labels.theme, labels.text, labels.author, labels.votes, labels.rating, labels.who, labels.when];
  const steps = (groups: Outline['nextSteps']) =>
    groups.flatMap((g) =>
      g.items.map((s) => ({ ...blank, activity: g.title, column: s.column, text: s.what, author: s.author ?? '', who: s.who, when: s.when })),
    );
  const rows: Row[] = [
    ...steps(o.followUp),
    ...o.sections.flatMap(sectionRows),
    ...o.decisions.flatMap((g) => g.items.map((n) => noteRow(g.title, '', '', n))),
    ...steps(o.nextSteps),
  ];
  const lines = [header, ...rows.map((r) => FIELDS.map((f) => r[f]))].map((cells) => cells.map((c) => cell(clean(c))).join(','));
  // The byte order mark lets Excel read å, ä and ö as UTF-8.
  return `\ufeff${lines.join('\r\n')}\r\n`;
}
