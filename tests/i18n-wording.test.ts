// The Swedish as these groups write it (issue 16, point 11): one word for the breakout groups, dots
// called prickar, the document called minnesanteckningar, one name for the projector view, Swedish
// quotation marks; and the exported minutes say "Grupp 1", not "Grupp: Grupp 1".
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sv } from '../shared/i18n/sv.ts';
import { svStaff } from '../shared/i18n/sv-staff.ts';
import { en } from '../shared/i18n/en.ts';
import { enStaff } from '../shared/i18n/en-staff.ts';
import { outline } from '../server/export/outline.ts';
import { renderMarkdown } from '../server/export/markdown.ts';
import { renderHtml } from '../server/export/html.ts';
import { renderDocx } from '../server/export/docx.ts';
import { facilitator, participant, story, T0 } from './helpers/builders.ts';
import { docxParagraphs } from './helpers/readers.ts';

const SV: Record<string, string> = { ...sv, ...svStaff };
const EN: Record<string, string> = { ...en, ...enStaff };

/** The Swedish values that match `pattern`, as "key: value" lines for the failure message. */
const matching = (pattern: RegExp) =>
  Object.entries(SV)
    .filter(([, value]) => pattern.test(value))
    .map(([key, value]) => `${key}: ${value}`);

test('breakout groups: "grupp" for the people, "grupprum" for the place, never a bare "rum"', () => {
  // A letter before or after is another word (grupprum, mötesrummet, rummets is caught below).
  assert.equal(matching(/(?<!\p{L})(rum|rummet|rummen|rummets|rums)(?!\p{L})/iu), [], 'a bare "rum"');
  assert.equal(matching(/Ditt rum|(?<!\p{L})rummen|smågrupp/iu), []);
  assert.is(SV['room.yours'], 'Din grupp');
  assert.is(SV['breakout.open'], 'Öppna grupprummen');
  assert.is(SV['breakout.close'], 'Stäng grupprummen och samla alla');
  assert.is(SV['breakout.defaultName'], 'Grupp {n}');
  assert.is(SV['export.room'], 'Grupp');
});

test('dots are "prickar", not "röster"', () => {
  assert.equal(matching(/(?<!\p{L})röster(na)?(?!\p{L})/iu), []);
  assert.is(SV['export.votes'], 'Prickar');
  assert.is(EN['export.votes'], 'Dots');
});

test('the lines the groups asked for', () => {
  assert.ok(SV['room.youReportHint'].startsWith('Du redovisar för helgruppen vad ni kom fram till.'), SV['room.youReportHint']);
  assert.is(SV['announcement.preset2'], 'Dags att runda av. Välj vad ni vill ta upp i helgruppen.');
  assert.is(SV['fac.stop'], 'Dölj för alla');
  assert.is(EN['fac.stop'], 'Hide from everyone');
  assert.equal(matching(/Pausa visningen/), []);
  assert.ok(SV['voting.inProgress'].includes('Resultatet visas när röstningen är klar'), SV['voting.inProgress']);
  assert.is(SV['note.placeholderAction'], 'Vad ska göras?');
});

test('the document is "minnesanteckningar"; "sammanfattning" is only an activity\'s or a group\'s', () => {
  assert.is(SV['exportPanel.open'], 'Minnesanteckningar');
  assert.is(EN['exportPanel.open'], 'Minutes');
  assert.equal(matching(/summering/i), []);
  // What the document is called wherever the UI points at it.
  for (const key of ['exportPanel.title', 'archive.closeMeans', 'archive.exportFirst', 'join.notice', 'summary.hint', 'next.fileHint'])
    assert.match(SV[key], /[Mm]innesanteckningar/, key);
});

test('one name for the projector view: "Projektorvy"', () => {
  assert.is(SV['fac.projectorLink'], 'Projektorvy');
  assert.is(EN['fac.projectorLink'], 'Projector view');
  assert.equal(matching(/storskärm|storbild/i), []);
  assert.equal(Object.entries(EN).filter(([, v]) => /the big screen/i.test(v)).map(([k]) => k), []);
});

test('Swedish quotation marks: ” ” in every Swedish value, never " “ „ or \'', () => {
  assert.equal(matching(/["“„'‘’]/), []);
  const unpaired = Object.entries(SV).filter(([, value]) => (value.match(/”/g) ?? []).length % 2 !== 0);
  assert.equal(unpaired.map(([key]) => key), []);
  assert.equal(matching(/\bt\.ex\./i), [], 'klarspråk: "till exempel", not "t.ex."');
  // English keeps to its own curly quotes too, so no value mixes the two kinds.
  assert.equal(Object.entries(EN).filter(([, v]) => /"/.test(v)).map(([k]) => k), []);
});

/** A meeting whose SWOT was discussed in two groups: one with the default name, one named. */
function grouped(language: 'sv' | 'en') {
  const s = story({ language, agenda: ['swot'] });
  for (const [id, name, organisation, orgKind] of [
    ['p-anna01', 'Anna', 'Nybro kommun', 'kommun'],
    ['p-ida001', 'Ida', 'Region Kalmar län', 'region'],
  ] as const)
    s.record({ type: 'participant.joined', participant: { id, name, organisation, orgKind, joinedAt: T0, removed: false } });
  const first = language === 'sv' ? 'Grupp 1' : 'Group 1';
  s.must(facilitator, {
    type: 'breakout.open',
    activityId: 'swot-1',
    assignment: 'manual',
    rooms: [
      { id: 'room-1', name: first, members: ['p-anna01'] },
      { id: 'room-2', name: 'Norra länet', members: ['p-ida001'] },
    ],
  });
  s.must(participant('p-anna01'), { type: 'note.add', noteId: 'note-a00001', activityId: 'swot-1', columnId: 's', text: 'Tillit', roomId: 'room-1' });
  s.must(participant('p-ida001'), { type: 'note.add', noteId: 'note-i00001', activityId: 'swot-1', columnId: 's', text: 'Närhet', roomId: 'room-2' });
  s.must(facilitator, { type: 'breakout.close', activityId: 'swot-1' });
  return outline(s.state, { includeNames: true });
}

test('the minutes head a group "Grupp 1", not "Grupp: Grupp 1"; a named group "Grupp: Norra länet"', async () => {
  const o = grouped('sv');
  const md = renderMarkdown(o);
  assert.ok(md.includes('\n### Grupp 1\n'), md);
  assert.ok(md.includes('\n### Grupp: Norra länet\n'), md);
  assert.not.ok(md.includes('Grupp: Grupp'), md);
  const html = renderHtml(o);
  assert.ok(html.includes('<h3>Grupp 1</h3>'), 'html: Grupp 1');
  assert.ok(html.includes('<h3>Grupp: Norra länet</h3>'), 'html: Grupp: Norra länet');
  const headings = docxParagraphs(await renderDocx(o)).filter((p) => p.style.startsWith('Heading')).map((p) => p.text);
  assert.ok(headings.includes('Grupp 1') && headings.includes('Grupp: Norra länet'), headings.join(' | '));
  assert.not.ok(headings.some((h) => h.startsWith('Grupp: Grupp')), headings.join(' | '));
  const en = renderMarkdown(grouped('en'));
  assert.ok(en.includes('\n### Group 1\n') && en.includes('\n### Group: Norra länet\n'), en);
});

test.run();
