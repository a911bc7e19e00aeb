// The summary as one standalone HTML page: no external resources, prints to a clean A4 PDF.
import type { ActivitySection, Board, Labels, NextStep, NoteItem, Outline, PartGroup, RankingRow, RoomBlock } from './outline.ts';
import type { WordCloudPart } from './wordCloud.ts';
import type { ScalePart } from './scale.ts';
import { roomHeading } from './outline.ts';
import type { RankingPart } from './ranking.ts';
import { byKindGrid, rankingGrid, stepsGrid, type Grid } from './tables.ts';
import { escapeHtml as esc, labelled, oneLine } from './text.ts';
import { isLink, linkify } from '../../shared/links.ts';

/** The page's only stylesheet; the app's CSP allows it by hash in the preview (server/security.ts). */
export const STYLE = `
@page { size: A4; margin: 20mm 18mm; }
html { font: 11pt/1.45 "Segoe UI", Calibri, Arial, sans-serif; color: #111; background: #fff; }
body { max-width: 48em; margin: 2em auto; padding: 0 1em; overflow-wrap: break-word; }
h1 { font-size: 20pt; margin: 0 0 .4em; }
h2 { font-size: 15pt; margin: 1.6em 0 .4em; border-bottom: 1px solid #999; padding-bottom: .15em; }
h3 { font-size: 12.5pt; margin: 1.2em 0 .3em; }
h4 { font-size: 11pt; margin: 1em 0 .2em; }
h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
dl.info { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .15em 1em; }
dl.info dt { font-weight: 600; }
dl.info dd { margin: 0; overflow-wrap: anywhere; }
ul { margin: .2em 0 .6em; padding-left: 1.3em; }
li { margin: .15em 0; break-inside: avoid; }
.author, .meta { color: #444; }
.column { font-style: italic; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; margin: .4em 0 .8em; font-size: 10pt; }
th, td { border: 1px solid #888; padding: .25em .45em; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th.n, td.n { text-align: right; }
tr { break-inside: avoid; }
${Array.from({ length: 100 }, (_, i) => `col.w${i + 1} { width: ${i + 1}%; }`).join('\n')}
.room { border-left: 3px solid #bbb; padding-left: .8em; margin: 1em 0; }
.empty { color: #666; font-style: italic; }
.text { white-space: pre-wrap; }
@media print { body { margin: 0; max-width: none; padding: 0; } a { color: inherit; text-decoration: none; } }
`;

const tag = (name: string, body: string, attrs = '') => `<${name}${attrs}>${body}</${name}>`;
const data = (name: string, value: string) => ` data-${name}="${esc(value)}"`;
const text = (value: string) => tag('span', esc(value.trim()), ' class="text"');

/** An introduction: escaped text whose http(s) addresses are links (opened apart, never told where from). */
const withLinks = (value: string) =>
  tag(
    'p',
    linkify(value.trim())
      .map((s) => (isLink(s) ? tag('a', esc(s.text), ` href="${esc(s.href)}" rel="noopener noreferrer" target="_blank"`) : esc(s.text)))
      .join(''),
    ' class="intro text"',
  );

function note(n: NoteItem, labels: Labels, withColumn: boolean): string {
  const column = withColumn ? tag('span', esc(labelled(oneLine(n.column))), ' class="column"') + ' ' : '';
  // A rating on its own is the item: "Betyg: 5 – Mycket bra", not an empty line.
  const alone = !n.text.trim() && n.ratingText !== null;
  const meta = [
    n.ratingText !== null && !alone ? n.ratingText : '',
    n.votes !== null ? `${labels.votes}: ${n.votes}` : '',
  ].filter(Boolean);
  const extra = meta.length ? ` <span class="meta">(${esc(meta.join(', '))})</span>` : '';
  const author = n.author ? ` <span class="author">— ${esc(oneLine(n.author))}</span>` : '';
  const body = alone ? tag('span', esc(n.ratingText!), ' class="rating"') : text(n.text);
  return tag('li', `${column}${body}${extra}${author}`);
}

const list = (items: string[]) => tag('ul', items.join(''));

function board(b: Board, level: number, labels: Labels): string {
  const h = `h${level}`;
  const themes = b.themes.map((t) => {
    const votes = t.votes !== null ? ` (${esc(labels.votes)}: ${t.votes})` : '';
    const title = tag(h, `${esc(labels.theme)}: ${esc(oneLine(t.name))}${votes}`);
    return tag('div', title + list(t.notes.map((n) => note(n, labels, b.mixed))), ` class="theme"${data('theme', t.id)}`);
  });
  const columns = b.columns.map((c) => {
    const notes = c.notes.length ? list(c.notes.map((n) => note(n, labels, false))) : tag('p', esc(labels.noNotes), ' class="empty"');
    return tag('div', tag(h, esc(oneLine(c.title))) + notes, ` class="column-block"${data('column', c.id)}`);
  });
  return [...themes, ...columns].join('\n');
}

