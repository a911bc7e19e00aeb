// The CSV export read the ways spreadsheets read it: by commas as written (RFC 4180), and split
// on `;` (how Swedish Excel opens a .csv), on tabs, or on all three. However a line is split, no
// field of the raw bytes starts a formula, and each note reads back as written.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cell } from '../server/export/csv.ts';
import { createWorkshop, facilitator, type TestClient } from './helpers/clients.ts';
import { parseCsv } from './helpers/readers.ts';
import { startServer, type TestServer } from './helpers/server.ts';

/** Notes as written, and the cell each must read back as by commas. */
const NOTES: Array<[string, string]> = [
  ['x;=1+1;', "x;'=1+1;"],
  ["Bra;-2+3+cmd|' /C calc'!A0", "Bra;'-2+3+cmd|' /C calc'!A0"],
  ['kolumn\t=HYPERLINK("http://evil","x")', 'kolumn\t\'=HYPERLINK("http://evil","x")'],
  ['rad ett\n@SUM(1)', "rad ett\n'@SUM(1)"],
  ['y;"=1+1', 'y;"\'=1+1'],
  ['z; +46 480 123 45', "z; '+46 480 123 45"],
  ['=1+1', "'=1+1"],
  // Text that can start no formula anywhere stays as it was.
  ['Kostar 100,- kr', 'Kostar 100,- kr'],
  ['Styrkor, svagheter; möjligheter', 'Styrkor, svagheter; möjligheter'],
];

/**
 * A line split as a spreadsheet does with these separators: a field that starts with a quote is
 * quoted ("" for a quote) up to a lone quote, and what follows up to the next separator is
 * added as it is; a quote anywhere else is a character. A line break outside quotes ends a row.
 */
function spreadsheetFields(text: string, separators: string[]): string[][] {
  const rows: string[][] = [[]];
  let field = '';
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const end = () => (rows.at(-1)!.push(field), (field = ''));
  while (i < text.length) {
    if (field === '' && text[i] === '"') {
      for (i++; i < text.length; i++) {
        if (text[i] === '"' && text[i + 1] === '"') (field += '"'), i++;
        else if (text[i] === '"') break;
        else field += text[i];
      }
      i++;
      continue;
    }
    const c = text[i];
    if (separators.includes(c)) end();
    else if (c === '\r' || c === '\n') {
      end();
      rows.push([]);
      if (c === '\r' && text[i + 1] === '\n') i++;
    } else field += c;
    i++;
  }
  if (field !== '' || rows.at(-1)!.length) end();
  return rows.filter((r) => r.length);
}

const FORMULA = /^[=+\-@\t\r]/;
const SPLITS: Array<[string, string[]]> = [
  ['commas', [',']],
  ['semicolons (Swedish Excel)', [';']],
  ['tabs', ['\t']],
  ['semicolons and tabs', [';', '\t']],
  ['commas, semicolons and tabs', [',', ';', '\t']],
];

// ---------------------------------------------------------------------------------------------
const cells = suite('a cell');

cells('with ; or a tab is quoted, like one with a comma, a quote or a line break', () => {
  assert.is(cell('a;b'), '"a;b"');
  assert.is(cell('a\tb'), '"a\tb"');
  assert.is(cell('a,b'), '"a,b"');
  assert.is(cell('a"b'), '"a""b"');
  assert.is(cell('a\nb'), '"a\nb"');
  assert.is(cell('plain text'), 'plain text');
});

cells('gets an apostrophe wherever a field could start a formula, and nowhere else', () => {
  assert.is(cell('=1+1'), "'=1+1");
  assert.is(cell('x;=1+1;'), `"x;'=1+1;"`);
  assert.is(cell('\t=1'), `"'\t'=1"`, 'a tab both starts a formula and splits');
  assert.is(cell('a\n-b'), `"a\n'-b"`);
  assert.is(cell('y; "=1'), `"y; ""'=1"`);
  assert.is(cell('Kostar 100,- kr'), '"Kostar 100,- kr"', 'a comma splits nothing once quoted');
  assert.is(cell('a-b=c'), 'a-b=c');
});

