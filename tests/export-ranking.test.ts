// A ranking (rangordning) in the minutes, in every format: the question, how it was counted, the
// number of respondents, each option's mean place, and each kind of organisation's mean place and
// respondents, where kommun and region differ; brukarrepresentanter and others, fewer than 3 each,
// are "färre än 3" and never a figure. Nobody's own order is in any of them.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { exportSummary, type ExportFormat } from '../server/export/index.ts';
import type { Archive } from '../shared/archive.ts';
import type { OrgKind } from '../shared/workshop/model.ts';
import { docxTables, parseCsv } from './helpers/readers.ts';
import { facilitator, joinedEvent, participant, story } from './helpers/builders.ts';

const RANK = 'ranking-1';
const QUESTION = 'Vad ska LGS prioritera 2027?';
const [A, B, C, D] = ['Nära vård', 'Barn och unga', 'Psykisk hälsa', 'Äldre'];
const IDS = ['opt-a-nara', 'opt-b-barn', 'opt-c-psyk', 'opt-d-aldr'];

/**
 * Four from kommun put Nära vård first; three from the region put it third, after Barn och unga
 * and Psykisk hälsa; one brukarrepresentant and two others answer as kommun does.
 * Mean places: Nära vård 1,6; Barn och unga 1,7; Psykisk hälsa 2,7; Äldre 4.
 */
function played() {
  const s = story({ agenda: [{ kind: 'ranking', id: RANK, title: QUESTION }] });
  IDS.forEach((noteId, i) => s.must(facilitator, { type: 'note.add', noteId, activityId: RANK, columnId: 'options', text: [A, B, C, D][i] }));
  s.must(facilitator, { type: 'voting.start', activityId: RANK, dotsPerPerson: 1, maxPerOption: 1 });
  const crowd: Array<[OrgKind, number]> = [['kommun', 4], ['region', 3], ['brukarrepresentant', 1], ['annan', 2]];
  let n = 0;
  for (const [kind, count] of crowd)
    for (let i = 0; i < count; i++) {
      const id = `p-${kind.slice(0, 6)}-${++n}`;
      s.record(joinedEvent(id, kind));
      const order = kind === 'region' ? [IDS[1], IDS[2], IDS[0], IDS[3]] : IDS;
      s.must(participant(id), { type: 'ranking.submit', activityId: RANK, order });
    }
  s.must(facilitator, { type: 'voting.close', activityId: RANK });
  s.must(facilitator, { type: 'results.reveal', activityId: RANK, revealed: true });
  return s.state;
}

const render = async (format: ExportFormat) => (await exportSummary(played(), format, { includeNames: true })).body;
const text = async (format: ExportFormat) => String(await render(format));

const BY_KIND = [
  ['Svarande', '4', '3', 'färre än 3', 'färre än 3'],
  [A, '1,0', '3,0', 'färre än 3', 'färre än 3'],
  [B, '2,0', '1,0', 'färre än 3', 'färre än 3'],
  [C, '3,0', '2,0', 'färre än 3', 'färre än 3'],
  [D, '4,0', '4,0', 'färre än 3', 'färre än 3'],
];
const OVERALL = [['1', A, '1,6'], ['2', B, '1,7'], ['3', C, '2,7'], ['4', D, '4,0']];
const LEAD = 'Rangordning av 4 alternativ. Resultatet är den genomsnittliga placeringen, där 1 är högst. 10 har svarat.';

const minutes = suite('a ranking in the minutes');

minutes('Markdown: the question, the method, the mean places and the kinds side by side', async () => {
  const md = await text('md');
  assert.ok(md.includes(`## 1. ${QUESTION}`), 'the question');
  assert.ok(md.includes(LEAD));
  const rows = md.split('\n').filter((l) => l.startsWith('| ')).map((l) => l.slice(2, -2).split(' | '));
  assert.equal(rows.slice(0, 1), [['Placering', 'Alternativ', 'Genomsnittlig placering']]);
  for (const row of OVERALL) assert.ok(rows.some((r) => r.join('|') === row.join('|')), row.join(' '));
  assert.ok(rows.some((r) => r.join('|') === ['Alternativ', 'Kommun', 'Region', 'Brukarrepresentant', 'Annan'].join('|')));
  for (const row of BY_KIND) assert.ok(rows.some((r) => r.join('|') === row.join('|')), row.join(' '));
  assert.ok(md.includes('Färre än 3: färre än tre personer av den organisationstypen svarade'));
  assert.not.ok(md.includes('Prickar'), 'places are not dots');
});