function room(r: RoomBlock, labels: Labels): string {
  const facts = [
    r.reporter ? tag('p', `<strong>${esc(labels.reporter)}:</strong> ${esc(oneLine(r.reporter))}`) : '',
    r.members.length ? tag('p', `<strong>${esc(labels.members)}:</strong> ${esc(r.members.map(oneLine).join(', '))}`) : '',
    r.summary.trim() ? tag('p', `<strong>${esc(labels.roomSummary)}</strong><br>${text(r.summary)}`) : '',
  ].join('');
  const title = tag('h3', esc(roomHeading(labels, oneLine(r.name))));
  return tag('section', title + facts + board(r.board, 4, labels), ` class="room"${data('room', r.id)}`);
}

/**
 * A table laid out from its column widths alone (percentages, table-layout: fixed), never from
 * the font's: it is as wide as the page whatever fonts the printing machine has (issue 16).
 */
function grid(g: Grid, cell: (value: string) => string = esc): string {
  const cols = tag('colgroup', g.widths.map((w) => `<col class="w${w}">`).join(''));
  const n = (i: number) => (g.numeric[i] ? ' class="n"' : '');
  const head = g.head.map((h, i) => tag('th', esc(h), ` scope="col"${n(i)}`)).join('');
  const rows = g.rows.map((r) => tag('tr', r.map((v, i) => tag('td', cell(v), n(i))).join('')));
  return tag('table', cols + tag('thead', tag('tr', head)) + tag('tbody', rows.join('')), ` class="${g.name}"`);
}

/** The ranking, then dots by kind of organisation in a compact table of its own (kinds that voted). */
function ranking(rows: RankingRow[], note: string | null, labels: Labels): string {
  const byKind = byKindGrid(rows, labels);
  const kinds = byKind ? tag('h4', esc(labels.byKind)) + grid(byKind) + (note ? tag('p', esc(note), ' class="meta"') : '') : '';
  return tag('h3', esc(labels.results)) + grid(rankingGrid(rows, labels)) + kinds;
}

/** A ranking (rangordning): how it was counted, mean places, then by kind of organisation. */
function ordering(p: RankingPart, labels: Labels): string {
  const kinds = p.byKind ? tag('h4', esc(p.byKindTitle)) + grid(p.byKind) + (p.note ? tag('p', esc(p.note), ' class="meta"') : '') : '';
  return tag('h3', esc(labels.results)) + tag('p', esc(p.lead)) + grid(p.overall) + kinds;
}

/** The question, settings and respondents, then the words with their counts overall and per kind. */
function wordCloud(w: WordCloudPart, labels: Labels): string {
  const facts = tag('p', `<strong>${esc(labels.wordQuestion)}:</strong> ${esc(oneLine(w.question))}<br>${esc(w.settings)}<br>${esc(w.respondents)}`);
  const words = w.grid ? grid(w.grid) : tag('p', esc(labels.wordsNone), ' class="meta"');
  const notes = [w.note, w.hidden].filter((n): n is string => !!n).map((n) => tag('p', esc(n), ' class="meta"')).join('');
  return tag('h3', esc(labels.wordCloud)) + facts + words + notes;
}

/** A scale question: the scale and respondents, then per statement everyone and each kind side by side. */
function scale(p: ScalePart, labels: Labels): string {
  const facts = tag('p', [p.settings, ...(p.dontKnow ? [p.dontKnow] : []), p.respondents].map(esc).join('<br>'));
  const statements = p.statements.map((s) => {
    const mark = s.largest ? ` <span class="gap-mark">– ${esc(labels.scaleLargestGap)}</span>` : '';
    const gap = s.gap ? tag('p', s.largest ? tag('strong', esc(s.gap)) : esc(s.gap), ' class="gap"') : '';
    return tag('h4', `${esc(s.text)}${mark}`) + grid(s.grid) + gap;
  });
  const note = p.note ? tag('p', esc(p.note), ' class="meta"') : '';
  return tag('h3', esc(labels.results)) + facts + statements.join('') + note;
}

