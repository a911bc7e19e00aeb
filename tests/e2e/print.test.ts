// The HTML summary as the facilitator prints it: a workshop played over real sockets, opened
// from the real endpoint in Debian's Chromium, printed to an A4 PDF and looked at in print media.
// Once on a machine with only DejaVu Sans and once with only Liberation Sans (Arial's metrics):
// the layout must not depend on the fonts (a ranking table was once 658 px on a 657 px page).
// Leaves test-artifacts/summary-<font>.pdf and summary-<font>-first-page.png for a person to look at.
// Needs Debian's chromium (not the built client, but it shares the other browser tests' check).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { browserTestsReady, launchChromium, recordRequests, requestsLeaving } from '../helpers/browser.ts';
import { playWorkshop, TITLE, type Played } from '../helpers/exportWorkshop.ts';
import { FONT_SETS, fontMissing, fontSlug, onlyFont, type FontSet } from '../helpers/fonts.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
/** A4 at CSS's 96 dpi: what one printed page is as a screen. */
const A4_PX = { width: 794, height: 1123 };
/** A4 in PDF points (1/72 in). */
const A4_PT = { width: 595.28, height: 841.89 };
/** The width left inside the summary's @page margins (210 mm − 2 × 18 mm) at 96 dpi. */
const PRINTABLE_PX = Math.floor(((210 - 2 * 18) / 25.4) * 96);
/** People paste links like this one: no hyphen or space to wrap at, and it must still fit. */
const LONG_LINK =
  'https://regionkalmar.sharepoint.com/sites/LGS/Delade%20dokument/Forms/AllItems.aspx?id=%2Fsites%2FLGS' +
  '%2FDelade%20dokument%2FUppfoljning2026%2FProtokoll&viewid=3f1c2a9e%2D41b7%2D4c55%2D9d0e%2D7a8b6c5d4e3f';

interface Ctx {
  srv: TestServer;
  played: Played;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  summaryUrl: string;
  /** Every URL the page asked for (HTTP and WebSocket). */
  requests: string[];
  pdf: Buffer;
  /** The fontconfig folder of this run. */
  fonts: string;
}

