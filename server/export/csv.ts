// The minutes as CSV (RFC 4180) for a spreadsheet: a few rows naming the meeting (title, date,
// place, next meeting, apologies), then a table of one row per note, with each voted option's
// dots and rank, and each activity's introduction. Formulas are made inert.
import type { ActivitySection, Board, Labels, NoteItem, Outline } from './outline.ts';
import { clean } from './text.ts';
import { wordCsvRows } from './wordCloud.ts';
import type { RankingPart } from './ranking.ts';
import type { ScalePart } from './scale.ts';

type Row = {
  activity: string;
  room: string;
  column: string;
  theme: string;
  text: string;
  author: string;
  votes: string;
  rank: string;
  rating: string;
  who: string;
  when: string;
};
const FIELDS: Array<keyof Row> = ['activity', 'room', 'column', 'theme', 'text', 'author', 'votes', 'rank', 'rating', 'who', 'when'];

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

const blank = { room: '', column: '', theme: '', author: '', votes: '', rank: '', rating: '', who: '', when: '' };

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

/** The introduction as a row of its own, first under its activity. */
const introRows = (activity: string, intro: string, labels: Labels): Row[] =>
  intro.trim() ? [{ ...blank, activity, column: labels.intro, text: intro.trim() }] : [];

/**
 * A ranking (rangordning) or 100 poäng: how it was counted, then each option's figure (in the
 * Placering column) in rank order, overall and then by kind of organisation (in the group column)
 * with that kind's respondents; a kind not given says why, and the note under it what that means.
 */
function orderingRows(activity: string, p: RankingPart | null): Row[] {
  return (p?.csv ?? []).map((r) => ({ ...blank, activity, room: r.group, column: r.column, text: r.text, rank: r.value }));
}

/**
 * A scale question: its scale and respondents, then per statement (in the column) a row for
 * everyone and for each kind (in the group column): answers in `votes`, the mean in `rating`,
 * the spread over the scale in the text; a kind not given says why.
 */
function scaleRows(activity: string, p: ScalePart | null | undefined, labels: Labels): Row[] {
  if (!p) return [];
  const facts = [p.settings, ...(p.dontKnow ? [p.dontKnow] : []), p.respondents];
  return [
    ...facts.map((text) => ({ ...blank, activity, column: labels.results, text })),
    ...p.statements.flatMap((s) => {
      const steps = s.grid.head.slice(3);
      const rows = s.grid.rows.map(([group, answers, mean, ...counts]) =>
        counts.every((c) => c === '')
          ? { ...blank, activity, room: group, column: s.text, text: answers }
          : { ...blank, activity, room: group, column: s.text, votes: answers, rating: mean, text: steps.map((step, i) => `${step}: ${counts[i]}`).join('; ') },
      );
      const gap = s.gap ? [{ ...blank, activity, column: s.text, text: s.largest ? `${s.gap} (${labels.scaleLargestGap})` : s.gap }] : [];
      return [...rows, ...gap];
    }),
    ...(p.note ? [{ ...blank, activity, column: labels.results, text: p.note }] : []),
  ];
}

function sectionRows(s: ActivitySection, labels: Labels): Row[] {
  const activity = `${s.number}. ${s.title}`;
  // A note voted on is listed here with its place; a theme voted on, by its name.
  const options: Row[] = (s.ranking ?? []).map((r) => {
    const where = r.note ? { ...r.note, author: r.note.author ?? '' } : { theme: r.text };
    return { ...blank, activity, ...where, text: r.text, votes: String(r.votes), rank: String(r.rank) };
  });
  return [
    ...introRows(activity, s.intro, labels),
    ...boardRows(activity, '', s.board),
    ...s.rooms.flatMap((room) => boardRows(activity, room.name, room.board)),
    ...options,
    ...orderingRows(activity, s.ordering),
    ...scaleRows(activity, s.scale, labels),
    ...wordCsvRows(s.wordCloud).map((r) => ({ ...blank, activity, ...r })),
  ];
}

/**
 * What a spreadsheet user reads first: "Minnesanteckningar" and the title, the date, place,
 * purpose and goal as filled in, the next meeting and the apologies; then an empty row. Each row has
 * as many cells as the table's, so that a reader expecting equal rows takes it too.
 */
function titleRows(o: Outline): string[][] {
  const { labels } = o;
  const next = o.nextMeeting.map((r) => r.value).join(', ');
  const absent = o.absent.map((a) => a.text).join('; ');
  return [
    [labels.document, o.title],
    ...o.info.map((i) => [i.label, i.value]),
    ...(next ? [[labels.nextMeeting, next]] : []),
    ...(absent ? [[labels.absent, absent]] : []),
    [],
  ].map((r) => [...r, ...Array<string>(FIELDS.length - r.length).fill('')]);
}

export function renderCsv(o: Outline): string {
  const { labels } = o;
  const header = [labels.activity, labels.room, labels.column, labels.theme, labels.text, labels.author, labels.votes, labels.rank, labels.rating, labels.who, labels.when];
  const steps = (groups: Outline['nextSteps']) =>
    groups.flatMap((g) => [
      ...introRows(g.title, g.intro, labels),
      ...g.items.map((s) => ({ ...blank, activity: g.title, column: s.column, text: s.what, author: s.author ?? '', who: s.who, when: s.when })),
    ]);
  const rows: Row[] = [
    ...steps(o.followUp),
    ...o.sections.flatMap((s) => sectionRows(s, labels)),
    ...o.decisions.flatMap((g) => [...introRows(g.title, g.intro, labels), ...g.items.map((n) => noteRow(g.title, '', '', n))]),
    ...steps(o.nextSteps),
  ];
  const table = [header, ...rows.map((r) => FIELDS.map((f) => r[f]))];
  const lines = [...titleRows(o), ...table].map((cells) => cells.map((c) => cell(clean(c))).join(','));
  // The byte order mark lets Excel read å, ä and ö as UTF-8.
  return `\ufeff${lines.join('\r\n')}\r\n`;
}
