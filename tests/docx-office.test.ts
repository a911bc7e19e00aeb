// The Word summary opened by a real office suite: LibreOffice (Debian's, headless) converts the
// exported .docx to text and to PDF. The text holds every heading and every note, the ranking
// and the next steps; nothing is lost on the way. Skipped where LibreOffice is not installed
// (.ci/run installs it).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { playWorkshop, type Played } from './helpers/exportWorkshop.ts';
import { docxParagraphs } from './helpers/readers.ts';
import { startServer, type TestServer } from './helpers/server.ts';

const SOFFICE = '/usr/bin/soffice';
const run = promisify(execFile);

interface Ctx {
  srv: TestServer;
  played: Played;
  dir: string;
  docx: Buffer;
}

const office = suite<Ctx>('the Word summary in LibreOffice');

office.before(async (ctx) => {
  if (!existsSync(SOFFICE)) return;
  ctx.srv = await startServer();
  ctx.played = await playWorkshop(ctx.srv.url);
  const { id, facilitatorKey } = ctx.played.created;
  const res = await fetch(`${ctx.srv.url}/api/workshops/${id}/summary.docx`, { headers: { authorization: `Bearer ${facilitatorKey}` } });
  ctx.docx = Buffer.from(await res.arrayBuffer());
  ctx.dir = mkdtempSync(join(tmpdir(), 'verkstad-office-'));
  writeFileSync(join(ctx.dir, 'summary.docx'), ctx.docx);
});
office.after(async (ctx) => {
  ctx.played?.clients.forEach((c) => c.close());
  await ctx.srv?.close();
  if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true });
});

async function convert(ctx: Ctx, to: string): Promise<Buffer> {
  // A profile of its own: a first start writes one, and two runs must not share it.
  const profile = `file://${join(ctx.dir, 'profile')}`;
  await run(SOFFICE, [`-env:UserInstallation=${profile}`, '--headless', '--norestore', '--convert-to', to, '--outdir', ctx.dir, join(ctx.dir, 'summary.docx')], {
    timeout: 90_000,
  });
  const ext = to.split(':')[0];
  return readFileSync(join(ctx.dir, `summary.${ext}`));
}

office('LibreOffice reads every heading and every note of the .docx', async (ctx) => {
  if (!existsSync(SOFFICE)) {
    console.log(`  skipped: ${SOFFICE} is missing (apt-get install libreoffice-writer-nogui)`);
    return;
  }
  const text = (await convert(ctx, 'txt:Text (encoded):UTF8')).toString('utf8').replace(/^\ufeff/, '');
  // List items come out with their bullet in front.
  const lines = text.split(/\r?\n/).map((l) => l.replace(/^\s*[•◦▪–-]?\s*/, '').trim());
  // Every paragraph Word would show (headings, notes, table cells) is in LibreOffice's text, in order.
  let at = 0;
  for (const p of docxParagraphs(ctx.docx).filter((p) => p.text.trim())) {
    const found = lines.findIndex((l, i) => i >= at && l === p.text.trim().split('\n')[0].trim());
    assert.ok(found >= 0, `LibreOffice lost or reordered: ${JSON.stringify(p.text)} (style ${p.style})`);
    at = found;
  }
  for (const note of ctx.played.notes) assert.ok(text.includes(note.marker), `note ${note.marker} (${note.part}) is in the text`);
  for (const heading of ['Närvarande', 'Beslut', 'Att göra till nästa möte', 'Resultat']) assert.ok(lines.includes(heading), heading);
});

office('and prints it to a PDF', async (ctx) => {
  if (!existsSync(SOFFICE)) return;
  const pdf = await convert(ctx, 'pdf');
  assert.is(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
  assert.ok(pages >= 2 && pages <= 20, `${pages} pages`);
});

office.run();
