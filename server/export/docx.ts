// The summary as a Word document: real headings, bullet lists and tables (Word and LibreOffice).
import {
  AlignmentType,
  Document,
  ExternalHyperlink,
  HeadingLevel,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  WidthType,
  type ParagraphChild,
} from 'docx';
import type { ActivitySection, Board, Labels, NoteItem, Outline, PartGroup, RankingRow, RoomBlock } from './outline.ts';
import type { WordCloudPart } from './wordCloud.ts';
import type { ScalePart } from './scale.ts';
import { roomHeading } from './outline.ts';
import type { RankingPart } from './ranking.ts';
import { byKindGrid, rankingGrid, stepsGrid, type Grid } from './tables.ts';
import { clean, labelled, oneLine } from './text.ts';
import { isLink, linkify } from '../../shared/links.ts';

type Block = Paragraph | Table;
// Levels as in the Markdown (1 the title, 2 a section); Word's are one lower under its Title.
const LEVELS = [HeadingLevel.TITLE, HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3] as const;

/** A heading stays on the page of what follows it (a table's first row included). */
const heading = (level: 1 | 2 | 3 | 4, text: string) =>
  new Paragraph({ text: oneLine(text), heading: LEVELS[level - 1], keepNext: true });

/** Runs of free text; a newline in it becomes a line break, never anything else. */
const runs = (text: string, options: { bold?: boolean; italics?: boolean; size?: number } = {}): TextRun[] =>
  clean(text)
    .trim()
    .split('\n')
    .map((line, i) => new TextRun({ text: line, break: i > 0 ? 1 : undefined, ...options }));

const para = (children: ParagraphChild[]) => new Paragraph({ children });

/** An introduction: its http(s) addresses are Word links; everything else is text, line breaks kept. */
const withLinks = (text: string) =>
  para(
    linkify(clean(text).trim()).flatMap((s): ParagraphChild[] =>
      isLink(s)
        ? [new ExternalHyperlink({ link: s.href, children: [new TextRun({ text: s.text, style: 'Hyperlink' })] })]
        : s.text.split('\n').map((line, i) => new TextRun({ text: line, break: i > 0 ? 1 : undefined })),
    ),
  );
const fact = (label: string, value: string) => para([new TextRun({ text: `${label}: `, bold: true }), ...runs(value)]);

function note(n: NoteItem, labels: Labels, withColumn: boolean): Paragraph {
  // A rating on its own is the item: "Betyg: 5 – Mycket bra", not an empty bullet.
  const alone = !n.text.trim() && n.ratingText !== null;
  const meta = [n.ratingText !== null && !alone ? n.ratingText : '', n.votes !== null ? `${labels.votes}: ${n.votes}` : ''].filter(Boolean);
  const children: ParagraphChild[] = [
    ...(withColumn ? [new TextRun({ text: `${labelled(oneLine(n.column))} `, italics: true })] : []),
    ...(alone ? [new TextRun({ text: n.ratingText! })] : runs(n.text)),
    ...(meta.length ? [new TextRun({ text: ` (${meta.join(', ')})` })] : []),
    ...(n.author ? [new TextRun({ text: ` — ${oneLine(n.author)}`, italics: true })] : []),
  ];
  return new Paragraph({ children, bullet: { level: 0 } });
}

function board(b: Board, level: 3 | 4, labels: Labels): Block[] {
  const out: Block[] = [];
  for (const t of b.themes) {
    const votes = t.votes !== null ? ` (${labels.votes}: ${t.votes})` : '';
    out.push(heading(level, `${labels.theme}: ${t.name}${votes}`), ...t.notes.map((n) => note(n, labels, b.mixed)));
  }
  for (const c of b.columns) {
    out.push(heading(level, c.title));
    out.push(...(c.notes.length ? c.notes.map((n) => note(n, labels, false)) : [para(runs(labels.noNotes, { italics: true }))]));
  }
  return out;
}

/** A4 (11906 twips) less 18 mm margins, as the printed HTML: the width the tables fill. */
const PAGE = { width: 11906, height: 16838, marginX: 1020, marginY: 1134 };
const TABLE_TWIPS = PAGE.width - 2 * PAGE.marginX;

