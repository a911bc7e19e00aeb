// A scale question in the minutes, in every format: the statements, the scale with its end
// labels, how many answered, and per statement everyone and each kind of organisation side by
// side (answers, mean, spread), the kommun/region difference marked where it is largest, and
// "färre än 3" for the lone brukarrepresentant, never her answer. The JSON keeps the figures,
// never who answered what.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { exportSummary } from '../server/export/index.ts';
import type { OrgKind } from '../shared/workshop/model.ts';
import type { ScaleAnswer } from '../shared/workshop/scale.ts';
import { facilitator, joinedEvent, participant, story } from './helpers/builders.ts';
import { docxParagraphs, docxTables, parseCsv } from './helpers/readers.ts';

const Q = 'scale-1';
const S1 = 'Samverkan mellan kommun och region fungerar väl';
const S2 = 'Vi har en gemensam bild av behoven';

/**
 * Three from kommun, three from the region, one brukarrepresentant and two others: the kinds held
 * back hold three together, so kommun and region are both shown; s1 splits them most.
 */
function played() {
  const s = story({ agenda: [{ kind: 'scale', id: Q, title: 'Hur fungerar samverkan?', questions: [S1, S2] }] });
  s.must(facilitator, { type: 'activity.focus', activityId: Q });
  s.must(facilitator, { type: 'scale.start', activityId: Q, max: 5, minLabel: 'Stämmer inte alls', maxLabel: 'Stämmer helt', dontKnow: true });
  const people: Array<[string, OrgKind, ScaleAnswer, ScaleAnswer]> = [
    ['p-anna01', 'kommun', 2, 4],
    ['p-bertil', 'kommun', 1, 4],
    ['p-cecili', 'kommun', 2, 3],
    ['p-fatima', 'region', 5, 4],
    ['p-gustav', 'region', 4, 'dontKnow'],
    ['p-hanna1', 'region', 5, 4],
    ['p-ingrid', 'brukarrepresentant', 1, 5],
    ['p-lars01', 'annan', 3, 4],
    ['p-maria1', 'annan', 3, 4],
  ];
  for (const [id, kind, a, b] of people) {
    s.record(joinedEvent(id, kind));
    s.must(participant(id), { type: 'scale.answer', activityId: Q, statementId: 's1', value: a });
    s.must(participant(id), { type: 'scale.answer', activityId: Q, statementId: 's2', value: b });
  }
  s.must(facilitator, { type: 'scale.change', activityId: Q, open: false, revealed: true });
  return s.state;
}

const formats = suite('a scale question in the minutes');
const state = played();
const text = async (format: 'md' | 'html' | 'csv' | 'json') =>
  String((await exportSummary(state, format, { includeNames: true })).body);

formats('Markdown: the scale, respondents, a table per statement with kinds side by side, the gap marked', async () => {
  const md = await text('md');
  assert.match(md, 'Skala 1–5: 1 = Stämmer inte alls, 5 = Stämmer helt');
  assert.match(md, 'Svarsalternativet ”Vet inte” fanns med.');
  assert.match(md, 'Antal svarande: 9');
  assert.match(md, `#### ${S1} – Störst skillnad mellan kommun och region`);
  // Alla: 9 answers, mean 26/9 = 2,9; kommun 3 answers mean 1,7; region 4,7; Ingrid alone: färre än 3.
  assert.match(md, '| Alla | 9 | 2,9 | 2 | 2 | 2 | 1 | 2 | 0 |');
  assert.match(md, '| Kommun | 3 | 1,7 | 1 | 2 | 0 | 0 | 0 | 0 |');
  assert.match(md, '| Region | 3 | 4,7 | 0 | 0 | 0 | 1 | 2 | 0 |');
  assert.match(md, '| Brukarrepresentant | färre än 3 |');
  assert.match(md, '**Skillnad i medelvärde mellan kommun och region: 3,0**');
  assert.match(md, `#### ${S2}\n`);
  assert.match(md, 'Färre än 3: färre än tre personer');
});

