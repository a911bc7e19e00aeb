// The summary as Markdown: minutes to paste into an e-mail, a wiki or a document.
import type { ActivitySection, Board, Labels, NextStep, NoteItem, Outline, PartGroup, RankingRow, RoomBlock } from './outline.ts';
import { roomHeading } from './outline.ts';
import type { WordCloudPart } from './wordCloud.ts';
import type { ScalePart } from './scale.ts';
import type { RankingPart } from './ranking.ts';
import { byKindGrid, rankingGrid, type Grid } from './tables.ts';
import { escapeMarkdown as md, labelled, markdownLine as line } from './text.ts';
import { isLink, linkify } from '../../shared/links.ts';

const heading = (level: number, text: string) => `${'#'.repeat(level)} ${text}`;

/** A list item; a note over several lines stays one item (hard breaks, indented). */
const item = (text: string) => `- ${text.split('\n').join('  \n  ')}`;

/** A paragraph of free text (summaries), kept as the facilitator wrote it. */
const paragraph = (text: string) => md(text.trim()).split('\n').join('  \n');

/** An introduction: free text whose http(s) addresses become autolinks, the rest escaped. */
const withLinks = (text: string) =>
  linkify(text.trim())
    .map((s) => (isLink(s) ? `<${s.href}>` : md(s.text)))
    .join('')
    .split('\n')
    .join('  \n');

function noteText(note: NoteItem, labels: Labels, withColumn: boolean): string {
  const column = withColumn ? `*${line(labelled(note.column))}* ` : '';
  // A rating on its own is the item: "Betyg: 5 – Mycket bra", never "- (Betyg 5)".
  const alone = !note.text.trim() && note.ratingText !== null;
  const text = alone ? line(note.ratingText!) : md(note.text);
  const rating = note.ratingText !== null && !alone ? ` (${line(note.ratingText)})` : '';
  const votes = note.votes !== null ? ` (${labels.votes}: ${note.votes})` : '';
  const author = note.author ? ` — ${line(note.author)}` : '';
  return item(`${column}${text}${rating}${votes}${author}`);
}

function board(b: Board, level: number, labels: Labels): string[] {
  const out: string[] = [];
  for (const theme of b.themes) {
    const votes = theme.votes !== null ? ` (${labels.votes}: ${theme.votes})` : '';
    out.push(heading(level, `${labels.theme}: ${line(theme.name)}${votes}`), '');
    out.push(...theme.notes.map((n) => noteText(n, labels, b.mixed)), '');
  }
  for (const column of b.columns) {
    out.push(heading(level, line(column.title)), '');
    out.push(...(column.notes.length ? column.notes.map((n) => noteText(n, labels, false)) : [`*${labels.noNotes}*`]), '');
  }
  return out;
}

function room(r: RoomBlock, labels: Labels): string[] {
  const out = [heading(3, roomHeading(labels, line(r.name))), ''];
  const facts = [
    r.reporter ? `**${labels.reporter}:** ${line(r.reporter)}` : '',
    r.members.length ? `**${labels.members}:** ${r.members.map(line).join(', ')}` : '',
  ].filter(Boolean);
  if (facts.length) out.push(facts.join('  \n'), '');
  if (r.summary.trim()) out.push(`**${labels.roomSummary}**`, '', paragraph(r.summary), '');
  return [...out, ...board(r.board, 4, labels)];
}

/** A table; its figures aligned right. Widths are the reader's program's business here. */
function table(g: Grid): string[] {
  const row = (cells: string[]) => `| ${cells.map(line).join(' | ')} |`;
  return [row(g.head), `| ${g.numeric.map((n) => (n ? '---:' : '---')).join(' | ')} |`, ...g.rows.map(row), ''];
}

/** As in Word and print: the ranking, then dots by kind of organisation in a table of their own (kinds that voted). */
function ranking(rows: RankingRow[], note: string | null, labels: Labels): string[] {
  const out = [heading(3, labels.results), '', ...table(rankingGrid(rows, labels))];
  const byKind = byKindGrid(rows, labels);
  if (!byKind) return out;
  out.push(heading(4, labels.byKind), '', ...table(byKind));
  return note ? [...out, `*${md(note)}*`, ''] : out;
}

/** A ranking (rangordning): how it was counted, mean places, then by kind of organisation. */
function ordering(p: RankingPart, labels: Labels): string[] {
  const out = [heading(3, labels.results), '', md(p.lead), '', ...table(p.overall)];
  if (!p.byKind) return out;
  out.push(heading(4, p.byKindTitle), '', ...table(p.byKind));
  return p.note ? [...out, `*${md(p.note)}*`, ''] : out;
}

/** The question, settings and respondents, then the words with their counts overall and per kind. */
function wordCloud(w: WordCloudPart, labels: Labels): string[] {
  const out = [heading(3, labels.wordCloud), '', `**${labels.wordQuestion}:** ${line(w.question)}  \n${line(w.settings)}  \n${line(w.respondents)}`, ''];
  out.push(...(w.grid ? table(w.grid) : [`*${labels.wordsNone}*`, '']));
  if (w.note) out.push(`*${md(w.note)}*`, '');
  if (w.hidden) out.push(`*${md(w.hidden)}*`, '');
  return out;
}