/**
 * A table of fixed column widths (Word and LibreOffice then size no column to its content), in
 * 10 pt, whose header row repeats on every page and whose rows never break across pages.
 */
function table(g: Grid): Table {
  const twips = g.widths.map((p) => Math.floor((p / 100) * TABLE_TWIPS));
  twips[twips.indexOf(Math.max(...twips))] += TABLE_TWIPS - twips.reduce((a, b) => a + b, 0);
  const cell = (text: string, i: number, bold: boolean) =>
    new TableCell({
      width: { size: twips[i], type: WidthType.DXA },
      children: [new Paragraph({ alignment: g.numeric[i] ? AlignmentType.RIGHT : undefined, children: runs(text, { bold, size: 20 }) })],
    });
  return new Table({
    width: { size: TABLE_TWIPS, type: WidthType.DXA },
    columnWidths: twips,
    layout: TableLayoutType.FIXED,
    margins: { left: 100, right: 100, top: 30, bottom: 30 },
    rows: [
      new TableRow({ tableHeader: true, cantSplit: true, children: g.head.map((h, i) => cell(h, i, true)) }),
      ...g.rows.map((r) => new TableRow({ cantSplit: true, children: r.map((v, i) => cell(v, i, false)) })),
    ],
  });
}

/** The ranking, then dots by kind of organisation in a compact table of its own (kinds that voted). */
function ranking(rows: RankingRow[], note: string | null, labels: Labels): Block[] {
  const out: Block[] = [heading(3, labels.results), table(rankingGrid(rows, labels))];
  const byKind = byKindGrid(rows, labels);
  if (!byKind) return out;
  out.push(heading(4, labels.byKind), table(byKind));
  return note ? [...out, para(runs(note, { italics: true }))] : out;
}

/** A ranking (rangordning): how it was counted, mean places, then by kind of organisation. */
function ordering(p: RankingPart, labels: Labels): Block[] {
  const out: Block[] = [heading(3, labels.results), para(runs(p.lead)), table(p.overall)];
  if (!p.byKind) return out;
  out.push(heading(4, p.byKindTitle), table(p.byKind));
  return p.note ? [...out, para(runs(p.note, { italics: true }))] : out;
}

function room(r: RoomBlock, labels: Labels): Block[] {
  const out: Block[] = [heading(3, roomHeading(labels, r.name))];
  if (r.reporter) out.push(fact(labels.reporter, oneLine(r.reporter)));
  if (r.members.length) out.push(fact(labels.members, r.members.map(oneLine).join(', ')));
  if (r.summary.trim()) out.push(para(runs(labels.roomSummary, { bold: true })), para(runs(r.summary)));
  return [...out, ...board(r.board, 4, labels)];
}

/** The question, settings and respondents, then the words with their counts overall and per kind. */
function wordCloud(w: WordCloudPart, labels: Labels): Block[] {
  const out: Block[] = [heading(3, labels.wordCloud), fact(labels.wordQuestion, oneLine(w.question)), para(runs(w.settings)), para(runs(w.respondents))];
  out.push(w.grid ? table(w.grid) : para(runs(labels.wordsNone, { italics: true })));
  for (const n of [w.note, w.hidden]) if (n) out.push(para(runs(n, { italics: true })));
  return out;
}

/** A scale question: the scale and respondents, then per statement everyone and each kind side by side. */
function scale(p: ScalePart, labels: Labels): Block[] {
  const out: Block[] = [heading(3, labels.results), para(runs(p.settings))];
  if (p.dontKnow) out.push(para(runs(p.dontKnow)));
  out.push(para(runs(p.respondents)));
  for (const s of p.statements) {
    out.push(heading(4, s.largest ? `${s.text} – ${labels.scaleLargestGap}` : s.text), table(s.grid));
    if (s.gap) out.push(para(runs(s.gap, s.largest ? { bold: true } : {})));
  }
  if (p.note) out.push(para(runs(p.note, { italics: true })));
  return out;
}

