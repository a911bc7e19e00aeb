// The Word summary of a realistic LGS workshop is fit to send: its results page, opened by
// LibreOffice and printed to PDF on a machine with only DejaVu Sans and on one with only
// Liberation Sans, has an option column with room (at least 35 % of the table), no word broken
// inside a cell ("samver kan", "Placeri ng"), no table row split over two pages, and the dots by
// kind of organisation in a compact table of their own with only the kinds that voted.
// The PDF is read with poppler's pdftotext; without LibreOffice or poppler those parts say why
// and are skipped (.ci/run installs both).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FONT_SETS, fontMissing, fontSlug, onlyFont, type FontSet } from './helpers/fonts.ts';
import { LGS_OPTIONS, playLgsWorkshop, type LgsPlayed } from './helpers/lgsWorkshop.ts';
import { decodeXml, docxParagraphs, docxTables, type DocxTable } from './helpers/readers.ts';
import { startServer, type TestServer } from './helpers/server.ts';

const SOFFICE = '/usr/bin/soffice';
const PDFTOTEXT = '/usr/bin/pdftotext';
const PDFFONTS = '/usr/bin/pdffonts';
const run = promisify(execFile);

interface Ctx {
  srv: TestServer;
  played: LgsPlayed;
  dir: string;
  docx: Buffer;
  tables: DocxTable[];
}

const word = suite<Ctx>('the Word summary of an LGS workshop, fit to send');

word.before(async (ctx) => {
  ctx.srv = await startServer();
  ctx.played = await playLgsWorkshop(ctx.srv.url);
  const { id, facilitatorKey } = ctx.played.created;
  const res = await fetch(`${ctx.srv.url}/api/workshops/${id}/summary.docx`, { headers: { authorization: `Bearer ${facilitatorKey}` } });
  assert.is(res.status, 200);
  ctx.docx = Buffer.from(await res.arrayBuffer());
  ctx.tables = docxTables(ctx.docx);
  ctx.dir = mkdtempSync(join(tmpdir(), 'verkstad-docx-layout-'));
  writeFileSync(join(ctx.dir, 'summary.docx'), ctx.docx);
});
word.after(async (ctx) => {
  ctx.played?.clients.forEach((c) => c.close());
  await ctx.srv?.close();
  if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true });
});

const tableStarting = (ctx: Ctx, first: string) => {
  const table = ctx.tables.find((t) => t.rows[0]?.cells[0] === first);
  assert.ok(table, `no table whose header starts with ${first}`);
  return table!;
};
const share = (t: DocxTable, column: number) => t.grid[column] / t.grid.reduce((a, b) => a + b, 0);

word('every table: fixed column widths filling the text width, rows that never split, the header repeated', (ctx) => {
  // The ranking, dots by kind, the next steps.
  assert.is(ctx.tables.length, 3);
  for (const t of ctx.tables) {
    const head = t.rows[0].cells.join(' | ');
    assert.ok(t.fixed, `${head}: not a fixed layout`);
    assert.is(t.grid.reduce((a, b) => a + b, 0), t.width, `${head}: the grid is not the table's width`);
    assert.is(t.width, 11906 - 2 * 1020, `${head}: not A4 less 18 mm margins`);
    assert.ok(t.rows[0].header, `${head}: the header row does not repeat on a new page`);
    assert.ok(t.rows.every((r) => r.cantSplit), `${head}: a row may break across pages`);
    assert.ok(t.rows.every((r) => r.cells.length === t.grid.length), `${head}: a row with another number of cells`);
  }
});

word('the results table: place, option, dots, share; the option at least 35 % of the width', (ctx) => {
  const ranking = tableStarting(ctx, 'Placering');
  assert.equal(ranking.rows[0].cells, ['Placering', 'Alternativ', 'Prickar', 'Andel']);
  assert.equal(ranking.rows.slice(1).map((r) => r.cells[1]).sort(), [...LGS_OPTIONS].sort());
  assert.ok(share(ranking, 1) >= 0.35, `the option column is ${Math.round(share(ranking, 1) * 100)} %`);
  // The figures keep only what their longest word needs: the option has the rest.
  assert.ok(share(ranking, 1) >= 0.55, `the option column is only ${Math.round(share(ranking, 1) * 100)} %`);
  const steps = tableStarting(ctx, 'Vad');
  assert.ok(share(steps, 0) >= 0.35, `the next step's text is ${Math.round(share(steps, 0) * 100)} %`);
});

word('dots by kind in a compact table of their own, only the kinds that voted (Övriga did not)', (ctx) => {
  const paragraphs = docxParagraphs(ctx.docx).map((p) => p.text);
  assert.ok(paragraphs.includes('Per organisationstyp'), 'no heading for the dots by kind');
  const byKind = tableStarting(ctx, 'Alternativ');
  assert.equal(byKind.rows[0].cells, ['Alternativ', 'Kommun', 'Region', 'Brukarrepresentant']);
  assert.ok(share(byKind, 0) >= 0.35, `the option column is ${Math.round(share(byKind, 0) * 100)} %`);
  // Five kommuner, three from the region, three brukarrepresentanter: every figure is given.
  const first = byKind.rows.find((r) => r.cells[0] === 'Samverkan kring utskrivningsprocessen')!;
  assert.equal(first.cells.slice(1), ['6', '3', '1']);
  const ranking = tableStarting(ctx, 'Placering');
  for (const row of byKind.rows.slice(1)) {
    const total = ranking.rows.find((r) => r.cells[1] === row.cells[0])?.cells[2];
    assert.is(row.cells.slice(1).reduce((n, c) => n + Number(c), 0), Number(total), `${row.cells[0]}: kinds add up to the total`);
  }
});

