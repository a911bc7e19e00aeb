// Minutes as these groups write them, in every format: Närvarande under Kommuner / Region /
// Brukarrepresentanter / Övriga, "Anmält förhinder", each activity's introduction with its links
// (http(s) only, nothing else live), the next meeting's date, time and place, a CSV that opens
// with the title and date and ranks each option, and the document named "Minnesanteckningar".
// A workshop is played over real sockets and downloaded the way the facilitator does.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { nextMeeting, readArchive } from '../shared/archive.ts';
import { linkify } from '../shared/links.ts';
import type { CreatedWorkshop } from '../shared/protocol.ts';
import type { OrgKind } from '../shared/workshop/model.ts';
import { createWorkshop, facilitator, participant, type TestClient } from './helpers/clients.ts';
import { docxParagraphs, parseCsv, unzip } from './helpers/readers.ts';
import { startServer, type TestServer } from './helpers/server.ts';

const TITLE = 'LGS Kalmar län';
const LINK = 'https://example.org/samverkansplan-2024.pdf';
/** The seed workshop's opening: who presents, the slides and the plan, and what must stay text. */
const INTRO = `Föredragande: Mattias Ask och Sofia Hartz.\nSamverkansplanen (${LINK}). Inte en länk: javascript:alert(1) <b>fet</b>`;
const PEOPLE: Array<{ name: string; organisation: string; orgKind: OrgKind }> = [
  { name: 'Anna Nilsson', organisation: 'Nybro kommun', orgKind: 'kommun' },
  { name: 'Bertil Ask', organisation: 'Kalmar kommun', orgKind: 'kommun' },
  { name: 'Cecilia Frid', organisation: 'Region Kalmar län', orgKind: 'region' },
  { name: 'Ingrid Karlsson', organisation: 'NSPH Kalmar län', orgKind: 'brukarrepresentant' },
  { name: 'Lars Wilhelmsson', organisation: 'Kommunförbundet', orgKind: 'annan' },
];
const OPTIONS = ['Nära vård', 'Barn och unga', 'Psykisk hälsa'];

interface Ctx {
  srv: TestServer;
  created: CreatedWorkshop;
  clients: TestClient[];
  files: Record<string, { body: Buffer; name: string }>;
  unnamed: Record<string, string>;
}

async function download(ctx: Ctx, format: string, query = '') {
  const res = await fetch(`${ctx.srv.url}/api/workshops/${ctx.created.id}/summary.${format}${query}`, {
    headers: { authorization: `Bearer ${ctx.created.facilitatorKey}` },
  });
  assert.is(res.status, 200, format);
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? '';
  return { body: Buffer.from(await res.arrayBuffer()), name };
}

const must = async (client: TestClient, command: Record<string, unknown>) => {
  const ack = await client.command(command);
  assert.ok(ack.ok, `${command.type}: ${JSON.stringify(ack)}`);
};

const exp = suite<Ctx>('the minutes in every format');

