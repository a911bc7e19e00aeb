// 100 poäng in the minutes, in every format: the question, the budget and how it was counted, the
// respondents, each option's points in all and per person, and each kind's mean per person with
// its respondents; brukarrepresentanter and others, fewer than 3 each, are "färre än 3".
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { exportSummary, type ExportFormat } from '../server/export/index.ts';
import type { Archive } from '../shared/archive.ts';
import type { OrgKind } from '../shared/workshop/model.ts';
import { docxTables, parseCsv } from './helpers/readers.ts';
import { facilitator, joinedEvent, participant, story } from './helpers/builders.ts';

const PTS = 'points-1';
const QUESTION = 'Var ska pengarna till samverkan gå 2027?';
const [A, B, C] = ['Nära vård', 'Barn och unga', 'Psykisk hälsa'];
const IDS = ['opt-a-nara', 'opt-b-barn', 'opt-c-psyk'];

/** Kommun (4) gives 60/30/10, the region (3) 10/70/20, one brukarrepresentant and two others 0/0/100. */
function played() {
  const s = story({ agenda: [{ kind: 'points', id: PTS, title: QUESTION }] });
  IDS.forEach((noteId, i) => s.must(facilitator, { type: 'note.add', noteId, activityId: PTS, columnId: 'options', text: [A, B, C][i] }));
  s.must(facilitator, { type: 'voting.start', activityId: PTS, dotsPerPerson: 1, maxPerOption: 1 });
  const crowd: Array<[OrgKind, number, number[]]> = [['kommun', 4, [60, 30, 10]], ['region', 3, [10, 70, 20]], ['brukarrepresentant', 1, [0, 0, 100]], ['annan', 2, [0, 0, 100]]];
  let n = 0;
  for (const [kind, count, given] of crowd)
    for (let i = 0; i < count; i++) {
      const id = `p-${kind.slice(0, 6)}-${++n}`;
      s.record(joinedEvent(id, kind));
      s.must(participant(id), { type: 'points.submit', activityId: PTS, points: Object.fromEntries(IDS.map((o, k) => [o, given[k]]).filter(([, p]) => (p as number) > 0)) });
    }
  s.must(facilitator, { type: 'results.reveal', activityId: PTS, revealed: true });
  return s.state;
}

const render = async (format: ExportFormat) => (await exportSummary(played(), format, { includeNames: true })).body;
const text = async (format: ExportFormat) => String(await render(format));

// Totals: A 240+30 = 270, B 120+210 = 330, C 40+60+300 = 400; per person over 10.
const OVERALL = [['1', C, '400', '40,0'], ['2', B, '330', '33,0'], ['3', A, '270', '27,0']];
const BY_KIND = [
  ['Svarande', '4', '3', 'färre än 3', 'färre än 3'],
  [C, '10,0', '20,0', 'färre än 3', 'färre än 3'],
  [B, '30,0', '70,0', 'färre än 3', 'färre än 3'],
  [A, '60,0', '10,0', 'färre än 3', 'färre än 3'],
];
const LEAD = 'Var och en fördelade 100 poäng på 3 alternativ. Resultatet är poängen totalt och i snitt per person som svarat. 10 har svarat.';

const minutes = suite('100 poäng in the minutes');

minutes('Markdown and HTML: the question, the budget, totals, means and the kinds side by side', async () => {
  const md = await text('md');
  assert.ok(md.includes(`## 1. ${QUESTION}`) && md.includes(LEAD));
  const rows = md.split('\n').filter((l) => l.startsWith('| ')).map((l) => l.slice(2, -2).split(' | ').join('|'));
  assert.ok(rows.includes('Placering|Alternativ|Poäng totalt|Snitt per person'));
  for (const row of [...OVERALL, ...BY_KIND]) assert.ok(rows.includes(row.join('|')), row.join(' '));
  assert.ok(md.includes('#### Snitt per person och organisationstyp'));
  assert.not.ok(md.includes('Prickar'), 'points are not dots');
  const html = await text('html');
  assert.ok(html.includes(QUESTION) && html.includes(LEAD));
  const cells = [...html.matchAll(/<tr>(.*?)<\/tr>/g)].map(([, tr]) => [...tr.matchAll(/<t[dh][^>]*>(.*?)<\/t[dh]>/g)].map((m) => m[1]).join('|'));
  for (const row of [...OVERALL, ...BY_KIND]) assert.ok(cells.includes(row.join('|')), row.join(' '));
});

minutes('Word: the same tables', async () => {
  const tables = docxTables((await render('docx')) as Buffer);
  const overall = tables.find((t) => t.rows[0].cells.join('|') === 'Placering|Alternativ|Poäng totalt|Snitt per person')!;
  assert.equal(overall.rows.slice(1).map((r) => r.cells), OVERALL);
  const byKind = tables.find((t) => t.rows[0].cells.join('|') === 'Alternativ|Kommun|Region|Brukarrepresentant|Annan')!;
  assert.equal(byKind.rows.slice(1).map((r) => r.cells), BY_KIND);
});

minutes('CSV: totals and means overall, means and respondents by kind', async () => {
  const rows = parseCsv(await text('csv'));
  const table = rows.slice(rows.findIndex((r) => r[0] === 'Aktivitet') + 1).filter((r) => r[0] === `1. ${QUESTION}`);
  const [room, column, textCol, rank] = [1, 2, 4, 7];
  assert.ok(table.some((r) => r[textCol] === LEAD));
  const figures = (group: string, what: string) => table.filter((r) => r[room] === group && r[column] === what).map((r) => [r[textCol], r[rank]]);
  assert.equal(figures('', 'Poäng totalt'), OVERALL.map(([, o, t]) => [o, t]));
  assert.equal(figures('', 'Snitt per person'), OVERALL.map(([, o, , m]) => [o, m]));
  assert.equal(figures('Region', 'Snitt per person'), BY_KIND.slice(1).map((r) => [r[0], r[2]]));
  assert.equal(table.filter((r) => r[column] === 'Svarande').map((r) => [r[room], r[textCol]]), [['Kommun', '4'], ['Region', '3'], ['Brukarrepresentant', 'färre än 3'], ['Annan', 'färre än 3']]);
});

minutes('JSON: the result by kind, and nobody\'s points', async () => {
  const archive = JSON.parse(await text('json')) as Archive;
  const result = archive.points![PTS];
  assert.equal([result.budget, result.respondents], [100, 10]);
  assert.equal(result.options.map((o) => [o.optionId, o.total, o.mean, o.byKind.kommun, o.byKind.brukarrepresentant]), [
    [IDS[2], 400, 40, 10, 'fewerThan3'],
    [IDS[1], 330, 33, 30, 'fewerThan3'],
    [IDS[0], 270, 27, 60, 'fewerThan3'],
  ]);
  assert.equal(archive.workshop.ballots, {});
  assert.is(archive.results[PTS], undefined);
});

minutes.run();