function section(s: ActivitySection, labels: Labels): string {
  const out = [tag('h2', `${s.number}. ${esc(oneLine(s.title))}`)];
  if (s.intro.trim()) out.push(withLinks(s.intro));
  if (s.questions.length === 1) out.push(tag('p', `<strong>${esc(labels.question)}:</strong> ${esc(oneLine(s.questions[0]))}`));
  if (s.questions.length > 1)
    out.push(tag('p', `<strong>${esc(labels.questions)}:</strong>`) + tag('ol', s.questions.map((q) => tag('li', esc(oneLine(q)))).join('')));
  const plenary = board(s.board, s.rooms.length ? 4 : 3, labels);
  if (s.rooms.length && plenary) out.push(tag('h3', esc(labels.plenary)));
  out.push(plenary, ...s.rooms.map((r) => room(r, labels)));
  if (s.ranking) out.push(ranking(s.ranking, s.rankingNote, labels));
  if (s.ordering) out.push(ordering(s.ordering, labels));
  if (s.wordCloud) out.push(wordCloud(s.wordCloud, labels));
  if (s.scale) out.push(scale(s.scale, labels));
  if (s.rating) out.push(tag('p', `<strong>${esc(labels.averageRating)}:</strong> ${esc(s.rating)}`));
  if (s.summary.trim()) out.push(tag('h3', esc(labels.summary)) + tag('p', text(s.summary)));
  return tag('section', out.join('\n'), ` class="activity"${data('activity', s.id)}`);
}

function part<T>(title: string, cls: string, groups: PartGroup<T>[], body: (items: T[]) => string): string {
  if (!groups.some((g) => g.items.length || g.summary.trim() || g.intro.trim())) return '';
  const out = [tag('h2', esc(title))];
  for (const g of groups) {
    if (groups.length > 1) out.push(tag('h3', esc(oneLine(g.title))));
    if (g.intro.trim()) out.push(withLinks(g.intro));
    if (g.summary.trim()) out.push(tag('p', text(g.summary)));
    if (g.items.length) out.push(body(g.items));
  }
  return tag('section', out.join('\n'), ` class="${cls}"`);
}

/** Next steps as a table; the follow-up adds each one's status (the column it ended in). */
function nextSteps(items: NextStep[], labels: Labels, withStatus = false): string {
  return grid(stepsGrid(items, labels, withStatus), text);
}

function header(o: Outline): string {
  const info = o.info.map((i) => tag('dt', esc(i.label)) + tag('dd', text(i.value))).join('');
  return tag('h1', esc(oneLine(o.title))) + (info ? tag('dl', info, ' class="info"') : '');
}

function attendance(o: Outline): string {
  const { labels, attendance: a } = o;
  const kinds = a.byKind.map((kind) => {
    const rows = kind.groups.map((g) => {
      const who = g.names.length ? g.names.map(oneLine).join(', ') : labels.participantCount.replace('{n}', String(g.count));
      return tag('li', `<strong>${esc(oneLine(g.organisation))}:</strong> ${esc(who)}`);
    });
    return tag('h3', esc(kind.label)) + list(rows);
  });
  const note = a.namesLeftOut ? tag('p', esc(labels.namesLeftOut), ' class="empty"') : '';
  return tag('section', tag('h2', esc(labels.attendance)) + note + kinds.join(''), ' class="attendance"');
}

/** Anmält förhinder: one line each, as the facilitator listed them. */
function absent(o: Outline): string {
  if (!o.absent.length) return '';
  return tag('section', tag('h2', esc(o.labels.absent)) + list(o.absent.map((a) => tag('li', esc(oneLine(a.text))))), ' class="absent"');
}

function nextMeeting(o: Outline): string {
  if (!o.nextMeeting.length) return '';
  const rows = o.nextMeeting.map((r) => tag('dt', esc(r.label)) + tag('dd', text(r.value))).join('');
  return tag('section', tag('h2', esc(o.labels.nextMeeting)) + tag('dl', rows, ' class="info"'), ' class="next-meeting"');
}

export function renderHtml(o: Outline): string {
  const { labels } = o;
  const body = [
    header(o),
    attendance(o),
    absent(o),
    part(labels.followUp, 'follow-up', o.followUp, (items) => nextSteps(items, labels, true)),
    ...o.sections.map((s) => section(s, labels)),
    part(labels.decisions, 'decisions', o.decisions, (items) => list(items.map((n) => note(n, labels, false)))),
    part(labels.nextSteps, 'next-steps', o.nextSteps, (items) => nextSteps(items, labels)),
    nextMeeting(o),
  ].join('\n');
  return `<!doctype html>
<html lang="${o.language}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(labels.document)}: ${esc(oneLine(o.title))}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}