function printedWith(font: FontSet) {
  const print = suite<Ctx>(`the summary printed from Chromium with only ${font.family}`);
  const problem = browserTestsReady() ?? fontMissing(font);
  const slug = fontSlug(font);
  if (problem) {
    // Say why (uvu does not print skipped tests' names), and count it as skipped, not passed.
    console.log(`print.test.ts skipped with ${font.family}: ${problem}`);
    print.skip('printing the summary', () => {});
    print.run();
    return;
  }
  print.before(async (ctx) => {
    ctx.requests = [];
    ctx.srv = await startServer();
    ctx.played = await playWorkshop(ctx.srv.url);
    // The long link in the three places a pasted link lands: a list, a table cell, the info block.
    const [f] = ctx.played.clients;
    const must = async (command: Record<string, unknown>) => {
      const ack = await f.command(command);
      assert.ok(ack.ok, `${String(command.type)} refused: ${JSON.stringify(ack)}`);
    };
    const idOf = (kind: string) => ctx.played.state.activities.find((a) => a.kind === kind)!.id;
    const text = `Läs ${LONG_LINK}`;
    await must({ type: 'note.add', noteId: 'note-link-1', activityId: idOf('decisions'), columnId: 'decisions', text });
    await must({ type: 'note.add', noteId: 'note-link-2', activityId: idOf('actions'), columnId: 'actions', text, owner: 'Region Kalmar län', due: '2026-06-01' });
    await must({ type: 'workshop.update', info: { purpose: `${ctx.played.state.purpose} Underlag: ${LONG_LINK}` } });
    const { id, facilitatorKey } = ctx.played.created;
    ctx.summaryUrl = `${ctx.srv.url}/api/workshops/${id}/summary.html?inline=1`;
    ctx.fonts = mkdtempSync(join(tmpdir(), 'verkstad-fonts-'));
    ctx.browser = await launchChromium(onlyFont(font, ctx.fonts));
    ctx.context = await ctx.browser.newContext({
      viewport: A4_PX,
      locale: 'sv-SE',
      extraHTTPHeaders: { authorization: `Bearer ${facilitatorKey}` },
    });
    recordRequests(ctx.context, ctx.requests);
    ctx.page = await ctx.context.newPage();
    ctx.page.setDefaultTimeout(10_000);
    const res = await ctx.page.goto(ctx.summaryUrl);
    assert.is(res?.status(), 200, 'the summary did not open');
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  print.after(async (ctx) => {
    ctx.played?.clients.forEach((c) => c.close());
    await ctx.browser?.close();
    await ctx.srv?.close();
    if (ctx.fonts) rmSync(ctx.fonts, { recursive: true, force: true });
  });

  print(`the page is set in ${font.family}, the only font this machine has`, async (ctx) => {
    // What Chromium really drew with, for the title and a table cell (DevTools' platform fonts).
    const cdp = await ctx.context.newCDPSession(ctx.page);
    const { root } = await cdp.send('DOM.getDocument');
    await cdp.send('CSS.enable');
    for (const selector of ['h1', 'table.ranking td']) {
      const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
      assert.ok(nodeId, `no ${selector}`);
      const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
      assert.equal([...new Set(fonts.map((f) => f.familyName))], [font.family], `${selector} is set in ${JSON.stringify(fonts)}`);
    }
    await cdp.detach();
  });

  print('prints to an A4 PDF of a sensible number of pages', async (ctx) => {
    ctx.pdf = await ctx.page.pdf({ format: 'A4', printBackground: true });
    writeFileSync(join(ARTIFACTS, `summary-${slug}.pdf`), ctx.pdf);
    assert.is(ctx.pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    // Page dictionaries are plain text in Chromium's PDFs even where the content is compressed.
    const raw = ctx.pdf.toString('latin1');
    const boxes = [...raw.matchAll(/\/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]/g)];
    assert.ok(boxes.length > 0, 'no /MediaBox in the PDF');
    for (const [, x0, y0, x1, y1] of boxes) {
      const [w, h] = [Number(x1) - Number(x0), Number(y1) - Number(y0)];
      assert.ok(Math.abs(w - A4_PT.width) < 2 && Math.abs(h - A4_PT.height) < 2, `page is ${w}×${h} pt, not A4`);
    }
    const pages = raw.match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
    // About fifty notes, two tables and the attendance: a few pages, not one per note.
    assert.ok(pages >= 2 && pages <= 12, `${pages} pages`);
    console.log(`  summary-${slug}.pdf: ${pages} A4 pages, ${Math.round(ctx.pdf.length / 1024)} KiB`);
  });

  print('the first page in print media, kept as an image', async (ctx) => {
    await ctx.page.emulateMedia({ media: 'print' });
    const file = join(ARTIFACTS, `summary-${slug}-first-page.png`);
    await ctx.page.screenshot({ path: file, clip: { x: 0, y: 0, ...A4_PX } });
    const png = readFileSync(file);
    assert.equal([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'not a PNG');
    // IHDR: width and height right after the signature and chunk header.
    assert.equal([png.readUInt32BE(16), png.readUInt32BE(20)], [A4_PX.width, A4_PX.height]);
    assert.ok(statSync(file).size > 20_000, `a blank-looking page: ${statSync(file).size} bytes`);
  });

  print('readable on paper: the title, every activity in order, nothing wider than the page', async (ctx) => {
    await ctx.page.emulateMedia({ media: 'print' });
    const h1 = ctx.page.locator('h1');
    assert.ok(await h1.isVisible(), 'the title is not visible');
    assert.is((await h1.textContent())?.trim(), TITLE);
    // Every h2, in agenda order: attendance, the numbered activities, then decisions and next steps.
    const numbered = ctx.played.state.activities
      .filter((a) => a.kind !== 'decisions' && a.kind !== 'actions')
      .map((a, i) => `${i + 1}. ${a.title}`);
    const headings = (await ctx.page.locator('h2').allTextContents()).map((t) => t.trim());
    assert.equal(headings, ['Närvarande', ...numbered, 'Beslut', 'Att göra till nästa möte']);
    // At the A4 screen width, and at the width Chromium lays the PDF out in (inside @page margins).
    for (const width of [A4_PX.width, PRINTABLE_PX]) {
      await ctx.page.setViewportSize({ width, height: A4_PX.height });
      const wide = await ctx.page.evaluate((limit) => {
        const over = [...document.querySelectorAll('body *')]
          .filter((el) => el.getBoundingClientRect().right > limit + 0.5)
          .map((el) => `<${el.tagName.toLowerCase()} class="${el.className}"> to ${Math.round(el.getBoundingClientRect().right)}px`);
        return { scrollWidth: document.documentElement.scrollWidth, over: over.slice(0, 4) };
      }, width);
      assert.ok(wide.scrollWidth <= width, `${wide.scrollWidth}px wide at ${width}px: ${wide.over.join(', ')}`);
      assert.equal(wide.over, [], `elements wider than ${width}px`);
    }
    await ctx.page.setViewportSize(A4_PX);
  });

  print('tables repeat their header on every page and rows do not split', async (ctx) => {
    await ctx.page.emulateMedia({ media: 'print' });
    const tables = await ctx.page.evaluate(() =>
      [...document.querySelectorAll('table')].map((t) => ({
        cls: t.className,
        layout: getComputedStyle(t).tableLayout,
        thead: t.tHead ? getComputedStyle(t.tHead).display : null,
        rows: [...t.rows].map((r) => getComputedStyle(r).breakInside),
      })),
    );
    // The ranking, then dots by kind in a table of its own, and the next steps.
    assert.equal(tables.map((t) => t.cls).sort(), ['by-kind', 'next-steps', 'ranking']);
    for (const t of tables) {
      assert.is(t.layout, 'fixed', `${t.cls}: laid out from its content, not its column widths`);
      assert.is(t.thead, 'table-header-group', `${t.cls}: thead`);
      assert.ok(t.rows.every((b) => b === 'avoid'), `${t.cls}: rows may split (${t.rows.join(', ')})`);
    }
  });

  print('on the printed width: the option column has room, no word in a table is broken', async (ctx) => {
    await ctx.page.emulateMedia({ media: 'print' });
    await ctx.page.setViewportSize({ width: PRINTABLE_PX, height: A4_PX.height });
    const seen = await ctx.page.evaluate(() => {
      const ranking = document.querySelector('table.ranking')!;
      const option = ranking.querySelector('th:nth-child(2)')!;
      // A word drawn on two lines has two boxes; a pasted link (no room anywhere) may break.
      const broken: string[] = [];
      for (const cell of document.querySelectorAll('th, td')) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          for (const m of (node.textContent ?? '').matchAll(/\S+/g)) {
            if (m[0].length > 40) continue;
            const range = document.createRange();
            range.setStart(node, m.index!);
            range.setEnd(node, m.index! + m[0].length);
            const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
            if (lines.size > 1) broken.push(m[0]);
          }
        }
      }
      return { option: option.getBoundingClientRect().width / ranking.getBoundingClientRect().width, broken };
    });
    assert.ok(seen.option >= 0.35, `the option column is ${Math.round(seen.option * 100)} % of the ranking`);
    assert.equal(seen.broken, [], 'words broken inside a table cell');
    await ctx.page.setViewportSize(A4_PX);
  });

  print('nothing is fetched but the one document', (ctx) => {
    const { network, foreign } = requestsLeaving(ctx.requests, ctx.srv.url);
    assert.equal(foreign, [], 'requests left the machine');
    assert.equal(network, [ctx.summaryUrl], 'the page fetched more than itself');
  });
  print.run();
}

for (const font of FONT_SETS) printedWith(font);