exp.before(async (ctx) => {
  ctx.srv = await startServer();
  ctx.created = await createWorkshop(ctx.srv.url, {
    title: TITLE,
    date: '2026-03-12',
    place: 'Kalmar',
    agenda: [{ kind: 'swot', title: 'Läget i länet' }, { kind: 'prioritise', title: 'Vad ska vi prioritera?' }, { kind: 'decisions' }],
  });
  const fac = await facilitator(ctx.srv.url, ctx.created);
  const people = [];
  for (const p of PEOPLE) people.push(await participant(ctx.srv.url, ctx.created.id, p));
  ctx.clients = [fac, ...people];
  const [swot, prio, decisions] = fac.state!.activities;
  await must(fac, { type: 'activity.update', activityId: swot.id, intro: INTRO });
  await must(fac, { type: 'activity.update', activityId: decisions.id, intro: `Underlag: ${LINK}` });
  await must(fac, { type: 'note.add', noteId: 'decision-01', activityId: decisions.id, columnId: decisions.columns[0].id, text: 'Styrdokumentet antas.' });
  await must(fac, { type: 'workshop.update', info: { nextMeeting: { date: '2026-05-15', start: '13:00', end: '16:00', place: 'Regionens hus' } } });
  await must(fac, { type: 'absentee.add', absenteeId: 'absent-eva1', name: 'Eva Ek', organisation: 'Region Kalmar län' });
  await must(fac, { type: 'absentee.add', absenteeId: 'absent-olle', name: 'Olle Ås', organisation: 'Torsås kommun' });
  // A vote: 3, 2 and 0 dots, so the ranks are 1, 2, 3.
  for (const [i, text] of OPTIONS.entries())
    await must(fac, { type: 'note.add', noteId: `option-0${i}`, activityId: prio.id, columnId: prio.columns[0].id, text });
  await must(fac, { type: 'activity.focus', activityId: prio.id });
  await must(fac, { type: 'voting.start', activityId: prio.id, dotsPerPerson: 1, maxPerOption: 1 });
  for (const [i, p] of people.entries()) await must(p, { type: 'vote.cast', activityId: prio.id, optionId: i < 3 ? 'option-00' : 'option-01', delta: 1 });
  ctx.files = {};
  for (const format of ['md', 'html', 'docx', 'csv', 'json']) ctx.files[format] = await download(ctx, format);
  ctx.unnamed = {};
  for (const format of ['md', 'html', 'csv', 'json']) ctx.unnamed[format] = (await download(ctx, format, '?names=0')).body.toString('utf8');
});
exp.after(async (ctx) => {
  ctx.clients.forEach((c) => c.close());
  await ctx.srv.close();
});

exp('the files are named Minnesanteckningar; the JSON stays the workshop’s data', ({ files }) => {
  for (const f of ['md', 'html', 'docx', 'csv']) assert.is(files[f].name, `minnesanteckningar-lgs-kalmar-lan-2026-03-12.${f}`);
  assert.is(files.json.name, 'lgs-kalmar-lan-2026-03-12.json');
});

exp('markdown: Närvarande by kind, apologies, the introduction with its link, the next meeting', ({ files }) => {
  const md = files.md.body.toString('utf8');
  const attendance = md.slice(md.indexOf('## Närvarande'), md.indexOf('## Anmält förhinder'));
  assert.ok(attendance.length > 0, 'Anmält förhinder follows Närvarande');
  assert.ok(
    attendance.includes(
      '### Kommuner\n\n- **Kalmar kommun:** Bertil Ask\n- **Nybro kommun:** Anna Nilsson\n\n### Region\n\n- **Region Kalmar län:** Cecilia Frid\n\n' +
        '### Brukarrepresentanter\n\n- **NSPH Kalmar län:** Ingrid Karlsson\n\n### Övriga\n\n- **Kommunförbundet:** Lars Wilhelmsson',
    ),
    attendance,
  );
  assert.not.ok(/\((Kommun|Region|Brukarrepresentant|Annan)\)/.test(md), 'no "(Kommun)" after an organisation');
  assert.ok(md.includes('## Anmält förhinder\n\n- Eva Ek, Region Kalmar län\n- Olle Ås, Torsås kommun\n'));
  // The introduction right under its heading: the address an autolink, the rest inert text.
  const swot = md.slice(md.indexOf('## 1. Läget i länet'));
  assert.ok(swot.startsWith(`## 1. Läget i länet\n\nFöredragande: Mattias Ask och Sofia Hartz.  \nSamverkansplanen \\(<${LINK}>\\). Inte en länk: javascript:alert\\(1\\) \\<b\\>fet\\</b\\>\n`), swot.slice(0, 300));
  assert.is(md.split(`<${LINK}>`).length - 1, 2, 'both introductions link the plan');
  assert.not.ok(/\]\(|<javascript|<b>/i.test(md), 'no other link, no HTML');
  assert.ok(md.includes(`## Beslut\n\nUnderlag: <${LINK}>\n`), 'the decisions’ introduction');
  assert.ok(md.trimEnd().endsWith('## Nästa möte\n\n**Datum:** fredag 15 maj 2026  \n**Tid:** kl. 13.00–16.00  \n**Plats:** Regionens hus'), md.slice(-200));
});

