// The summary export over HTTP, for a workshop played over real sockets: every format places
// every note once where it belongs, the ranking is right, hostile notes stay inert, and only the
// facilitator key opens it.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { playWorkshop, HOSTILE, PEOPLE, TITLE, type Expected, type Played } from './helpers/exportWorkshop.ts';
import { docxParagraphs, htmlContext, parseCsv, unzip } from './helpers/readers.ts';
import { startServer, type TestServer } from './helpers/server.ts';

interface Ctx {
  srv: TestServer;
  played: Played;
  files: Record<string, Buffer>;
}
const FORMATS = ['md', 'html', 'docx', 'csv', 'json'];
const exp = suite<Ctx>('the workshop summary export');

const get = (ctx: Ctx, path: string, key: string | null = ctx.played.created.facilitatorKey) =>
  fetch(`${ctx.srv.url}/api/workshops/${path}`, { headers: key === null ? {} : { authorization: `Bearer ${key}` } });

async function download(ctx: Ctx, format: string, query = ''): Promise<Buffer> {
  const res = await get(ctx, `${ctx.played.created.id}/summary.${format}${query}`);
  assert.is(res.status, 200, `${format}${query}: ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

exp.before(async (ctx) => {
  ctx.srv = await startServer();
  ctx.played = await playWorkshop(ctx.srv.url);
  ctx.files = {};
  for (const f of FORMATS) ctx.files[f] = await download(ctx, f);
});
exp.after(async (ctx) => {
  ctx.played.clients.forEach((c) => c.close());
  await ctx.srv.close();
});

// --- where a note must be ------------------------------------------------------------------------

const activityOf = (p: Played, e: Expected) => p.state.activities.find((a) => a.id === e.activityId)!;
function sectionTitle(p: Played, e: Expected): string {
  const sections = p.state.activities.filter((a) => a.kind !== 'decisions' && a.kind !== 'actions');
  const a = activityOf(p, e);
  return `${sections.indexOf(a) + 1}. ${a.title}`;
}

/** The headings a note must sit under, outermost first (level 2 down), for Markdown and Word. */
function headingsFor(p: Played, e: Expected): string[] {
  if (e.part === 'decisions') return ['Beslut'];
  if (e.part === 'nextSteps') return ['Att göra till nästa möte'];
  if (e.part === 'ranking') return [sectionTitle(p, e), 'Resultat'];
  const place = e.theme ? `Tema: ${e.theme.name}` : e.column.title;
  if (!activityOf(p, e).breakout) return [sectionTitle(p, e), place];
  return [sectionTitle(p, e), e.room ? `Grupp: ${e.room.name}` : 'I helgruppen', place];
}

/** Each marker's lines with the headings above them, from (level, text) items in document order. */
function placesOf(items: Array<{ level: number; text: string }>) {
  const heads: string[] = [];
  const found = new Map<string, Array<{ heads: string[]; text: string }>>();
  for (const { level, text } of items) {
    if (level > 0) {
      heads.length = Math.max(0, level - 2);
      if (level >= 2) heads[level - 2] = text;
      continue;
    }
    for (const [m] of text.matchAll(/L\d\dL/g)) found.set(m, [...(found.get(m) ?? []), { heads: [...heads], text }]);
  }
  return found;
}

/** Word, print and Markdown give an option a second time, in the table of dots by kind under the ranking. */
const BY_KIND = 'Per organisationstyp';

function assertPlaces(p: Played, found: ReturnType<typeof placesOf>, format: string, byKind = false) {
  for (const e of p.notes) {
    const at = found.get(e.marker) ?? [];
    const twice = byKind && e.part === 'ranking';
    assert.is(at.length, twice ? 2 : 1, `${format}: ${e.marker} (${e.text}) appears ${at.length} times`);
    assert.equal(at[0].heads.filter(Boolean), headingsFor(p, e), `${format}: ${e.marker} under the wrong headings`);
    if (twice) assert.equal(at[1].heads.filter(Boolean), [...headingsFor(p, e), BY_KIND], `${format}: ${e.marker} not by kind`);
    const { text } = at[0];
    assert.ok(text.includes(e.text), `${format}: ${e.marker} text changed: ${text}`);
    if (e.author && e.part !== 'ranking' && e.part !== 'nextSteps') assert.ok(text.includes(e.author), `${format}: ${e.marker} without its author`);
    if (!e.author) for (const who of PEOPLE) assert.not.ok(text.includes(who.name), `${format}: ${e.marker} names an author`);
  }
}

const unescapeMd = (text: string) => text.replace(/\\([!-/:-@[-`{-~])/g, '$1');
const markdownItems = (md: string) =>
  md.split('\n').map((line) => {
    const h = /^(#{1,6}) (.*)$/.exec(line);
    return h ? { level: h[1].length, text: unescapeMd(h[2]) } : { level: 0, text: unescapeMd(line) };
  });
const DOCX_LEVELS: Record<string, number> = { Title: 1, Heading1: 2, Heading2: 3, Heading3: 4 };
const docxItems = (docx: Buffer) => docxParagraphs(docx).map((p) => ({ level: DOCX_LEVELS[p.style] ?? 0, text: p.text }));

// --- the tests -------------------------------------------------------------------------------------

exp('every format downloads with its type and a file name from the title and date', async (ctx) => {
  const types: Record<string, RegExp> = {
    md: /^text\/markdown; charset=utf-8/,
    html: /^text\/html; charset=utf-8/,
    docx: /^application\/vnd\.openxmlformats-officedocument\.wordprocessingml\.document/,
    csv: /^text\/csv; charset=utf-8/,
    json: /^application\/json; charset=utf-8/,
  };
  for (const f of FORMATS) {
    const res = await get(ctx, `${ctx.played.created.id}/summary.${f}`);
    assert.match(res.headers.get('content-type') ?? '', types[f]);
    // The minutes say so in their name; the JSON is the workshop's data.
    const document = f === 'json' ? '' : 'minnesanteckningar-';
    assert.is(res.headers.get('content-disposition'), `attachment; filename="${document}lgs-kalmar-lan-uppfoljning-varen-2026-03-12.${f}"`);
    assert.is(res.headers.get('cache-control'), 'no-store');
  }
  const inline = await get(ctx, `${ctx.played.created.id}/summary.html?inline=1`);
  assert.match(inline.headers.get('content-disposition') ?? '', /^inline; filename=".*\.html"$/);
  assert.match(inline.headers.get('content-security-policy') ?? '', /default-src 'none'/);
});

exp('markdown: every note once, under its activity, room, column and theme', (ctx) => {
  const md = ctx.files.md.toString('utf8');
  assert.ok(md.startsWith(`# ${TITLE.replace(/[<>]/g, (c) => `\\${c}`)}\n`));
  for (const head of ['## Närvarande', '**Datum:** 2026-03-12', '**Syfte:**', '**Mål:**', '## Beslut', '## Att göra till nästa möte'])
    assert.ok(md.includes(head), `markdown lacks ${head}`);
  assert.ok(md.includes('### Region\n\n- **Region Kalmar län:** Cecilia Frid, David Hartz'));
  assert.ok(md.includes('**Snittbetyg:** 4,2 av 5 (5 svar)'));
  for (const r of ['Norra länet', 'Mellersta länet'])
    assert.ok(md.includes(`**Sammanfattning av gruppdiskussion**\n\nSammanfattning från ${r}: tillit.`));
  assertPlaces(ctx.played, placesOf(markdownItems(md)), 'markdown', true);
});

exp('docx: unzips to Word paragraphs with the same headings and notes', (ctx) => {
  const docx = ctx.files.docx;
  assert.ok(unzip(docx).has('[Content_Types].xml'));
  const paragraphs = docxParagraphs(docx);
  assert.equal(paragraphs[0], { style: 'Title', text: TITLE });
  const h1 = paragraphs.filter((p) => p.style === 'Heading1').map((p) => p.text);
  assert.equal(h1, ['Närvarande', '1. SWOT: samverkan i länet', '2. Börja, sluta, fortsätta', '3. Gruppdiskussion', '4. Vilka områden ska vi prioritera?', '5. Utvärdering', 'Beslut', 'Att göra till nästa möte']);
  assertPlaces(ctx.played, placesOf(docxItems(docx)), 'docx', true);
});

exp('html: every note once, inside its activity, room, theme or column', (ctx) => {
  const html = ctx.files.html.toString('utf8');
  const { played } = ctx;
  for (const e of played.notes) {
    const at = [...html.matchAll(new RegExp(e.marker, 'g'))].map((m) => m.index!);
    assert.is(at.length, e.part === 'ranking' ? 2 : 1, `html: ${e.marker} appears ${at.length} times`);
    const place = htmlContext(html, at[0]);
    if (e.part === 'ranking')
      assert.equal([place.table, htmlContext(html, at[1]).table], ['ranking', 'by-kind'], `${e.marker}: the ranking, then dots by kind`);
    if (e.part === 'decisions' || e.part === 'nextSteps') {
      assert.is(place.section, e.part === 'decisions' ? 'decisions' : 'next-steps');
      continue;
    }
    assert.is(place.activity, e.activityId, e.marker);
    assert.is(place.room, e.room?.id, `${e.marker} room`);
    assert.is(place.theme, e.part === 'board' ? e.theme?.id : undefined, `${e.marker} theme`);
    assert.is(place.column, e.part === 'board' && !e.theme ? e.column.id : undefined, `${e.marker} column`);
  }
  htmlContext(html, html.length); // balanced to the end
});

const formulaSafe = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

exp('csv: parses back to one row per note with activity, room, column, theme, author and votes', (ctx) => {
  const { played } = ctx;
  // The title block comes first (tests/export-minutes.test.ts), then the table.
  const all = parseCsv(ctx.files.csv.toString('utf8'));
  const [header, ...rows] = all.slice(all.findIndex((r) => r[0] === 'Aktivitet'));
  assert.equal(header, ['Aktivitet', 'Grupp', 'Kolumn', 'Tema', 'Text', 'Skribent', 'Prickar', 'Placering', 'Betyg', 'Vem', 'När']);
  assert.is(rows.length, played.notes.length);
  for (const e of played.notes) {
    const found = rows.filter((r) => r[4].includes(e.marker));
    assert.is(found.length, 1, `csv: ${e.marker}`);
    const [activity, room, column, theme, text, author, , , , who, when] = found[0];
    const own = e.part === 'decisions' || e.part === 'nextSteps';
    assert.is(activity, own ? activityOf(played, e).title : sectionTitle(played, e));
    assert.equal([room, column, theme, text, author], [e.room?.name ?? '', e.column.title, e.theme?.name ?? '', formulaSafe(e.text), e.author ?? '']);
    if (e.part === 'nextSteps') assert.equal([who, when], [formulaSafe(e.owner!), e.due]);
  }
});

exp('json: the complete workshop for the archive, with the agenda and every note', (ctx) => {
  const { played } = ctx;
  const text = ctx.files.json.toString('utf8');
  const archive = JSON.parse(text);
  assert.is(archive.format, 'verkstad.workshop');
  assert.is(archive.version, 1);
  assert.equal(archive.workshop.activities, played.state.activities);
  for (const e of played.notes) {
    const note = archive.workshop.notes[`note-${e.marker}`];
    assert.equal([note.text, note.activityId, note.columnId, note.roomId, note.themeId], [e.text, e.activityId, e.column.id, e.room?.id ?? null, e.theme?.id ?? null]);
  }
  assert.not.ok(text.includes(played.created.facilitatorKey));
  assert.not.ok(/facilitatorKey|keyHash|token/i.test(text));
});

exp('the ranking: most dots first, with counts, share and dots by kind of organisation', (ctx) => {
  const { ranking } = ctx.played;
  const md = ctx.files.md.toString('utf8');
  const bare = (text: string) => text.replace(/ L\d\dL$/, '');
  // Markdown as Word and print: the ranking in four columns, then dots by kind in a table of its own.
  const mdTable = (heading: string) =>
    md.split(`${heading}\n\n`)[1].split('\n\n')[0].split('\n').map((row) => row.split('|').slice(1, -1).map((c) => c.trim()));
  const [head, align, ...cells] = mdTable('### Resultat');
  assert.equal(head, ['Placering', 'Alternativ', 'Prickar', 'Andel']);
  assert.equal(align, ['---:', '---', '---:', '---:'], 'figures aligned right');
  assert.equal(cells.map((c) => [c[0], bare(c[1]), c[2]]), ranking.map((r, i) => [String(i + 1), r.text, String(r.votes)]));
  assert.equal(cells.map((c) => c[3].replace(/\s/g, ' ')), ['38 %', '31 %', '23 %', '8 %']);
  const [mdKindHead, , ...mdKinds] = mdTable(`#### ${BY_KIND}`);
  assert.equal(mdKindHead, ['Alternativ', 'Kommun', 'Region', 'Brukarrepresentant', 'Annan']);
  assert.equal(mdKinds.map((c) => [bare(c[0]), c[1], c[2]]), ranking.map((r) => [r.text, r.kommun, r.region]));
  assert.ok(md.indexOf(`#### ${BY_KIND}`) > md.indexOf('### Resultat'), 'dots by kind after the ranking');
  const csv = parseCsv(ctx.files.csv.toString('utf8')).filter((r) => r[0].startsWith('4. '));
  assert.equal(csv.map((r) => [bare(r[4]), r[6]]), ranking.map((r) => [r.text, String(r.votes)]));
  const docx = docxParagraphs(ctx.files.docx).map((p) => p.text);
  // Word: the ranking in four columns, then dots by kind in a table of its own (every kind voted here).
  const at = docx.indexOf('Resultat');
  assert.equal(docx.slice(at + 1, at + 5), ['Placering', 'Alternativ', 'Prickar', 'Andel']);
  const rows = ranking.map((_, i) => docx.slice(at + 5 + 4 * i, at + 9 + 4 * i));
  assert.equal(rows.map((c) => [c[0], bare(c[1]), c[2]]), ranking.map((r, i) => [String(i + 1), r.text, String(r.votes)]));
  const kinds = docx.indexOf(BY_KIND, at);
  assert.is(kinds, at + 5 + 4 * ranking.length, 'dots by kind straight after the ranking');
  assert.equal(docx.slice(kinds + 1, kinds + 6), ['Alternativ', 'Kommun', 'Region', 'Brukarrepresentant', 'Annan']);
  const byKind = ranking.map((_, i) => docx.slice(kinds + 6 + 5 * i, kinds + 11 + 5 * i));
  assert.equal(byKind.map((c) => [bare(c[0]), c[1], c[2]]), ranking.map((r) => [r.text, r.kommun, r.region]));
});

exp('hostile notes come out as inert text in every format', (ctx) => {
  const md = ctx.files.md.toString('utf8');
  assert.not.ok(/(^|[^\\])[<>[\]]/m.test(md.replace(/^#+ |^\|.*\|$/gm, '')), 'markdown has an unescaped < > [ ]');
  assert.not.ok(/(^|[^\\])<(script|img)|\]\(|!\[/i.test(md), 'markdown has a tag, link or image');
  const html = ctx.files.html.toString('utf8');
  assert.not.ok(/<script|<img|<a[\s>]|<iframe/i.test(html), 'html has a live tag');
  assert.not.ok(/<[a-z][^>]*\s(on\w+|src|href)=/i.test(html), 'html has a live attribute');
  for (const h of HOSTILE.slice(0, 2)) assert.ok(html.includes(h.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')));
  const csv = parseCsv(ctx.files.csv.toString('utf8')).flat();
  for (const h of ['=HYPERLINK', '+cmd', '@SUM', '=1+1']) {
    assert.ok(csv.some((c) => c.startsWith(`'${h}`)), `csv: ${h} not neutralised`);
    assert.not.ok(csv.some((c) => c.startsWith(h)), `csv: ${h} still a formula`);
  }
  const xml = unzip(ctx.files.docx).get('word/document.xml')!.toString('utf8');
  assert.not.ok(/<w:hyperlink|<w:drawing|r:embed|<w:fldSimple|<w:instrText/.test(xml));
  const texts = docxParagraphs(ctx.files.docx).map((p) => p.text).join('\n');
  for (const h of HOSTILE) assert.ok(texts.includes(h), `docx: ${h} not as plain text`);
});

exp('names=0 leaves every participant name out of every format', async (ctx) => {
  for (const f of FORMATS) {
    const body = await download(ctx, f, '?names=0');
    const text = f === 'docx' ? docxParagraphs(body).map((p) => p.text).join('\n') : body.toString('utf8');
    for (const who of PEOPLE) assert.not.ok(text.includes(who.name), `${f} names ${who.name}`);
  }
  const md = (await download(ctx, 'md', '?names=0')).toString('utf8');
  assert.ok(md.includes('### Region\n\n- **Region Kalmar län:** 2 deltagare'));
});

exp('only the facilitator key opens it: 401 without, 403 wrong key, 404 unknown; nothing leaks', async (ctx) => {
  const { id } = ctx.played.created;
  const other = await (await fetch(`${ctx.srv.url}/api/workshops`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title":"Annan"}' })).json();
  const cases: Array<[string, string | null, number]> = [
    [`${id}/summary.md`, null, 401],
    [`${id}/summary.docx`, 'not-the-key', 403],
    [`${id}/summary.json`, other.facilitatorKey, 403],
    [`nosuchworkshop1/summary.md`, ctx.played.created.facilitatorKey, 404],
    [`${id}/summary.pdf`, ctx.played.created.facilitatorKey, 404],
  ];
  for (const [path, key, status] of cases) {
    const res = await get(ctx, path, key);
    const body = await res.text();
    assert.is(res.status, status, path);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.not.ok(body.includes('samverkan') || body.includes('L01L') || body.includes(PEOPLE[0].name), `${path} leaks`);
  }
  const basic = await fetch(`${ctx.srv.url}/api/workshops/${id}/summary.md`, { headers: { authorization: 'Basic eDp5' } });
  assert.is(basic.status, 401);
  assert.is(basic.headers.get('www-authenticate'), 'Bearer');
});

exp.run();
