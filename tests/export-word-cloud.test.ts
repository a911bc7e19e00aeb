// A word cloud (ordmoln) in the minutes, in every format: the question, the settings (words per
// person, their length), how many answered, and each word with its count overall and per kind
// of organisation, "färre än 3" where a kind had fewer than three respondents. The word the
// facilitator hid is in none of them, nor who wrote what. Played over real sockets and
// downloaded the way the facilitator does.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CreatedWorkshop } from '../shared/protocol.ts';
import type { OrgKind } from '../shared/workshop/model.ts';
import { createWorkshop, facilitator, participant, type TestClient } from './helpers/clients.ts';
import { docxParagraphs, docxTables, parseCsv } from './helpers/readers.ts';
import { startServer, type TestServer } from './helpers/server.ts';

const QUESTION = 'Beskriv samverkan i LGS med ett ord';
const HIDDEN = 'Olämpligt';
const PEOPLE: Array<[string, OrgKind, string[]]> = [
  ['Anna', 'kommun', ['Tillit', 'Dialog']],
  ['Bertil', 'kommun', ['tillit.', HIDDEN]],
  ['Cecilia', 'kommun', ['TILLIT!', 'Samsyn']],
  ['Fatima', 'region', ['Dialog', 'Avstånd']],
  ['Gustav', 'region', ['dialog']],
  ['Hanna', 'region', ['Samsyn']],
  ['Ingrid', 'brukarrepresentant', ['Tillit']],
  ['Sara', 'annan', ['Ansvar']],
  ['Tomas', 'annan', ['ansvar']],
];

interface Ctx {
  srv: TestServer;
  created: CreatedWorkshop;
  clients: TestClient[];
  files: Record<string, Buffer>;
}

const minutes = suite<Ctx>('a word cloud in the minutes');

minutes.before(async (ctx) => {
  ctx.srv = await startServer({ realtimeLimits: { participantRate: 1000, facilitatorRate: 1000 } });
  ctx.created = await createWorkshop(ctx.srv.url, { title: 'LGS Kalmar län', agenda: [{ kind: 'wordCloud', title: 'Ordmoln', questions: [QUESTION] }] });
  const f = await facilitator(ctx.srv.url, ctx.created);
  ctx.clients = [f];
  const activityId = f.state!.activities[0].id;
  const must = async (c: TestClient, command: Record<string, unknown>) => {
    const ack = await c.command(command);
    if (!ack.ok) throw new Error(`${String(command.type)}: ${ack.error}`);
  };
  await must(f, { type: 'activity.focus', activityId });
  await must(f, { type: 'wordcloud.start', activityId, maxWords: 2, maxLength: 25 });
  for (const [name, orgKind, words] of PEOPLE) {
    const c = await participant(ctx.srv.url, ctx.created.id, { name, organisation: `${name}s organisation`, orgKind });
    ctx.clients.push(c);
    await must(c, { type: 'words.send', activityId, words });
  }
  await must(f, { type: 'word.hide', activityId, word: HIDDEN, hidden: true });
  await must(f, { type: 'wordcloud.set', activityId, open: false, revealed: true });
  ctx.files = {};
  for (const format of ['md', 'html', 'docx', 'csv', 'json']) {
    const res = await fetch(`${ctx.srv.url}/api/workshops/${ctx.created.id}/summary.${format}`, {
      headers: { authorization: `Bearer ${ctx.created.facilitatorKey}` },
    });
    assert.is(res.status, 200, format);
    ctx.files[format] = Buffer.from(await res.arrayBuffer());
  }
});
minutes.after(async (ctx) => {
  ctx.clients.forEach((c) => c.close());
  await ctx.srv.close();
});

const SETTINGS = 'Upp till 2 ord per person, högst 25 tecken vardera';
const RESPONDENTS = 'Antal svarande: 9';
/** Word, count, kommun, region, brukarrepresentant, annan: most sent first, equals alphabetically. */
const ROWS = [
  ['Tillit', '4', '3', '0', 'färre än 3', 'färre än 3'],
  ['Dialog', '3', '1', '2', 'färre än 3', 'färre än 3'],
  ['Ansvar', '2', '0', '0', 'färre än 3', 'färre än 3'],
  ['Samsyn', '2', '1', '1', 'färre än 3', 'färre än 3'],
  ['Avstånd', '1', '0', '1', 'färre än 3', 'färre än 3'],
];
const HEAD = ['Ord', 'Antal', 'Kommun', 'Region', 'Brukarrepresentant', 'Annan'];