exp('html: the same parts; links only to http(s), opened apart; the page titled Minnesanteckningar', ({ files }) => {
  const html = files.html.body.toString('utf8');
  assert.ok(html.includes(`<title>Minnesanteckningar: ${TITLE}</title>`));
  const attendance = /<section class="attendance">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';
  const kinds = [...attendance.matchAll(/<h3>([^<]*)<\/h3>/g)].map((m) => m[1]);
  assert.equal(kinds, ['Kommuner', 'Region', 'Brukarrepresentanter', 'Övriga']);
  assert.ok(attendance.includes('<li><strong>Nybro kommun:</strong> Anna Nilsson</li>'));
  assert.ok(html.includes('<section class="absent"><h2>Anmält förhinder</h2><ul><li>Eva Ek, Region Kalmar län</li><li>Olle Ås, Torsås kommun</li></ul></section>'));
  const anchors = [...html.matchAll(/<a\b[^>]*>/g)].map((m) => m[0]);
  assert.equal(anchors, Array(2).fill(`<a href="${LINK}" rel="noopener noreferrer" target="_blank">`));
  assert.ok(html.includes('Inte en länk: javascript:alert(1) &lt;b&gt;fet&lt;/b&gt;'), 'the rest is escaped text');
  assert.ok(html.includes(`(<a href="${LINK}" rel="noopener noreferrer" target="_blank">${LINK}</a>).`), 'the bracket and dot stay outside the link');
  const next = /<section class="next-meeting">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';
  assert.ok(next.includes('<dt>Datum</dt><dd><span class="text">fredag 15 maj 2026</span></dd>'), next);
  assert.ok(next.includes('kl. 13.00–16.00') && next.includes('Regionens hus'));
});

exp('docx: headings by kind, apologies, the next meeting, and the plan as a Word link', ({ files }) => {
  const paragraphs = docxParagraphs(files.docx.body);
  const texts = paragraphs.map((p) => p.text);
  const at = (text: string) => texts.indexOf(text);
  for (const kind of ['Kommuner', 'Region', 'Brukarrepresentanter', 'Övriga'])
    assert.is(paragraphs[at(kind)]?.style, 'Heading2', kind);
  assert.ok(at('Kommuner') < at('Kalmar kommun: Bertil Ask') && at('Region') < at('Region Kalmar län: Cecilia Frid'));
  assert.ok(at('Anmält förhinder') > at('Övriga') && texts.includes('Eva Ek, Region Kalmar län'));
  assert.ok(texts.includes(INTRO), 'the introduction reads as written');
  assert.ok(texts.includes('Datum: fredag 15 maj 2026') && texts.includes('Tid: kl. 13.00–16.00') && texts.includes('Plats: Regionens hus'));
  const entries = unzip(files.docx.body);
  const rels = entries.get('word/_rels/document.xml.rels')!.toString('utf8');
  const targets = [...rels.matchAll(/Target="([^"]+)" TargetMode="External"/g)].map((m) => m[1]);
  assert.equal(targets, [LINK, LINK], 'the two introductions link the plan, and nothing else links');
  const xml = entries.get('word/document.xml')!.toString('utf8');
  assert.is((xml.match(/<w:hyperlink /g) ?? []).length, 2);
  assert.ok(/<dc:title>Minnesanteckningar: LGS Kalmar län<\/dc:title>/.test(entries.get('docProps/core.xml')!.toString('utf8')));
});

exp('csv: the title and date first, then the table; each option’s dots with its rank', ({ files }) => {
  const rows = parseCsv(files.csv.body.toString('utf8'));
  const width = rows[rows.length - 1].length;
  assert.ok(rows.every((r) => r.length === width), 'every row has as many cells');
  const pairs = rows.slice(0, 6).map((r) => r.slice(0, 2));
  assert.equal(pairs, [
    ['Minnesanteckningar', TITLE],
    ['Datum', '2026-03-12'],
    ['Plats', 'Kalmar'],
    ['Nästa möte', 'fredag 15 maj 2026, kl. 13.00–16.00, Regionens hus'],
    ['Anmält förhinder', 'Eva Ek, Region Kalmar län; Olle Ås, Torsås kommun'],
    ['', ''],
  ]);
  const header = rows[6];
  assert.equal(header.slice(0, 5), ['Aktivitet', 'Grupp', 'Kolumn', 'Tema', 'Text']);
  const votes = header.indexOf('Placering') - 1;
  assert.ok(votes > 0 && header[votes] !== 'Placering', 'the rank stands right after the dots');
  const text = header.indexOf('Text');
  const options = rows.slice(7).filter((r) => r[0] === '2. Vad ska vi prioritera?');
  assert.equal(options.map((r) => [r[text], r[votes], r[votes + 1]]), [['Nära vård', '3', '1'], ['Barn och unga', '2', '2'], ['Psykisk hälsa', '0', '3']]);
  const intro = rows.find((r) => r[0] === '1. Läget i länet' && r[header.indexOf('Kolumn')] === 'Inledning');
  assert.is(intro?.[text], INTRO);
});