/** Formulas typed where the CSV's title rows and introduction rows show them. */
const HEADER_TEXT = (activityId: string) => [
  { type: 'workshop.update', info: { place: 'Kalmar;=1+1', nextMeeting: { date: '2026-05-15', place: '@SUM(1);-2+3' } } },
  { type: 'absentee.add', absenteeId: 'absent-csv-1', name: '=HYPERLINK("http://evil","x")', organisation: '+cmd' },
  { type: 'absentee.add', absenteeId: 'absent-csv-2', name: 'Eva; =1+1', organisation: '' },
  { type: 'activity.update', activityId, intro: 'Läs först;\n=1+1 https://example.org/plan' },
];

// ---------------------------------------------------------------------------------------------
interface Ctx {
  srv: TestServer;
  f: TestClient;
  csv: string;
}
const raw = suite<Ctx>('the raw bytes of summary.csv');

raw.before(async (ctx) => {
  ctx.srv = await startServer();
  const created = await createWorkshop(ctx.srv.url, { title: 'LGS; =1+1', agenda: [{ kind: 'brainstorm', title: 'Idéer' }] });
  ctx.f = await facilitator(ctx.srv.url, created);
  const activity = ctx.f.state!.activities[0];
  // The rows above the table (issue 16) carry typed text too: the meeting's place, the next
  // meeting's place, who sent apologies and an activity's introduction.
  for (const command of HEADER_TEXT(activity.id)) {
    const ack = await ctx.f.command(command);
    assert.ok(ack.ok, command.type);
  }
  for (const [i, [text]] of NOTES.entries()) {
    const ack = await ctx.f.command({ type: 'note.add', noteId: `note-csv-${i}`, activityId: activity.id, columnId: activity.columns[0].id, text });
    assert.ok(ack.ok, text);
  }
  const res = await fetch(`${ctx.srv.url}/api/workshops/${created.id}/summary.csv`, { headers: { authorization: `Bearer ${created.facilitatorKey}` } });
  assert.is(res.status, 200);
  ctx.csv = Buffer.from(await res.arrayBuffer()).toString('utf8');
});
raw.after(async (ctx) => {
  ctx.f.close();
  await ctx.srv.close();
});

raw('read by commas, each note is one cell, with an apostrophe only before a formula', (ctx) => {
  const rows = parseCsv(ctx.csv);
  // After the title block (its title is a formula too: made inert) comes the table's header.
  assert.equal(rows[0].slice(0, 2), ['Minnesanteckningar', "LGS; '=1+1"]);
  const titled = (label: string) => rows.find((r) => r[0] === label)?.[1];
  assert.is(titled('Plats'), "Kalmar;'=1+1");
  // Mid-cell after ", " no spreadsheet starts a field; after the ; one may.
  assert.is(titled('Nästa möte'), "fredag 15 maj 2026, @SUM(1);'-2+3");
  assert.is(titled('Anmält förhinder'), `'=HYPERLINK("http://evil","x"), +cmd; Eva; '=1+1`);
  const [intro, ...notes] = rows.slice(rows.findIndex((r) => r[0] === 'Aktivitet') + 1);
  assert.equal([intro[2], intro[4]], ['Inledning', "Läs först;\n'=1+1 https://example.org/plan"]);
  assert.equal(notes.map((r) => r[4]), NOTES.map(([, expected]) => expected));
});

for (const [name, separators] of SPLITS)
  raw(`split on ${name}, no field starts a formula`, (ctx) => {
    const fields = spreadsheetFields(ctx.csv, separators).flat();
    const formulas = fields.filter((f) => FORMULA.test(f) || FORMULA.test(f.trimStart()));
    assert.equal(formulas, [], `formulas when split on ${name}`);
  });

raw('every cell with a ; or a tab is quoted: split on all three, the cells are the same as by commas', (ctx) => {
  assert.equal(spreadsheetFields(ctx.csv, [',', ';', '\t']), parseCsv(ctx.csv));
});

cells.run();
raw.run();