minutes('Markdown: question, settings, respondents and the words by kind in a table', ({ files }) => {
  const md = files.md.toString('utf8');
  assert.ok(md.includes(`**Fråga:** ${QUESTION}`), 'the question');
  assert.ok(md.includes(SETTINGS) && md.includes(RESPONDENTS), 'the settings and respondents');
  assert.ok(md.includes(`| ${HEAD.join(' | ')} |`), 'the head names every kind that answered');
  for (const row of ROWS) assert.ok(md.includes(`| ${row.join(' | ')} |`), row.join(' '));
  assert.ok(md.includes('1 ord som facilitatorn dolde redovisas inte.'));
  assert.ok(md.includes('Färre än 3: färre än tre personer'), 'what "färre än 3" means');
  assert.not.ok(md.includes(HIDDEN), 'the hidden word is not in the minutes');
});

minutes('HTML: the same table, with the words and their kinds', ({ files }) => {
  const html = files.html.toString('utf8');
  assert.ok(html.includes(QUESTION) && html.includes(SETTINGS) && html.includes(RESPONDENTS));
  const table = /<table[^>]*class="word-cloud"[^>]*>([\s\S]*?)<\/table>/.exec(html)?.[1];
  assert.ok(table, 'a word-cloud table');
  const cells = [...table!.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map(([, tr]) => [...tr.matchAll(/<t[hd][^>]*>([^<]*)<\/t[hd]>/g)].map((m) => m[1]));
  assert.equal(cells, [HEAD, ...ROWS]);
  assert.not.ok(html.includes(HIDDEN));
});

minutes('Word: the same table under the question and the figures', ({ files }) => {
  const paragraphs = docxParagraphs(files.docx).map((p) => p.text);
  assert.ok(paragraphs.includes(`Fråga: ${QUESTION}`), 'the question');
  assert.ok(paragraphs.includes(SETTINGS) && paragraphs.includes(RESPONDENTS));
  const table = docxTables(files.docx).find((t) => t.rows[0]?.cells[0] === 'Ord');
  assert.ok(table, 'a table of words');
  assert.equal(table!.rows.map((r) => r.cells), [HEAD, ...ROWS]);
  assert.ok(table!.rows[0].header, 'its head repeats on a new page');
  assert.not.ok(JSON.stringify(paragraphs).includes(HIDDEN));
});

minutes('CSV: each word with its count, and a row per kind', ({ files }) => {
  const rows = parseCsv(files.csv.toString('utf8').replace(/^\ufeff/, ''));
  const head = rows.find((r) => r[0] === 'Aktivitet')!;
  const col = (name: string) => head.indexOf(name);
  const mine = rows.filter((r) => r[col('Kolumn')] === QUESTION);
  assert.ok(mine.some((r) => r[col('Text')] === `${SETTINGS}. ${RESPONDENTS}`));
  const overall = mine.filter((r) => r[col('Tema')] === '' && r[col('Prickar')] !== '').map((r) => [r[col('Text')], r[col('Prickar')]]);
  assert.equal(overall, ROWS.map((r) => [r[0], r[1]]));
  const tillit = mine.filter((r) => r[col('Text')] === 'Tillit' && r[col('Tema')] !== '').map((r) => [r[col('Tema')], r[col('Prickar')]]);
  assert.equal(tillit, [['Kommun', '3'], ['Region', '0'], ['Brukarrepresentant', 'färre än 3'], ['Annan', 'färre än 3']]);
  assert.not.ok(files.csv.toString('utf8').includes(HIDDEN));
});

minutes('JSON: the tally the room saw, never who wrote what nor the hidden word', ({ files }) => {
  const text = files.json.toString('utf8');
  const archive = JSON.parse(text);
  const activityId = archive.workshop.activities[0].id;
  const cloud = archive.wordClouds[activityId];
  assert.is(cloud.respondents, 9);
  assert.equal(cloud.words.map((w: { text: string; total: number }) => [w.text, String(w.total)]), ROWS.map((r) => [r[0], r[1]]));
  assert.is(cloud.words[0].byKind.brukarrepresentant, 'fewerThan3');
  assert.equal(archive.workshop.words, {}, 'nobody\'s own words');
  assert.equal(archive.workshop.hiddenWords, {});
  assert.equal(archive.workshop.activities[0].wordCloud, { maxWords: 2, maxLength: 25, open: false, live: false, revealed: true });
  assert.not.ok(text.includes(HIDDEN));
});

minutes.run();