function section(s: ActivitySection, labels: Labels): Block[] {
  const out: Block[] = [heading(2, `${s.number}. ${s.title}`)];
  if (s.intro.trim()) out.push(withLinks(s.intro));
  if (s.questions.length === 1) out.push(fact(labels.question, oneLine(s.questions[0])));
  if (s.questions.length > 1) out.push(para(runs(`${labels.questions}:`, { bold: true })), ...s.questions.map((q, i) => para(runs(`${i + 1}. ${oneLine(q)}`))));
  const plenary = board(s.board, s.rooms.length ? 4 : 3, labels);
  if (s.rooms.length && plenary.length) out.push(heading(3, labels.plenary));
  out.push(...plenary, ...s.rooms.flatMap((r) => room(r, labels)));
  if (s.ranking) out.push(...ranking(s.ranking, s.rankingNote, labels));
  if (s.ordering) out.push(...ordering(s.ordering, labels));
  if (s.wordCloud) out.push(...wordCloud(s.wordCloud, labels));
  if (s.scale) out.push(...scale(s.scale, labels));
  if (s.rating) out.push(fact(labels.averageRating, s.rating));
  if (s.summary.trim()) out.push(heading(3, labels.summary), para(runs(s.summary)));
  return out;
}

function part<T>(title: string, groups: PartGroup<T>[], body: (items: T[]) => Block[]): Block[] {
  if (!groups.some((g) => g.items.length || g.summary.trim() || g.intro.trim())) return [];
  const out: Block[] = [heading(2, title)];
  for (const g of groups) {
    if (groups.length > 1) out.push(heading(3, g.title));
    if (g.intro.trim()) out.push(withLinks(g.intro));
    if (g.summary.trim()) out.push(para(runs(g.summary)));
    if (g.items.length) out.push(...body(g.items));
  }
  return out;
}

function front(o: Outline): Block[] {
  const { labels, attendance: a } = o;
  const groups = a.byKind.flatMap((kind) => [
    heading(3, kind.label),
    ...kind.groups.map((g) => {
      const who = g.names.length ? g.names.map(oneLine).join(', ') : labels.participantCount.replace('{n}', String(g.count));
      return new Paragraph({
        bullet: { level: 0 },
        children: [new TextRun({ text: `${oneLine(g.organisation)}:`, bold: true }), new TextRun(` ${who}`)],
      });
    }),
  ]);
  const absent = o.absent.length
    ? [heading(2, labels.absent), ...o.absent.map((x) => new Paragraph({ bullet: { level: 0 }, children: runs(oneLine(x.text)) }))]
    : [];
  return [
    heading(1, o.title),
    ...o.info.map((i) => fact(i.label, i.value)),
    heading(2, labels.attendance),
    ...(a.namesLeftOut ? [para(runs(labels.namesLeftOut, { italics: true }))] : []),
    ...groups,
    ...absent,
  ];
}

export function renderDocx(o: Outline): Promise<Buffer> {
  const { labels } = o;
  const children: Block[] = [
    ...front(o),
    ...part(labels.followUp, o.followUp, (items) => [
      table(stepsGrid(items, labels, true)),
    ]),
    ...o.sections.flatMap((s) => section(s, labels)),
    ...part(labels.decisions, o.decisions, (items) => items.map((n) => note(n, labels, false))),
    ...part(labels.nextSteps, o.nextSteps, (items) => [table(stepsGrid(items, labels, false))]),
    ...(o.nextMeeting.length ? [heading(2, labels.nextMeeting), ...o.nextMeeting.map((r) => fact(r.label, r.value))] : []),
  ];
  const doc = new Document({
    title: `${labels.document}: ${oneLine(o.title)}`,
    creator: 'Verkstad',
    styles: { default: { document: { run: { font: 'Calibri', size: 22 } } } },
    sections: [
      {
        properties: {
          page: {
            size: { width: PAGE.width, height: PAGE.height },
            margin: { left: PAGE.marginX, right: PAGE.marginX, top: PAGE.marginY, bottom: PAGE.marginY },
          },
        },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}