exp('json: the archive keeps them, and the next meeting planned from it starts on that date and place', ({ files }) => {
  const read = readArchive(JSON.parse(files.json.body.toString('utf8')));
  assert.ok(read.ok);
  if (!read.ok) return;
  const w = read.archive.workshop as unknown as { nextMeeting: unknown; absentees: unknown; activities: Array<{ intro?: string }> };
  assert.equal(w.nextMeeting, { date: '2026-05-15', start: '13:00', end: '16:00', place: 'Regionens hus' });
  assert.equal(w.absentees, [
    { id: 'absent-eva1', name: 'Eva Ek', organisation: 'Region Kalmar län' },
    { id: 'absent-olle', name: 'Olle Ås', organisation: 'Torsås kommun' },
  ]);
  assert.is(w.activities[0].intro, INTRO);
  const next = nextMeeting(read.archive.workshop);
  assert.equal([next.date, next.place], ['2026-05-15', 'Regionens hus']);
});

exp('without names: no one’s name, the absentees by organisation', ({ unnamed }) => {
  for (const [format, text] of Object.entries(unnamed)) {
    for (const who of [...PEOPLE.map((p) => p.name), 'Eva Ek', 'Olle Ås']) assert.not.ok(text.includes(who), `${format} names ${who}`);
    assert.ok(text.includes('Torsås kommun'), `${format} keeps the organisation`);
  }
  assert.ok(unnamed.md.includes('## Anmält förhinder\n\n- Region Kalmar län\n- Torsås kommun\n'));
  assert.ok(unnamed.md.includes('- **Nybro kommun:** 1 deltagare'));
});

exp('in English: the same parts in English words and times', async ({ srv }) => {
  const created = await createWorkshop(srv.url, { title: 'Joint leadership', language: 'en', date: '2026-03-12', agenda: [{ kind: 'brainstorm' }] });
  const fac = await facilitator(srv.url, created);
  const anna = await participant(srv.url, created.id, { name: 'Anna', organisation: 'Nybro kommun', orgKind: 'kommun' });
  try {
    await must(fac, { type: 'workshop.update', info: { nextMeeting: { date: '2026-05-15', start: '09:30', place: 'Kalmar' } } });
    await must(fac, { type: 'absentee.add', absenteeId: 'absent-eva1', name: 'Eva Ek' });
    const res = await fetch(`${srv.url}/api/workshops/${created.id}/summary.md`, { headers: { authorization: `Bearer ${created.facilitatorKey}` } });
    assert.match(res.headers.get('content-disposition') ?? '', /filename="minutes-joint-leadership-2026-03-12\.md"/);
    const md = await res.text();
    assert.ok(md.includes('## Present\n\n### Municipalities\n\n- **Nybro kommun:** Anna'));
    assert.ok(md.includes('## Apologies\n\n- Eva Ek\n'));
    assert.ok(md.includes('## Next meeting\n\n**Date:** Friday, 15 May 2026  \n**Time:** 09:30  \n**Place:** Kalmar'));
  } finally {
    fac.close();
    anna.close();
  }
});

