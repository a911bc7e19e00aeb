// The summary's outline, pure: what goes where, whose name is shown, and in which language.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { outline } from '../server/export/outline.ts';
import type { OrgKind } from '../shared/workshop/model.ts';
import { facilitator, participant, story, T0, type Story } from './helpers/builders.ts';

const anna = participant('p-anna01');
const ida = participant('p-ida001');

function meeting(language: 'sv' | 'en' = 'sv'): Story {
  const s = story({
    language,
    agenda: ['swot', { kind: 'brainstorm', questions: ['Vad fungerar?', 'Vad saknas?'] }, 'decisions', 'evaluation', 'actions'],
  });
  const join = (id: string, name: string, organisation: string, orgKind: OrgKind) =>
    s.record({ type: 'participant.joined', participant: { id, name, organisation, orgKind, joinedAt: T0, removed: false } });
  join('p-anna01', 'Anna', 'Nybro kommun', 'kommun');
  join('p-ida001', 'Ida', 'Region Kalmar län', 'region');
  join('p-olle01', 'Olle', 'nybro kommun ', 'kommun');
  return s;
}

test('sections follow the agenda, numbered; decisions and next steps are parts of their own', () => {
  const s = meeting();
  s.must(facilitator, { type: 'note.add', noteId: 'note-dec001', activityId: 'decisions-1', columnId: 'decisions', text: 'Vi gör så' });
  s.must(facilitator, { type: 'note.add', noteId: 'note-act001', activityId: 'actions-1', columnId: 'actions', text: 'Plan', owner: 'LGS', due: '2026-04-01' });
  const o = outline(s.state, { includeNames: true });
  assert.equal(o.sections.map((x) => `${x.number}. ${x.title}`), ['1. SWOT', '2. Idéer', '3. Utvärdering']);
  assert.equal(o.sections[1].questions, ['Vad fungerar?', 'Vad saknas?']);
  assert.equal(o.decisions[0].items.map((n) => [n.text, n.author]), [['Vi gör så', 'Samtalsledare']]);
  assert.equal(o.nextSteps[0].items.map((n) => [n.what, n.who, n.when]), [['Plan', 'LGS', '2026-04-01']]);
  assert.equal(o.info.map((i) => i.label), ['Datum', 'Plats', 'Syfte', 'Mål']);
});

test('themes first with their notes, then the other notes by column; nothing dropped', () => {
  const s = meeting();
  s.note(anna, 'note-s00001', 'swot-1', 'Styrka', 's');
  s.note(ida, 'note-o00001', 'swot-1', 'Möjlighet', 'o');
  s.note(ida, 'note-t00001', 'swot-1', 'Hot', 't');
  s.must(facilitator, { type: 'theme.create', themeId: 'theme-0001', activityId: 'swot-1', name: 'Tillit', noteIds: ['note-s00001', 'note-o00001'] });
  const { board } = outline(s.state, { includeNames: true }).sections[0];
  assert.equal(board.themes.map((t) => [t.name, t.notes.map((n) => [n.text, n.column])]), [['Tillit', [['Styrka', 'Styrkor'], ['Möjlighet', 'Möjligheter']]]]);
  // Styrkor and Möjligheter went into the theme; Svagheter is simply empty.
  assert.equal(board.columns.map((c) => [c.title, c.notes.map((n) => n.text)]), [['Svagheter', []], ['Hot', ['Hot']]]);
});

test('authors only where the activity is not anonymous, and only with names', () => {
  const s = meeting();
  s.note(anna, 'note-s00001', 'swot-1', 'Anonym lapp', 's');
  s.must(facilitator, { type: 'activity.focus', activityId: 'brainstorm-1' });
  s.note(anna, 'note-q00001', 'brainstorm-1', 'Med namn', 'q1');
  const named = outline(s.state, { includeNames: true });
  assert.is(named.sections[0].board.columns[0].notes[0].author, null);
  assert.is(named.sections[1].board.columns[0].notes[0].author, 'Anna');
  const unnamed = outline(s.state, { includeNames: false });
  assert.is(unnamed.sections[1].board.columns[0].notes[0].author, null);
});

test('närvarande by kind and organisation; counts only when names are left out', () => {
  const s = meeting();
  const groups = (includeNames: boolean) =>
    outline(s.state, { includeNames }).attendance.groups.map((g) => [g.organisation, g.kindLabel, g.names, g.count]);
  assert.equal(groups(true), [['Nybro kommun', 'Kommun', ['Anna', 'Olle'], 2], ['Region Kalmar län', 'Region', ['Ida'], 1]]);
  assert.equal(groups(false), [['Nybro kommun', 'Kommun', [], 2], ['Region Kalmar län', 'Region', [], 1]]);
  assert.is(outline(s.state, { includeNames: false }).attendance.namesLeftOut, true);
});

test('voted-on notes are the ranking, not also the board; the evaluation has its average', () => {
  const s = meeting('en');
  s.must(facilitator, { type: 'activity.focus', activityId: 'brainstorm-1' });
  s.note(anna, 'note-a00001', 'brainstorm-1', 'A', 'q1');
  s.note(ida, 'note-b00001', 'brainstorm-1', 'B', 'q1');
  s.must(facilitator, { type: 'voting.start', activityId: 'brainstorm-1', dotsPerPerson: 3, maxPerOption: 3 });
  s.must(ida, { type: 'vote.cast', activityId: 'brainstorm-1', optionId: 'note-b00001', delta: 1 });
  s.must(anna, { type: 'vote.cast', activityId: 'brainstorm-1', optionId: 'note-b00001', delta: 1 });
  s.must(facilitator, { type: 'activity.focus', activityId: 'evaluation-1' });
  s.must(anna, { type: 'note.add', noteId: 'note-e00001', activityId: 'evaluation-1', columnId: 'comments', text: 'Bra', rating: 5 });
  s.must(ida, { type: 'note.add', noteId: 'note-e00002', activityId: 'evaluation-1', columnId: 'comments', text: 'Ok', rating: 4 });
  const o = outline(s.state, { includeNames: true });
  const ideas = o.sections[1];
  // One voter each from kommun and region: too few for either kind's figures.
  assert.equal(ideas.ranking!.map((r) => [r.rank, r.text, r.votes, r.share, r.byKind.map((k) => k.text)]), [
    [1, 'B', 2, '100%', ['fewer than 3', 'fewer than 3', '0', '0']],
    [2, 'A', 0, '0%', ['fewer than 3', 'fewer than 3', '0', '0']],
  ]);
  assert.equal(ideas.ranking![0].byKind.map((k) => k.votes), ['fewerThan3', 'fewerThan3', 0, 0]);
  assert.match(ideas.rankingNote!, /^Fewer than 3: fewer than three people/);
  assert.equal(ideas.board.columns.flatMap((c) => c.notes), []);
  assert.is(o.sections[2].rating, '4.5 of 5 (2 answers)');
  assert.is(o.labels.nextSteps, 'To do before the next meeting');
});

test.run();