minutes('HTML: the same tables, for print', async () => {
  const html = await text('html');
  assert.ok(html.includes(QUESTION) && html.includes(LEAD));
  const rows = [...html.matchAll(/<tr>(.*?)<\/tr>/g)].map(([, tr]) => [...tr.matchAll(/<t[dh][^>]*>(.*?)<\/t[dh]>/g)].map((m) => m[1]));
  for (const row of [...OVERALL, ...BY_KIND]) assert.ok(rows.some((r) => r.join('|') === row.join('|')), row.join(' '));
  assert.ok(html.includes('Genomsnittlig placering per organisationstyp'));
});

minutes('Word: the same tables, fixed to the page', async () => {
  const tables = docxTables((await render('docx')) as Buffer);
  const overall = tables.find((t) => t.rows[0].cells.join('|') === 'Placering|Alternativ|Genomsnittlig placering')!;
  assert.equal(overall.rows.slice(1).map((r) => r.cells), OVERALL);
  const byKind = tables.find((t) => t.rows[0].cells.join('|') === 'Alternativ|Kommun|Region|Brukarrepresentant|Annan')!;
  assert.equal(byKind.rows.slice(1).map((r) => r.cells), BY_KIND);
  assert.ok(byKind.fixed && overall.fixed);
});

minutes('CSV: each mean place in the Placering column, by kind in the group column', async () => {
  const rows = parseCsv(await text('csv'));
  const header = rows.findIndex((r) => r[0] === 'Aktivitet');
  const table = rows.slice(header + 1).filter((r) => r[0] === `1. ${QUESTION}`);
  const [, room, column, , textCol, , , rank] = [0, 1, 2, 3, 4, 5, 6, 7];
  assert.ok(table.some((r) => r[textCol] === LEAD));
  const means = (group: string) => table.filter((r) => r[room] === group && r[column] === 'Genomsnittlig placering').map((r) => [r[textCol], r[rank]]);
  assert.equal(means(''), OVERALL.map(([, o, m]) => [o, m]));
  assert.equal(means('Kommun'), BY_KIND.slice(1).map((r) => [r[0], r[1]]));
  assert.equal(means('Region'), BY_KIND.slice(1).map((r) => [r[0], r[2]]));
  assert.equal(means('Brukarrepresentant').map(([, m]) => m), ['färre än 3', 'färre än 3', 'färre än 3', 'färre än 3']);
  assert.equal(table.filter((r) => r[column] === 'Svarande').map((r) => [r[room], r[textCol]]), [['Kommun', '4'], ['Region', '3'], ['Brukarrepresentant', 'färre än 3'], ['Annan', 'färre än 3']]);
});

minutes('JSON: the result by kind, and nobody\'s order', async () => {
  const archive = JSON.parse(await text('json')) as Archive;
  const result = archive.rankings![RANK];
  assert.is(result.respondents, 10);
  assert.equal(result.respondentsByKind, { kommun: 4, region: 3, brukarrepresentant: 'fewerThan3', annan: 'fewerThan3' });
  assert.equal(result.options.map((o) => [o.optionId, o.mean, o.byKind.kommun, o.byKind.region]), [
    [IDS[0], 1.6, 1, 3],
    [IDS[1], 1.7, 2, 1],
    [IDS[2], 2.7, 3, 2],
    [IDS[3], 4, 4, 4],
  ]);
  assert.equal(archive.workshop.ballots, {}, 'no one\'s order');
  assert.is(archive.results[RANK], undefined, 'never tallied as dots');
});

minutes.run();