exp('a rating on its own reads ”Betyg: 5 – Mycket bra” in every format, never an empty line', async ({ srv }) => {
  const created = await createWorkshop(srv.url, { title: 'LGS Kalmar län', agenda: [{ kind: 'evaluation' }] });
  const fac = await facilitator(srv.url, created);
  const anna = await participant(srv.url, created.id, PEOPLE[0]);
  const bertil = await participant(srv.url, created.id, PEOPLE[1]);
  try {
    const evaluation = fac.state!.activities[0];
    await must(fac, { type: 'activity.focus', activityId: evaluation.id });
    const columnId = evaluation.columns[0].id;
    await must(anna, { type: 'note.add', noteId: 'rating-anna', activityId: evaluation.id, columnId, text: '', rating: 5 });
    await must(bertil, { type: 'note.add', noteId: 'rating-bert', activityId: evaluation.id, columnId, text: 'Bra dag', rating: 4 });
    const get = async (format: string) => {
      const res = await fetch(`${srv.url}/api/workshops/${created.id}/summary.${format}`, { headers: { authorization: `Bearer ${created.facilitatorKey}` } });
      assert.is(res.status, 200, format);
      return Buffer.from(await res.arrayBuffer());
    };
    const author = (name: string) => (evaluation.anonymous ? '' : ` — ${name}`);

    const md = (await get('md')).toString('utf8');
    assert.ok(md.includes(`\n- Betyg: 5 – Mycket bra${author('Anna Nilsson')}\n`), md);
    assert.ok(md.includes(`\n- Bra dag (Betyg: 4 – Bra)${author('Bertil Ask')}\n`), md);
    assert.not.ok(/^- \(|\(Betyg \d\)/m.test(md), 'no "- (Betyg 5)"');

    const html = (await get('html')).toString('utf8');
    const authorHtml = (name: string) => (evaluation.anonymous ? '' : ` <span class="author">— ${name}</span>`);
    assert.ok(html.includes(`<li><span class="rating">Betyg: 5 – Mycket bra</span>${authorHtml('Anna Nilsson')}</li>`), html);
    assert.ok(html.includes(`<li><span class="text">Bra dag</span> <span class="meta">(Betyg: 4 – Bra)</span>${authorHtml('Bertil Ask')}</li>`));
    assert.not.ok(html.includes('<span class="text"></span>'), 'no empty text');

    const texts = docxParagraphs(await get('docx')).map((p) => p.text);
    assert.ok(texts.includes(`Betyg: 5 – Mycket bra${author('Anna Nilsson')}`), texts.join('\n'));
    assert.ok(texts.includes(`Bra dag (Betyg: 4 – Bra)${author('Bertil Ask')}`));

    // The CSV keeps the rating a figure in its own column, for a spreadsheet to average.
    const rows = parseCsv((await get('csv')).toString('utf8'));
    const header = rows.find((r) => r[0] === 'Aktivitet')!;
    const rated = rows.filter((r) => r[header.indexOf('Betyg')] !== '' && r[0] !== 'Aktivitet');
    assert.equal(rated.map((r) => [r[header.indexOf('Text')], r[header.indexOf('Betyg')]]), [['', '5'], ['Bra dag', '4']]);
  } finally {
    for (const c of [fac, anna, bertil]) c.close();
  }
});

const links = suite('links in an introduction');

links('only http(s) addresses with a host become links; the text around them stays as written', () => {
  const text = 'Se https://example.org/plan.pdf, (https://x.se/a_(b)) och http://y.se/?q=1&r=2! Inte: javascript:alert(1) ftp://z.se https:// nyhttps://w.se';
  const found = linkify(text).filter((s) => 'href' in s);
  assert.equal(found, [
    { text: 'https://example.org/plan.pdf', href: 'https://example.org/plan.pdf' },
    { text: 'https://x.se/a_(b)', href: 'https://x.se/a_(b)' },
    { text: 'http://y.se/?q=1&r=2', href: 'http://y.se/?q=1&r=2' },
  ]);
  assert.is(linkify(text).map((s) => s.text).join(''), text, 'nothing is lost or added');
  assert.equal(linkify('Inga länkar här.'), [{ text: 'Inga länkar här.' }]);
  assert.equal(linkify(''), []);
  // Quotes and angle brackets end an address: it can never carry markup into an attribute.
  assert.equal(linkify('<a href="https://e.se/x">'), [{ text: '<a href="' }, { text: 'https://e.se/x', href: 'https://e.se/x' }, { text: '">' }]);
});

links.run();
exp.run();