/** A scale question: the scale and respondents, then per statement everyone and each kind side by side. */
function scale(p: ScalePart, labels: Labels): string[] {
  const facts = [p.settings, ...(p.dontKnow ? [p.dontKnow] : []), p.respondents].map(line).join('  \n');
  const out = [heading(3, labels.results), '', facts, ''];
  for (const s of p.statements) {
    out.push(heading(4, `${line(s.text)}${s.largest ? ` – ${labels.scaleLargestGap}` : ''}`), '', ...table(s.grid));
    if (s.gap) out.push(s.largest ? `**${line(s.gap)}**` : line(s.gap), '');
  }
  if (p.note) out.push(`*${md(p.note)}*`, '');
  return out;
}

function section(s: ActivitySection, labels: Labels): string[] {
  const out = [heading(2, `${s.number}. ${line(s.title)}`), ''];
  if (s.intro.trim()) out.push(withLinks(s.intro), '');
  if (s.questions.length === 1) out.push(`**${labels.question}:** ${line(s.questions[0])}`, '');
  if (s.questions.length > 1) out.push(`**${labels.questions}:**`, '', ...s.questions.map((q, i) => `${i + 1}. ${line(q)}`), '');
  const plenary = board(s.board, s.rooms.length ? 4 : 3, labels);
  if (s.rooms.length && plenary.length) out.push(heading(3, labels.plenary), '');
  out.push(...plenary);
  for (const r of s.rooms) out.push(...room(r, labels));
  if (s.ranking) out.push(...ranking(s.ranking, s.rankingNote, labels));
  if (s.ordering) out.push(...ordering(s.ordering, labels));
  if (s.wordCloud) out.push(...wordCloud(s.wordCloud, labels));
  if (s.scale) out.push(...scale(s.scale, labels));
  if (s.rating) out.push(`**${labels.averageRating}:** ${s.rating}`, '');
  if (s.summary.trim()) out.push(heading(3, labels.summary), '', paragraph(s.summary), '');
  return out;
}

/** Decisions or next steps: one heading, a sub-heading per activity only when there are several. */
function part<T>(title: string, groups: PartGroup<T>[], body: (items: T[]) => string[]): string[] {
  if (!groups.some((g) => g.items.length || g.summary.trim() || g.intro.trim())) return [];
  const out = [heading(2, title), ''];
  for (const g of groups) {
    if (groups.length > 1) out.push(heading(3, line(g.title)), '');
    if (g.intro.trim()) out.push(withLinks(g.intro), '');
    if (g.summary.trim()) out.push(paragraph(g.summary), '');
    if (g.items.length) out.push(...body(g.items), '');
  }
  return out;
}

/** Next steps as a table; the follow-up adds each one's status (the column it ended in). */
function nextSteps(items: NextStep[], labels: Labels, withStatus = false): string[] {
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const head = [labels.what, labels.who, labels.when, ...(withStatus ? [labels.status] : [])];
  return [
    row(head),
    row(head.map(() => '---')),
    ...items.map((s) => row([s.what, s.who, s.when, ...(withStatus ? [s.column] : [])].map(line))),
  ];
}

function titleBlock(o: Outline): string[] {
  const out = [heading(1, line(o.title)), ''];
  if (o.info.length) out.push(o.info.map((i) => `**${i.label}:** ${line(i.value)}`).join('  \n'), '');
  return out;
}

function attendance(o: Outline): string[] {
  const { labels, attendance: a } = o;
  const out = [heading(2, labels.attendance), ''];
  if (a.namesLeftOut) out.push(`*${labels.namesLeftOut}*`, '');
  for (const kind of a.byKind) {
    out.push(heading(3, kind.label), '');
    for (const g of kind.groups) {
      const who = g.names.length ? g.names.map(line).join(', ') : labels.participantCount.replace('{n}', String(g.count));
      out.push(`- **${line(g.organisation)}:** ${who}`);
    }
    out.push('');
  }
  return out;
}

/** Anmält förhinder: one line each, as the facilitator listed them. */
function absent(o: Outline): string[] {
  if (!o.absent.length) return [];
  return [heading(2, o.labels.absent), '', ...o.absent.map((a) => `- ${line(a.text)}`), ''];
}

function nextMeeting(o: Outline): string[] {
  if (!o.nextMeeting.length) return [];
  return [heading(2, o.labels.nextMeeting), '', o.nextMeeting.map((r) => `**${r.label}:** ${line(r.value)}`).join('  \n'), ''];
}

export function renderMarkdown(o: Outline): string {
  const { labels } = o;
  const lines = [
    ...titleBlock(o),
    ...attendance(o),
    ...absent(o),
    ...part(labels.followUp, o.followUp, (items) => nextSteps(items, labels, true)),
    ...o.sections.flatMap((s) => section(s, labels)),
    ...part(labels.decisions, o.decisions, (items) => items.map((n) => noteText(n, labels, false))),
    ...part(labels.nextSteps, o.nextSteps, (items) => nextSteps(items, labels)),
    ...nextMeeting(o),
  ];
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trim()}\n`;
}