/** A word of a PDF page where pdftotext puts it (points from the top left). */
interface PdfWord {
  text: string;
  xMin: number;
  xMax: number;
  yMin: number;
}

/** The words of each page of a PDF in reading order, with their boxes (pdftotext -bbox-layout). */
async function pdfPages(pdf: string): Promise<PdfWord[][]> {
  const { stdout } = await run(PDFTOTEXT, ['-bbox-layout', pdf, '-'], { maxBuffer: 64 * 1024 * 1024 });
  return stdout
    .split(/<page /)
    .slice(1)
    .map((page) =>
      [...page.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g)].map((m) => ({
        text: decodeXml(m[4]),
        xMin: Number(m[1]),
        yMin: Number(m[2]),
        xMax: Number(m[3]),
      })),
    );
}

/** Each place `seq` stands as consecutive words within one page (a row split over two pages does not). */
function onOnePage(pages: PdfWord[][], seq: string[]): PdfWord[][] {
  const found: PdfWord[][] = [];
  for (const words of pages)
    for (let i = 0; i + seq.length <= words.length; i++)
      if (seq.every((w, j) => words[i + j].text === w)) found.push(words.slice(i, i + seq.length));
  return found;
}

const split = (text: string) => text.split(/\s+/).filter(Boolean);

function printedWith(font: FontSet) {
  word(`LibreOffice with only ${font.family}: no word broken, no row over two pages, the option column wide`, async (ctx) => {
    const missing = !existsSync(SOFFICE)
      ? `${SOFFICE} is missing (apt-get install libreoffice-writer-nogui)`
      : !existsSync(PDFTOTEXT)
        ? `${PDFTOTEXT} is missing (apt-get install poppler-utils)`
        : fontMissing(font);
    if (missing) {
      console.log(`  skipped with ${font.family}: ${missing}`);
      return;
    }
    const slug = fontSlug(font);
    const out = join(ctx.dir, slug);
    // A profile of its own: a first start writes one, and two runs must not share it.
    await run(
      SOFFICE,
      [`-env:UserInstallation=file://${join(ctx.dir, 'profile')}`, '--headless', '--norestore', '--convert-to', 'pdf', '--outdir', out, join(ctx.dir, 'summary.docx')],
      { timeout: 120_000, env: onlyFont(font, join(ctx.dir, `fonts-${slug}`)) },
    );
    const pdf = join(out, 'summary.pdf');
    assert.is(readFileSync(pdf).subarray(0, 5).toString('latin1'), '%PDF-');
    if (existsSync(PDFFONTS)) {
      const { stdout } = await run(PDFFONTS, [pdf]);
      const names = [...stdout.matchAll(/^[A-Z]{6}\+(\S+)/gm)].map((m) => m[1].split('-')[0]);
      assert.equal([...new Set(names)], [font.family.replace(/\s+/g, '')], `fonts in the PDF: ${stdout}`);
    }
    const pages = await pdfPages(pdf);
    const texts = pages.map((words) => words.map((w) => w.text));
    const tables = ctx.tables.map((t) => t.rows.map((r) => r.cells));
    const cells = tables.flat(2);

    // No word broken: each word of a table stands whole in the PDF at least as often as in the .docx.
    const counts = (words: string[]) => words.reduce((m, w) => m.set(w, (m.get(w) ?? 0) + 1), new Map<string, number>());
    const inDocx = counts(docxParagraphs(ctx.docx).flatMap((p) => split(p.text)));
    const inPdf = counts(texts.flat());
    const broken = [...new Set(cells.flatMap(split))].filter((w) => (inPdf.get(w) ?? 0) < inDocx.get(w)!);
    assert.equal(broken, [], `words broken in the PDF (${font.family})`);

    // No row over two pages: every cell's words follow each other on one page, as often as the cell is there.
    const cellCounts = counts(cells.filter((c) => split(c).length > 1));
    const splitRows = [...cellCounts].filter(([cell, n]) => onOnePage(pages, split(cell)).length < n).map(([cell]) => cell);
    assert.equal(splitRows, [], `cells split over two pages (${font.family})`);
    // …and that says something only if a table goes on over a page: its header is there again.
    const over = tables.map((t) => t[0]).filter((head) => texts.filter((p) => p.includes(head[0]) && p.includes(head.at(-1)!)).length > 1);
    assert.ok(over.length > 0, `no table goes on over a page with ${font.family}: give the workshop more to say`);

    // The option column as laid out: in the results table (its rows have a share, "20 %", on their
    // first line), the options' lines run over at least 35 % of the table's width.
    const tableWidth = ctx.tables[0].width / 20;
    const inRanking = (words: PdfWord[]) =>
      pages.some((p) => p.includes(words[0]) && p.some((w) => w.text === '%' && Math.abs(w.yMin - words[0].yMin) < 2));
    const spans = LGS_OPTIONS.flatMap((o) => onOnePage(pages, split(o)).filter(inRanking))
      .map((words) => (Math.max(...words.map((w) => w.xMax)) - Math.min(...words.map((w) => w.xMin))) / tableWidth);
    assert.is(spans.length, LGS_OPTIONS.length, 'every option once in the results table');
    const wide = Math.max(...spans);
    assert.ok(wide >= 0.35, `the options take ${Math.round(wide * 100)} % of the table with ${font.family}`);
    console.log(`  ${font.family}: ${pages.length} pages, options over ${Math.round(wide * 100)} % of the table, ${over.length} table(s) over a page`);
  });
}

for (const font of FONT_SETS) printedWith(font);

word.run();
