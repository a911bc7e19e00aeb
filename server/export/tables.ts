// The summary's tables as Word and print both draw them: which columns, and how wide each is.
// Widths come from the words in the cells, estimated generously (about DejaVu Sans, the widest
// common stand-in for Calibri or Segoe UI), never measured: whatever fonts the reader's machine
// has, a word fits its column and the table fits the page (issue 16: "Placeri ng", "Komm un").
import type { OrgKind } from '../../shared/workshop/model.ts';
import type { Labels, NextStep, RankingRow } from './outline.ts';
import { oneLine } from './text.ts';

export interface Grid {
  /** What the table is in the HTML (its class). */
  name: 'ranking' | 'by-kind' | 'next-steps' | 'word-cloud' | 'scale';
  head: string[];
  rows: string[][];
  /** Whole percentages of the table's width, one a column, summing to 100. */
  widths: number[];
  /** Figures, aligned right. */
  numeric: boolean[];
}

/** Tables are set in 10 pt across A4 less 18 mm margins (174 mm, 493 pt): 49 ems. */
const TABLE_EM = 49;
/** The text column (an option, a next step) never gets less than this, whatever the others hold. */
export const MIN_TEXT_PERCENT = 35;
/** A cell's padding and borders, left and right together. */
const PAD_EM = 1.3;
/** Bold type (the header row) is about this much wider. */
const BOLD = 1.14;

/** A character's width in ems, rounded up from DejaVu Sans (the widest of the usual fallbacks). */
function charEm(c: string): number {
  if (/[mwMWÅÄÖ@%]/.test(c)) return c === 'm' || c === 'w' ? 1 : 0.95;
  if (/[ijlI.,:;'’|!()[\]{} ]/.test(c)) return 0.36;
  if (/[frt\-/]/.test(c)) return 0.46;
  if (/[0-9]/.test(c)) return 0.66;
  if (c !== c.toLowerCase()) return 0.8;
  return 0.66;
}

const textEm = (text: string, bold: boolean) => [...text].reduce((sum, c) => sum + charEm(c), 0) * (bold ? BOLD : 1);
/** Lines break only at spaces here (Word and the browser also at a hyphen: so much the better). */
const words = (text: string) => text.split(/\s+/).filter(Boolean);

/** A column's narrowest width (its longest word) and widest (its longest line), in ems. */
function extent(head: string, cells: string[]): { min: number; max: number } {
  const texts = [{ text: head, bold: true }, ...cells.map((text) => ({ text, bold: false }))];
  const longest = (parts: (text: string) => string[]) =>
    Math.max(0, ...texts.flatMap(({ text, bold }) => parts(text).map((part) => textEm(part, bold))));
  return { min: longest(words) + PAD_EM, max: longest((text) => text.split('\n')) + PAD_EM };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/**
 * Shares of the width as a browser shares out an automatic table (each column its longest word,
 * and what is left in proportion to how much more each needs for its longest line; any room over
 * goes to the text column, `grow`), except that the text column never gets less than
 * MIN_TEXT_PERCENT, nor less than its longest word while the others keep theirs, and a word too
 * long for any column (a pasted link) breaks in the text column. Whole percentages.
 */
export function columnWidths(head: string[], rows: string[][], grow: number): number[] {
  const spans = head.map((h, i) => extent(h, rows.map((r) => r[i] ?? '')));
  const [mins, maxes] = [spans.map((s) => s.min), spans.map((s) => s.max)];
  const share = (TABLE_EM - sum(mins)) / Math.max(sum(maxes) - sum(mins), 1e-9);
  const ems =
    sum(maxes) <= TABLE_EM
      ? maxes.map((max, i) => (i === grow ? max + TABLE_EM - sum(maxes) : max))
      : sum(mins) >= TABLE_EM
        ? mins.map((min, i) => (i === grow ? TABLE_EM - sum(mins) + min : min))
        : spans.map(({ min, max }) => min + (max - min) * share);
  const floor = Math.max((MIN_TEXT_PERCENT / 100) * TABLE_EM, Math.min(mins[grow], TABLE_EM - sum(mins) + mins[grow]));
  if (ems[grow] < floor) {
    let need = floor - ems[grow];
    // From what the others have over their longest word first, then from all of them alike.
    for (const keep of [mins, mins.map(() => 0)]) {
      const spare = ems.map((em, i) => (i === grow ? 0 : Math.max(em - keep[i], 0)));
      const take = Math.min(need, sum(spare));
      if (take > 0) spare.forEach((s, i) => (ems[i] -= (s * take) / sum(spare)));
      need -= take;
    }
    ems[grow] = floor;
  }
  const percents = ems.map((em, i) => (i === grow ? 0 : Math.max(1, Math.ceil((em / TABLE_EM) * 100 - 0.01))));
  // Rounding up may take a point or two from the text column; take them back from the widest other.
  while (100 - sum(percents) < MIN_TEXT_PERCENT) percents[percents.indexOf(Math.max(...percents))] -= 1;
  percents[grow] = 100 - sum(percents);
  return percents;
}

function grid(name: Grid['name'], head: string[], rows: string[][], grow: number, numeric: boolean[]): Grid {
  return { name, head, rows, widths: columnWidths(head, rows, grow), numeric };
}

/** The kinds of organisation anybody of voted for: a kind with no voters is 0 on every row. */
export function kindsVoted(rows: RankingRow[]): OrgKind[] {
  const kinds = rows[0]?.byKind.map((k) => k.kind) ?? [];
  return kinds.filter((kind) => rows.some((r) => r.byKind.find((k) => k.kind === kind)?.votes !== 0));
}

/** The ranking: place, option, dots, share. The option takes the room the figures leave. */
export function rankingGrid(rows: RankingRow[], labels: Labels): Grid {
  const body = rows.map((r) => [String(r.rank), oneLine(r.text), String(r.votes), r.share]);
  return grid('ranking', [labels.rank, labels.option, labels.votes, labels.share], body, 1, [true, false, true, true]);
}

/**
 * Dots by kind of organisation, a table of its own: the option and one column for each kind that
 * voted. None when fewer than two kinds voted: one kind's dots are the totals already shown.
 */
export function byKindGrid(rows: RankingRow[], labels: Labels): Grid | null {
  const kinds = kindsVoted(rows);
  if (kinds.length < 2) return null;
  const label = (kind: OrgKind) => rows[0].byKind.find((k) => k.kind === kind)!.label;
  const body = rows.map((r) => [oneLine(r.text), ...kinds.map((kind) => r.byKind.find((k) => k.kind === kind)!.text)]);
  return grid('by-kind', [labels.option, ...kinds.map(label)], body, 0, [false, ...kinds.map(() => true)]);
}

/** Next steps: what, who, when, and for the follow-up each one's status. */
export function stepsGrid(items: NextStep[], labels: Labels, withStatus: boolean): Grid {
  const head = [labels.what, labels.who, labels.when, ...(withStatus ? [labels.status] : [])];
  const body = items.map((s) => [s.what, s.who, s.when, ...(withStatus ? [s.column] : [])]);
  return grid('next-steps', head, body, 0, head.map(() => false));
}