formats('HTML: the same figures in tables, the largest gap in bold', async () => {
  const html = await text('html');
  assert.match(html, '<table class="scale">');
  assert.match(html, 'Störst skillnad mellan kommun och region');
  assert.match(html, '<strong>Skillnad i medelvärde mellan kommun och region: 3,0</strong>');
  assert.match(html, 'Antal svarande: 9');
  assert.match(html, /<td[^>]*>Kommun<\/td><td[^>]*>3<\/td><td[^>]*>1,7<\/td>/);
});

formats('Word: a table per statement, everyone and each kind in rows', async () => {
  const docx = (await exportSummary(state, 'docx', { includeNames: true })).body as Buffer;
  const paragraphs = docxParagraphs(docx).map((p) => p.text);
  assert.ok(paragraphs.includes('Skala 1–5: 1 = Stämmer inte alls, 5 = Stämmer helt'));
  assert.ok(paragraphs.includes('Antal svarande: 9'));
  assert.ok(paragraphs.includes(`${S1} – Störst skillnad mellan kommun och region`));
  const tables = docxTables(docx).filter((t) => t.rows[0].cells[0] === 'Grupp');
  assert.is(tables.length, 2, 'one table per statement');
  assert.equal(tables[0].rows[0].cells, ['Grupp', 'Svar', 'Medel', '1', '2', '3', '4', '5', 'Vet inte']);
  assert.equal(tables[0].rows.find((r) => r.cells[0] === 'Region')!.cells.slice(0, 3), ['Region', '3', '4,7']);
  assert.equal(tables[0].rows.find((r) => r.cells[0] === 'Brukarrepresentant')!.cells[1], 'färre än 3');
  assert.equal(tables[1].rows.find((r) => r.cells[0] === 'Region')!.cells.slice(1, 3), ['3', '4,0'], 'Vet inte counts as an answer, not in the mean');
});

formats('CSV: a row per statement and group with answers, mean and spread', async () => {
  const rows = parseCsv(await text('csv'));
  const head = rows.find((r) => r.includes('Aktivitet'))!;
  const names = { activity: 'Aktivitet', room: 'Grupp', column: 'Kolumn', text: 'Text', votes: 'Prickar', rating: 'Betyg' };
  const at = (name: keyof typeof names) => head.indexOf(names[name]);
  const mine = rows.filter((r) => r[at('activity')] === '1. Hur fungerar samverkan?');
  const kommun = mine.find((r) => r[at('column')] === S1 && r[at('room')] === 'Kommun')!;
  assert.is(kommun[at('votes')], '3');
  assert.is(kommun[at('rating')], '1,7');
  assert.is(kommun[at('text')], '1: 1; 2: 2; 3: 0; 4: 0; 5: 0; Vet inte: 0');
  const ingrid = mine.find((r) => r[at('column')] === S1 && r[at('room')] === 'Brukarrepresentant')!;
  assert.is(ingrid[at('text')], 'färre än 3');
  assert.is(ingrid[at('rating')], '');
  assert.ok(mine.some((r) => r[at('text')] === 'Antal svarande: 9'));
  assert.ok(mine.some((r) => r[at('text')].startsWith('Skillnad i medelvärde mellan kommun och region: 3,0 (Störst')));
});

formats('JSON: the figures per statement and kind, never who answered what', async () => {
  const json = JSON.parse(await text('json'));
  assert.equal(json.workshop.scaleAnswers, {});
  assert.is(json.scales[Q].respondents, 9);
  assert.is(json.scales[Q].statements[0].byKind.brukarrepresentant, 'fewerThan3');
  assert.is(json.scales[Q].statements[0].largestGap, true);
  assert.not.match(JSON.stringify(json), /"p-ingrid":\{"s1"/);
});

formats('English minutes say it in English', async () => {
  const en = { ...state, language: 'en' as const };
  const md = String((await exportSummary(en, 'md', { includeNames: true })).body);
  assert.match(md, 'Scale 1–5: 1 = Stämmer inte alls, 5 = Stämmer helt');
  assert.match(md, 'Respondents: 9');
  assert.match(md, '| All | 9 | 2\\.9 |', 'a Markdown line escapes its dot; it reads 2.9');
  assert.match(md, '| Municipality | 3 | 1\\.7 |');
});

formats.run();
