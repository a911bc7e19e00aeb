// The pure core: what a facilitator and participants may do (decide), how the record folds
// (apply), what each viewer sees (view), the wire schema, templates and dictionaries.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { Command, parseCommand } from '../shared/schema.ts';
import { AGENDA_TEMPLATES, makeActivity, optionalColumns } from '../shared/templates.ts';
import { DICTIONARIES, type MessageKey } from '../shared/i18n/index.ts';
import { sv } from '../shared/i18n/sv.ts';
import { svStaff } from '../shared/i18n/sv-staff.ts';
import { en } from '../shared/i18n/en.ts';
import { enStaff } from '../shared/i18n/en-staff.ts';
import { apply, applyInPlace, fold, noteCount } from '../shared/workshop/apply.ts';
import { decide, isFacilitatorOnly } from '../shared/workshop/decide.ts';
import type { Sequenced, WorkshopEvent } from '../shared/workshop/events.ts';
import { deliveries, personalView, sharedRoomOf, sharedView, view, viewEvent, type Audience } from '../shared/workshop/view.ts';
import {
  FACILITATOR_ID,
  notesOf,
  roomOf,
  type Actor,
  type Viewer,
  type Workshop,
} from '../shared/workshop/model.ts';
import {
  T0,
  command,
  createdEvent,
  facilitator,
  history,
  joinedEvent,
  outcome,
  participant,
  projector,
  story,
  workshop,
  type CommandInput,
} from './helpers/builders.ts';

const ANNA = 'p-anna';
const BERTIL = 'p-bertil';
const CECILIA = 'p-cecilia';
const anna = participant(ANNA);
const bertil = participant(BERTIL);
const cecilia = participant(CECILIA);
const columnTitles = (w: Workshop, activityId: string) =>
  w.activities.find((a) => a.id === activityId)!.columns.map((c) => c.title);

// ---------------------------------------------------------------------------------------------
const creating = suite('creating a workshop');

creating('the workshop.created event folds into an open workshop at seq 1', () => {
  const event = createdEvent({ agenda: ['swot', 'evaluation'] });
  const w = fold([{ seq: 1, event }])!;
  assert.is(w.seq, 1);
  assert.is(w.status, 'open');
  assert.is(w.title, 'LGS Kalmar län, våren');
  assert.equal(w.participants, {});
  assert.equal(w.notes, {});
  assert.equal(w.activities.map((a) => a.id), ['swot-1', 'evaluation-1']);
  assert.is(w.currentActivityId, 'swot-1');
});

creating('a history that does not start with workshop.created folds to nothing', () => {
  assert.is(fold([{ seq: 1, event: joinedEvent(ANNA) }]), null);
  assert.is(fold([]), null);
});

creating('participants who join are listed, not removed', () => {
  const w = workshop({ participants: [ANNA, BERTIL] });
  assert.equal(Object.keys(w.participants).sort(), [ANNA, BERTIL]);
  assert.is(w.participants[ANNA].removed, false);
  assert.is(w.seq, 3);
});

creating.run();

// ---------------------------------------------------------------------------------------------
const running = suite('a facilitator runs the workshop');

running('updates the title and place', () => {
  const s = story();
  s.must(facilitator, { type: 'workshop.update', info: { title: 'LGL Nybro', place: 'Stadshuset' } });
  assert.is(s.state.title, 'LGL Nybro');
  assert.is(s.state.place, 'Stadshuset');
  assert.is(s.state.purpose, 'Gemensam bild av läget');
});

running('closes and reopens the workshop; closing twice records nothing', () => {
  const s = story();
  assert.equal(s.must(facilitator, { type: 'workshop.close' }), [{ type: 'workshop.closed', at: s.now }]);
  assert.is(s.state.status, 'closed');
  assert.is(s.state.closedAt, s.now, 'the retention clock starts');
  assert.equal(s.must(facilitator, { type: 'workshop.close' }), []);
  s.must(facilitator, { type: 'workshop.reopen' });
  assert.is(s.state.status, 'open');
  assert.is(s.state.closedAt, null);
  assert.equal(s.must(facilitator, { type: 'workshop.reopen' }), []);
});

running('adds activities from templates in the workshop language, at the end or at an index', () => {
  const s = story({ language: 'en', agenda: ['swot'] });
  s.must(facilitator, { type: 'activity.add', activityId: 'eval-01', kind: 'evaluation' });
  s.must(facilitator, { type: 'activity.add', activityId: 'ideas-01', kind: 'brainstorm', questions: ['Why?', 'How?'], index: 0 });
  assert.equal(s.state.activities.map((a) => a.id), ['ideas-01', 'swot-1', 'eval-01']);
  assert.equal(columnTitles(s.state, 'ideas-01'), ['Why?', 'How?']);
  assert.is(s.state.activities[2].title, 'Evaluation');
});

running('an activity id already on the agenda is refused', () => {
  const s = story({ agenda: ['swot'] });
  assert.is(s.try(facilitator, { type: 'activity.add', activityId: 'swot-1', kind: 'actions' }), 'exists');
});

running('renames an activity, changes its columns and makes it named', () => {
  const s = story({ agenda: ['swot'] });
  s.must(facilitator, {
    type: 'activity.update',
    activityId: 'swot-1',
    title: 'Läget i länet',
    columns: [{ id: 's', title: 'Det som bär' }, { id: 'w', title: 'Svagheter' }],
    anonymous: false,
  });
  const swot = s.state.activities[0];
  assert.is(swot.title, 'Läget i länet');
  assert.equal(swot.columns.map((c) => c.id), ['s', 'w']);
  assert.is(swot.anonymous, false);
});

running('two columns with the same id are refused', () => {
  const s = story({ agenda: ['swot'] });
  const columns = [{ id: 's', title: 'A' }, { id: 's', title: 'B' }];
  assert.is(s.try(facilitator, { type: 'activity.update', activityId: 'swot-1', columns }), 'invalid');
});

running('moves an activity in the agenda', () => {
  const s = story({ agenda: ['swot', 'evaluation', 'actions'] });
  s.must(facilitator, { type: 'activity.move', activityId: 'actions-1', index: 0 });
  assert.equal(s.state.activities.map((a) => a.kind), ['actions', 'swot', 'evaluation']);
  s.must(facilitator, { type: 'activity.move', activityId: 'actions-1', index: 50 });
  assert.equal(s.state.activities.map((a) => a.kind), ['swot', 'evaluation', 'actions']);
});

running('focuses an activity, and nothing', () => {
  const s = story({ agenda: ['swot', 'evaluation'] });
  s.must(facilitator, { type: 'activity.focus', activityId: 'evaluation-1' });
  assert.is(s.state.currentActivityId, 'evaluation-1');
  assert.equal(s.must(facilitator, { type: 'activity.focus', activityId: 'evaluation-1' }), []);
  s.must(facilitator, { type: 'activity.focus', activityId: null });
  assert.is(s.state.currentActivityId, null);
  assert.is(s.try(facilitator, { type: 'activity.focus', activityId: 'nowhere-1' }), 'not_found');
});

running('locks and unlocks an activity', () => {
  const s = story({ agenda: ['swot'] });
  s.must(facilitator, { type: 'activity.lock', activityId: 'swot-1', locked: true });
  assert.is(s.state.activities[0].locked, true);
  assert.equal(s.must(facilitator, { type: 'activity.lock', activityId: 'swot-1', locked: true }), []);
  s.must(facilitator, { type: 'activity.lock', activityId: 'swot-1', locked: false });
  assert.is(s.state.activities[0].locked, false);
});

running('removing an activity drops its notes and clears it as current', () => {
  const s = story({ agenda: ['swot', 'evaluation'], participants: [ANNA] });
  assert.is(s.note(anna, 'note-swot-1', 'swot-1'), 'ok');
  assert.is(s.note(facilitator, 'note-eval-1', 'evaluation-1'), 'ok');
  s.must(facilitator, { type: 'activity.remove', activityId: 'swot-1' });
  assert.equal(s.state.activities.map((a) => a.id), ['evaluation-1']);
  assert.equal(Object.keys(s.state.notes), ['note-eval-1']);
  assert.is(s.state.currentActivityId, null);
});

running('removing an activity that is not current leaves the current one', () => {
  const s = story({ agenda: ['swot', 'evaluation'] });
  s.must(facilitator, { type: 'activity.remove', activityId: 'evaluation-1' });
  assert.is(s.state.currentActivityId, 'swot-1');
});

running('writes, edits, moves and deletes notes anywhere, even on a locked activity not current', () => {
  const s = story({ agenda: ['swot', 'evaluation'] });
  s.must(facilitator, { type: 'activity.lock', activityId: 'evaluation-1', locked: true });
  assert.is(s.note(facilitator, 'note-f-01', 'evaluation-1', 'Bra dag'), 'ok');
  assert.is(s.state.notes['note-f-01'].authorId, FACILITATOR_ID);
  s.must(facilitator, { type: 'note.edit', noteId: 'note-f-01', text: 'Mycket bra dag' });
  assert.is(s.state.notes['note-f-01'].text, 'Mycket bra dag');
  assert.is(s.note(facilitator, 'note-f-02', 'swot-1', 'Samverkan', 's'), 'ok');
  s.must(facilitator, { type: 'note.move', noteId: 'note-f-02', columnId: 'o' });
  assert.is(s.state.notes['note-f-02'].columnId, 'o');
  s.must(facilitator, { type: 'note.delete', noteId: 'note-f-01' });
  assert.equal(Object.keys(s.state.notes), ['note-f-02']);
});

running('removes a participant, once', () => {
  const s = story({ participants: [ANNA] });
  s.must(facilitator, { type: 'participant.remove', participantId: ANNA });
  assert.is(s.state.participants[ANNA].removed, true);
  assert.equal(s.must(facilitator, { type: 'participant.remove', participantId: ANNA }), []);
  assert.is(s.try(facilitator, { type: 'participant.remove', participantId: 'p-nobody' }), 'not_found');
});

running.run();

// ---------------------------------------------------------------------------------------------
const who = suite('who may do what');

const facilitatorOnly: CommandInput[] = [
  { type: 'workshop.update', info: { title: 'Mitt namn' } },
  { type: 'workshop.close' },
  { type: 'workshop.reopen' },
  { type: 'activity.add', activityId: 'eval-01', kind: 'evaluation' },
  { type: 'activity.update', activityId: 'swot-1', title: 'Min SWOT' },
  { type: 'activity.move', activityId: 'swot-1', index: 1 },
  { type: 'activity.remove', activityId: 'swot-1' },
  { type: 'activity.focus', activityId: null },
  { type: 'activity.lock', activityId: 'swot-1', locked: true },
  { type: 'participant.remove', participantId: BERTIL },
  { type: 'participant.update', participantId: BERTIL, orgKind: 'region' },
  { type: 'absentee.add', absenteeId: 'absent-eva1', name: 'Eva Ek', organisation: 'Region Kalmar län' },
  { type: 'absentee.remove', absenteeId: 'absent-eva1' },
  { type: 'breakout.open', activityId: 'swot-1', assignment: 'mixed', rooms: [{ id: 'room-01', name: 'Grupp 1', members: [] }] },
  { type: 'breakout.close', activityId: 'swot-1' },
  { type: 'room.move', activityId: 'swot-1', roomId: 'room-01', participantId: BERTIL },
  { type: 'timer.start', seconds: 600 },
  { type: 'timer.pause' },
  { type: 'timer.resume' },
  { type: 'timer.add', seconds: 60 },
  { type: 'timer.stop' },
  { type: 'announcement.send', text: '2 minuter kvar' },
  { type: 'announcement.clear' },
  { type: 'projector.focus', focus: null },
  { type: 'note.group', noteId: 'note-a-01', themeId: null },
  { type: 'theme.create', themeId: 'theme-01', activityId: 'swot-1', name: 'Kompetens', noteIds: [] },
  { type: 'theme.rename', themeId: 'theme-01', name: 'Kompetens' },
  { type: 'theme.delete', themeId: 'theme-01' },
  { type: 'voting.start', activityId: 'swot-1', dotsPerPerson: 3, maxPerOption: 2 },
  { type: 'voting.close', activityId: 'swot-1' },
  { type: 'voting.reopen', activityId: 'swot-1' },
  { type: 'results.reveal', activityId: 'swot-1', revealed: true },
  { type: 'options.import', activityId: 'swot-1', fromActivityId: 'swot-1', what: 'notes' },
  { type: 'scale.start', activityId: 'swot-1', max: 5, minLabel: '', maxLabel: '', dontKnow: false },
  { type: 'scale.change', activityId: 'swot-1', open: false },
  { type: 'wordcloud.start', activityId: 'swot-1', maxWords: 3, maxLength: 30 },
  { type: 'wordcloud.set', activityId: 'swot-1', open: false },
  { type: 'word.hide', activityId: 'swot-1', word: 'Tillit', hidden: true },
];

who('a participant is refused every facilitator-only command', () => {
  for (const input of facilitatorOnly) {
    const s = story({ agenda: ['swot', 'actions'], participants: [ANNA, BERTIL] });
    assert.ok(isFacilitatorOnly(input.type), input.type);
    assert.is(s.try(anna, input), 'forbidden', input.type);
    assert.is(s.state.seq, 3, `${input.type} changed nothing`);
  }
});

who('every command but notes and a participant’s own room is facilitator-only, each tried above', () => {
  const types = Command.options.map((o) => o.entries.type.literal);
  // room.join is self-select; room.update lets a room's reporter write its summary (tests/rooms).
  const participantTypes = (t: string) =>
    (t.startsWith('note.') && t !== 'note.group') || ['room.join', 'room.update', 'vote.cast', 'ranking.submit', 'points.submit', 'words.send', 'scale.answer'].includes(t);
  assert.equal(types.filter((t) => isFacilitatorOnly(t)), types.filter((t) => !participantTypes(t)));
  assert.equal(facilitatorOnly.map((c) => c.type).sort(), types.filter((t) => isFacilitatorOnly(t)).sort());
});

who('someone who never joined is refused as not_joined', () => {
  const s = story({ agenda: ['swot'], participants: [ANNA] });
  assert.is(s.note(participant('p-stranger'), 'note-x-01', 'swot-1'), 'not_joined');
  assert.is(s.try(participant('p-stranger'), { type: 'workshop.close' }), 'not_joined');
});

who('a removed participant can no longer write, edit or delete', () => {
  const s = story({ agenda: ['swot'], participants: [ANNA] });
  assert.is(s.note(anna, 'note-a-01', 'swot-1'), 'ok');
  s.must(facilitator, { type: 'participant.remove', participantId: ANNA });
  assert.is(s.note(anna, 'note-a-02', 'swot-1'), 'removed');
  assert.is(s.try(anna, { type: 'note.edit', noteId: 'note-a-01', text: 'Ändrad' }), 'removed');
  assert.is(s.try(anna, { type: 'note.delete', noteId: 'note-a-01' }), 'removed');
  assert.is(s.state.notes['note-a-01'].text, 'En lapp');
});

who('a closed workshop refuses participants but not the facilitator', () => {
  const s = story({ agenda: ['swot'], participants: [ANNA] });
  assert.is(s.note(anna, 'note-a-01', 'swot-1'), 'ok');
  s.must(facilitator, { type: 'workshop.close' });
  assert.is(s.note(anna, 'note-a-02', 'swot-1'), 'closed');
  assert.is(s.try(anna, { type: 'note.delete', noteId: 'note-a-01' }), 'closed');
  assert.is(s.try(facilitator, { type: 'note.edit', noteId: 'note-a-01', text: 'Rättat' }), 'ok');
  s.must(facilitator, { type: 'workshop.reopen' });
  assert.is(s.note(anna, 'note-a-02', 'swot-1'), 'ok');
});

who.run();

// ---------------------------------------------------------------------------------------------
const notes = suite('notes');

notes('a participant writes on the current, unlocked activity', () => {
  const s = story({ agenda: ['swot'], participants: [ANNA] });
  s.now = T0 + 60_000;
  assert.is(s.try(anna, { type: 'note.add', noteId: 'note-a-01', activityId: 'swot-1', columnId: 'o', text: '  Gemensam IT  ' }), 'ok');
  const note = s.state.notes['note-a-01'];
  assert.is(note.authorId, ANNA);
  assert.is(note.text, 'Gemensam IT');
  assert.is(note.columnId, 'o');
  assert.is(note.createdAt, T0 + 61_000);
  assert.is(note.order, s.state.seq, 'its place in posting order is the seq of its event');
});

notes('a participant cannot write on an activity that is not current', () => {
  const s = story({ agenda: ['swot', 'evaluation'], participants: [ANNA] });
  assert.is(s.note(anna, 'note-a-01', 'evaluation-1'), 'not_current');
  s.must(facilitator, { type: 'activity.focus', activityId: null });
  assert.is(s.note(anna, 'note-a-01', 'swot-1'), 'not_current');
});

notes('a participant cannot write on a locked activity', () => {
  const s = story({ agenda: ['swot'], participants: [ANNA] });
  s.must(facilitator, { type: 'activity.lock', activityId: 'swot-1', locked: true });
  assert.is(s.note(anna, 'note-a-01', 'swot-1'), 'locked');
});

notes("a participant cannot edit, move or delete another participant's note", () => {
  const s = story({ agenda: ['swot'], participants: [ANNA, BERTIL] });
  assert.is(s.note(anna, 'note-a-01', 'swot-1', 'Annas lapp', 's'), 'ok');
  assert.is(s.try(bertil, { type: 'note.edit', noteId: 'note-a-01', text: 'Bertils nu' }), 'forbidden');
  assert.is(s.try(bertil, { type: 'note.move', noteId: 'note-a-01', columnId: 'w' }), 'forbidden');
  assert.is(s.try(bertil, { type: 'note.delete', noteId: 'note-a-01' }), 'forbidden');
  assert.equal(s.state.notes['note-a-01'], { ...s.state.notes['note-a-01'], text: 'Annas lapp', columnId: 's' });
});

notes("a participant cannot change the facilitator's note", () => {
  const s = story({ agenda: ['swot'], participants: [ANNA] });
  assert.is(s.note(facilitator, 'note-f-01', 'swot-1'), 'ok');
  assert.is(s.try(anna, { type: 'note.delete', noteId: 'note-f-01' }), 'forbidden');
});

notes('a participant edits, moves and deletes their own note', () => {
  const s = story({ agenda: ['swot'], participants: [ANNA] });
  assert.is(s.note(anna, 'note-a-01', 'swot-1', 'Först', 's'), 'ok');
  assert.is(s.try(anna, { type: 'note.edit', noteId: 'note-a-01', text: 'Sedan' }), 'ok');
  assert.is(s.try(anna, { type: 'note.move', noteId: 'note-a-01', columnId: 't' }), 'ok');
  const note = s.state.notes['note-a-01'];
  assert.is(note.text, 'Sedan');
  assert.is(note.columnId, 't');
  assert.ok(note.updatedAt > note.createdAt);
  assert.is(s.try(anna, { type: 'note.delete', noteId: 'note-a-01' }), 'ok');
  assert.equal(s.state.notes, {});
});

notes('own notes freeze once the activity is locked or no longer current', () => {
  const s = story({ agenda: ['swot', 'evaluation'], participants: [ANNA] });
  assert.is(s.note(anna, 'note-a-01', 'swot-1'), 'ok');
  s.must(facilitator, { type: 'activity.lock', activityId: 'swot-1', locked: true });
  assert.is(s.try(anna, { type: 'note.edit', noteId: 'note-a-01', text: 'Sent' }), 'locked');
  s.must(facilitator, { type: 'activity.focus', activityId: 'evaluation-1' });
  assert.is(s.try(anna, { type: 'note.delete', noteId: 'note-a-01' }), 'not_current');
});

notes('a note id already used is refused as exists', () => {
  const s = story({ agenda: ['swot'], participants: [ANNA, BERTIL] });
  assert.is(s.note(anna, 'note-01', 'swot-1', 'Först'), 'ok');
  assert.is(s.note(bertil, 'note-01', 'swot-1', 'Kapning'), 'exists');
  assert.is(s.state.notes['note-01'].text, 'Först');
  assert.is(s.state.notes['note-01'].authorId, ANNA);
});

notes('a note in a column the activity does not have is refused', () => {
  const s = story({ agenda: ['swot'], participants: [ANNA] });
  assert.is(s.note(anna, 'note-a-01', 'swot-1', 'Fel', 'start'), 'not_found');
  assert.is(s.note(anna, 'note-a-01', 'swot-1', 'Rätt', 's'), 'ok');
  assert.is(s.try(anna, { type: 'note.move', noteId: 'note-a-01', columnId: 'nowhere' }), 'not_found');
  assert.is(s.try(anna, { type: 'note.edit', noteId: 'note-zz-99', text: 'Saknas' }), 'not_found');
});

notes('notes keep the order they were posted in', () => {
  const s = story({ agenda: ['swot'], participants: [ANNA, BERTIL] });
  for (const [i, actor] of [anna, bertil, anna].entries()) s.note(actor, `note-${i}-xx`, 'swot-1', `Lapp ${i}`);
  assert.equal(notesOf(s.state, 'swot-1').map((n) => n.text), ['Lapp 0', 'Lapp 1', 'Lapp 2']);
});

notes.run();

// ---------------------------------------------------------------------------------------------
const boards = suite('evaluation, next steps and columns');

boards('a participant leaves one evaluation comment; others still can', () => {
  const s = story({ agenda: ['evaluation'], participants: [ANNA, BERTIL] });
  assert.is(s.note(anna, 'note-a-01', 'evaluation-1', 'Bra'), 'ok');
  assert.is(s.note(anna, 'note-a-02', 'evaluation-1', 'Och en till'), 'one_per_person');
  assert.is(s.note(bertil, 'note-b-01', 'evaluation-1', 'Lärorikt'), 'ok');
  assert.is(s.note(facilitator, 'note-f-01', 'evaluation-1', 'Tack'), 'ok');
  assert.is(s.note(facilitator, 'note-f-02', 'evaluation-1', 'Igen'), 'ok');
});

boards('after deleting the evaluation comment a participant may write a new one', () => {
  const s = story({ agenda: ['evaluation'], participants: [ANNA] });
  assert.is(s.note(anna, 'note-a-01', 'evaluation-1', 'Bra'), 'ok');
  assert.is(s.try(anna, { type: 'note.delete', noteId: 'note-a-01' }), 'ok');
  assert.is(s.note(anna, 'note-a-02', 'evaluation-1', 'Bättre'), 'ok');
});

boards('a next step keeps its owner and due date when only its text is edited', () => {
  const s = story({ agenda: ['actions'], participants: [ANNA] });
  s.must(anna, { type: 'note.add', noteId: 'note-a-01', activityId: 'actions-1', columnId: 'actions', text: 'Skicka protokoll', owner: 'Kansliet', due: '2026-04-01' });
  assert.is(s.state.notes['note-a-01'].owner, 'Kansliet');
  assert.is(s.state.notes['note-a-01'].due, '2026-04-01');
  s.must(anna, { type: 'note.edit', noteId: 'note-a-01', text: 'Skicka protokoll till alla' });
  assert.equal(
    { ...s.state.notes['note-a-01'] },
    { ...s.state.notes['note-a-01'], text: 'Skicka protokoll till alla', owner: 'Kansliet', due: '2026-04-01' },
  );
  s.must(anna, { type: 'note.edit', noteId: 'note-a-01', text: 'Skicka protokoll', owner: 'Ordförande', due: '2026-04-15' });
  assert.is(s.state.notes['note-a-01'].owner, 'Ordförande');
  assert.is(s.state.notes['note-a-01'].due, '2026-04-15');
});

boards('a next step without owner or due date gets empty ones', () => {
  const s = story({ agenda: ['actions'] });
  assert.is(s.note(facilitator, 'note-f-01', 'actions-1', 'Boka lokal'), 'ok');
  assert.is(s.state.notes['note-f-01'].owner, '');
  assert.is(s.state.notes['note-f-01'].due, '');
});

boards('owner and due date are ignored outside next steps', () => {
  const s = story({ agenda: ['swot'] });
  s.must(facilitator, { type: 'note.add', noteId: 'note-f-01', activityId: 'swot-1', columnId: 's', text: 'Styrka', owner: 'Någon', due: '2026-04-01' });
  s.must(facilitator, { type: 'note.edit', noteId: 'note-f-01', text: 'Styrka!', owner: 'Någon', due: '2026-04-01' });
  assert.is(s.state.notes['note-f-01'].owner, undefined);
  assert.is(s.state.notes['note-f-01'].due, undefined);
});

boards('a column that holds notes cannot be removed; an empty one can', () => {
  const s = story({ agenda: ['swot'] });
  assert.is(s.note(facilitator, 'note-f-01', 'swot-1', 'Hot', 't'), 'ok');
  const keepT = [{ id: 's', title: 'Styrkor' }, { id: 't', title: 'Risker' }];
  const dropT = [{ id: 's', title: 'Styrkor' }, { id: 'w', title: 'Svagheter' }];
  assert.is(s.try(facilitator, { type: 'activity.update', activityId: 'swot-1', columns: dropT }), 'column_not_empty');
  assert.equal(columnTitles(s.state, 'swot-1'), ['Styrkor', 'Svagheter', 'Möjligheter', 'Hot']);
  assert.is(s.try(facilitator, { type: 'activity.update', activityId: 'swot-1', columns: keepT }), 'ok');
  assert.equal(columnTitles(s.state, 'swot-1'), ['Styrkor', 'Risker']);
});

boards.run();

// ---------------------------------------------------------------------------------------------
const schema = suite('the wire schema');

const noteAdd = (fields: Record<string, unknown> = {}) => ({
  id: 'cmd-000001', type: 'note.add', noteId: 'note-a-01', activityId: 'swot-1', columnId: 's', text: 'Hej', ...fields,
});

schema('a note with text is accepted, trimmed', () => {
  const parsed = parseCommand(noteAdd({ text: '  Hej  ' }));
  assert.ok(parsed.ok);
  assert.is(parsed.ok && parsed.value.type === 'note.add' && parsed.value.text, 'Hej');
});

schema('an empty or blank note is refused (an evaluation’s rating alone aside: rating-only.test.ts)', () => {
  const state = workshop({ agenda: ['swot'] });
  for (const text of ['', '   \n ']) {
    const parsed = parseCommand(noteAdd({ text }));
    assert.ok(parsed.ok, 'blank text is trimmed to nothing; whether that may stand is the activity’s to say');
    assert.equal(parsed.ok && decide(state, parsed.value, facilitator, { now: T0 }), { ok: false, error: 'invalid', detail: 'text' });
  }
});

schema('a note of 500 characters is accepted, 501 refused', () => {
  assert.ok(parseCommand(noteAdd({ text: 'å'.repeat(500) })).ok);
  const refused = parseCommand(noteAdd({ text: 'å'.repeat(501) }));
  assert.not.ok(refused.ok);
  assert.equal(refused.ok ? 'ok' : [refused.detail, refused.reason, refused.max], ['text', 'too_long', 500]);
});

schema('extra keys are refused, at the top and inside', () => {
  assert.not.ok(parseCommand(noteAdd({ authorId: 'p-bertil' })).ok);
  assert.not.ok(parseCommand({ id: 'cmd-000001', type: 'workshop.update', info: { status: 'closed' } }).ok);
  assert.not.ok(parseCommand({ id: 'cmd-000001', type: 'workshop.close', force: true }).ok);
});

schema('__proto__ keys are refused and pollute nothing', () => {
  for (const json of [
    '{"id":"cmd-000001","type":"workshop.close","__proto__":{"polluted":1}}',
    '{"id":"cmd-000001","type":"workshop.update","info":{"__proto__":{"polluted":1}}}',
    '{"id":"cmd-000001","type":"activity.update","activityId":"swot-1","columns":[{"id":"s","title":"S","__proto__":{"polluted":1}}]}',
  ]) {
    assert.not.ok(parseCommand(JSON.parse(json)).ok, json);
  }
  assert.is(({} as Record<string, unknown>).polluted, undefined);
});

schema('ids that name Object.prototype members are refused', () => {
  for (const id of ['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf']) {
    assert.not.ok(parseCommand(noteAdd({ noteId: id })).ok, `noteId ${id}`);
    assert.not.ok(parseCommand({ id: 'cmd-000001', type: 'participant.remove', participantId: id }).ok, id);
  }
});

schema('ids with bad characters or the wrong length are refused', () => {
  for (const bad of ['note a01', 'note/a01', 'nöte-a01', '<script>', 'note.a01', 'short', 'x'.repeat(41), '']) {
    assert.not.ok(parseCommand(noteAdd({ noteId: bad })).ok, `noteId ${JSON.stringify(bad)}`);
    assert.not.ok(parseCommand(noteAdd({ id: bad })).ok, `id ${JSON.stringify(bad)}`);
  }
  assert.not.ok(parseCommand(noteAdd({ columnId: 'a b' })).ok);
  assert.not.ok(parseCommand(noteAdd({ noteId: 42 })).ok);
});

schema('unknown command types and non-objects are refused', () => {
  for (const input of [null, undefined, 42, 'note.add', [], {}, { id: 'cmd-000001', type: 'note.steal' }])
    assert.not.ok(parseCommand(input).ok, JSON.stringify(input));
});

schema('parseCommand never throws, whatever it is given', () => {
  fc.assert(
    fc.property(fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withNullPrototype: true }), (input) => {
      const parsed = parseCommand(input);
      return parsed.ok === false || typeof parsed.value.type === 'string';
    }),
  );
});

schema('parseCommand never throws on near-misses of real commands', () => {
  const nearMiss = fc.record(
    {
      id: fc.oneof(fc.constant('cmd-000001'), fc.string()),
      type: fc.constantFrom('note.add', 'note.edit', 'activity.update', 'workshop.update', 'activity.add', '__proto__', 'toString'),
      noteId: fc.oneof(fc.constant('note-a-01'), fc.string(), fc.anything()),
      activityId: fc.oneof(fc.constant('swot-1'), fc.anything()),
      columnId: fc.oneof(fc.constant('s'), fc.anything()),
      text: fc.oneof(fc.string({ maxLength: 600 }), fc.anything()),
      info: fc.anything(),
      columns: fc.anything(),
    },
    { requiredKeys: ['type'] },
  );
  fc.assert(fc.property(nearMiss, (input) => typeof parseCommand(input).ok === 'boolean'));
});

schema.run();

// ---------------------------------------------------------------------------------------------
const templates = suite('templates');

templates('SWOT has Styrkor, Svagheter, Möjligheter, Hot in Swedish and is anonymous', () => {
  const swot = makeActivity('swot-01', 'swot', 'sv');
  assert.equal(swot.columns.map((c) => c.title), ['Styrkor', 'Svagheter', 'Möjligheter', 'Hot']);
  assert.is(swot.anonymous, true);
  assert.is(swot.locked, false);
});

templates('SWOT has Strengths, Weaknesses, Opportunities, Threats in English', () => {
  const swot = makeActivity('swot-01', 'swot', 'en');
  assert.equal(swot.columns.map((c) => c.title), ['Strengths', 'Weaknesses', 'Opportunities', 'Threats']);
  assert.equal(swot.columns.map((c) => c.id), makeActivity('swot-02', 'swot', 'sv').columns.map((c) => c.id));
});

templates('start-stop-continue has three columns, five with Göra mer av and Göra mindre av', () => {
  const plain = makeActivity('ssc-001', 'startStopContinue', 'sv');
  assert.equal(plain.columns.map((c) => c.title), ['Börja med', 'Sluta med', 'Fortsätta med']);
  const full = makeActivity('ssc-002', 'startStopContinue', 'sv', { withOptional: true });
  assert.equal(full.columns.map((c) => c.title), ['Börja med', 'Sluta med', 'Fortsätta med', 'Göra mer av', 'Göra mindre av']);
  assert.equal(optionalColumns(plain, 'sv').map((c) => c.title), ['Göra mer av', 'Göra mindre av']);
  assert.equal(optionalColumns(full, 'sv'), []);
});

templates('a brainstorm has a column per question, and a title of its own', () => {
  const a = makeActivity('idea-01', 'brainstorm', 'sv', { questions: ['Vad fungerar?', 'Vad saknas?'], title: '  Idéer om samverkan ' });
  assert.equal(a.columns, [{ id: 'q1', title: 'Vad fungerar?' }, { id: 'q2', title: 'Vad saknas?' }]);
  assert.is(a.title, 'Idéer om samverkan');
});

templates('the LGS agenda is SWOT, start-stop-continue, evaluation, next steps', () => {
  const w = workshop({ agenda: 'lgs' });
  assert.equal(w.activities.map((a) => a.kind), ['swot', 'startStopContinue', 'evaluation', 'actions']);
  assert.is(w.activities[1].columns.length, 5);
  assert.is(w.activities[3].title, svStaff['agenda.nextSteps']);
  assert.equal(AGENDA_TEMPLATES.map((t) => t.id), ['lgs']);
});

templates.run();

// ---------------------------------------------------------------------------------------------
const i18n = suite('dictionaries');

i18n('English has every Swedish key and no key Swedish lacks, in each part', () => {
  assert.equal(Object.keys(en).sort(), Object.keys(sv).sort(), 'phone part');
  assert.equal(Object.keys(enStaff).sort(), Object.keys(svStaff).sort(), 'staff part');
  assert.equal(Object.keys(DICTIONARIES.en).sort(), Object.keys(DICTIONARIES.sv).sort(), 'merged');
});

i18n('no string is empty in either language', () => {
  for (const [lang, dict] of Object.entries(DICTIONARIES))
    for (const [key, text] of Object.entries(dict)) assert.ok(text.trim().length > 0, `${lang} ${key}`);
});

i18n('English uses the same {placeholders} as Swedish', () => {
  const holes = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const [key, text] of Object.entries(DICTIONARIES.sv))
    assert.equal(holes(DICTIONARIES.en[key as MessageKey]), holes(text), key);
});

i18n.run();

// ---------------------------------------------------------------------------------------------
// Properties over random workshops: random commands from the facilitator, three participants
// and a stranger, with a participant joining now and then.

const AGENDA = ['swot', 'evaluation', 'actions'] as const;
const ACTIVITY_IDS = ['swot-1', 'evaluation-1', 'actions-1', 'act-aaa'];
const NOTE_IDS = ['note-01', 'note-02', 'note-03', 'note-04', 'note-05', 'note-06'];
const COLUMN_IDS = ['s', 's', 'w', 't', 'comments', 'comments', 'actions', 'start', 'q1', 'options', 'extra'];
const PARTICIPANTS = [ANNA, BERTIL, CECILIA];
const LATECOMER = 'p-david';

const actorArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Actor>(facilitator) },
  { weight: 6, arbitrary: fc.constantFrom<Actor>(anna, bertil, cecilia) },
  { weight: 1, arbitrary: fc.constantFrom<Actor>(participant(LATECOMER), participant('p-ghost')) },
);
const activityIdArb = fc.constantFrom(...ACTIVITY_IDS);
const noteIdArb = fc.constantFrom(...NOTE_IDS);
const columnIdArb = fc.constantFrom(...COLUMN_IDS);
const textArb = fc.constantFrom('Samverkan', 'Hot: budget', ' Tid ', 'IT');
const dateArb = fc.constantFrom('', '2026-04-01');
// Mostly a column the activity has, so that notes land; sometimes any column at all.
const columnOfArb = (activityId: string) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...({ 'swot-1': ['s', 'w', 't'], 'evaluation-1': ['comments'], 'actions-1': ['actions'] }[activityId] ?? COLUMN_IDS)) },
    { weight: 1, arbitrary: columnIdArb },
  );
const columnsArb = fc.uniqueArray(fc.record({ id: columnIdArb, title: textArb }), { minLength: 1, maxLength: 4, selector: (c) => c.id });

const commandArb: fc.Arbitrary<CommandInput> = fc.oneof(
  { weight: 10, arbitrary: activityIdArb.chain((activityId) => fc.record({ type: fc.constant('note.add' as const), noteId: noteIdArb, activityId: fc.constant(activityId), columnId: columnOfArb(activityId), text: textArb, owner: fc.option(textArb, { nil: undefined }), due: fc.option(dateArb, { nil: undefined }) }, { requiredKeys: ['type', 'noteId', 'activityId', 'columnId', 'text'] })) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('note.edit' as const), noteId: noteIdArb, text: textArb, owner: fc.option(textArb, { nil: undefined }) }, { requiredKeys: ['type', 'noteId', 'text'] }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('note.move' as const), noteId: noteIdArb, columnId: fc.constantFrom('s', 'w', 'o', 't', 'comments', 'extra') }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('note.delete' as const), noteId: noteIdArb }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('activity.focus' as const), activityId: fc.option(activityIdArb, { nil: null }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('activity.lock' as const), activityId: activityIdArb, locked: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('activity.add' as const), activityId: activityIdArb, kind: fc.constantFrom('brainstorm', 'swot', 'evaluation', 'actions', 'startStopContinue', 'ranking', 'points' as const), withOptional: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('activity.update' as const), activityId: activityIdArb, columns: fc.option(columnsArb, { nil: undefined }), anonymous: fc.option(fc.boolean(), { nil: undefined }) }, { requiredKeys: ['type', 'activityId'] }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('activity.move' as const), activityId: activityIdArb, index: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('activity.remove' as const), activityId: activityIdArb }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('participant.remove' as const), participantId: fc.constantFrom(...PARTICIPANTS, LATECOMER) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('participant.update' as const), participantId: fc.constantFrom(...PARTICIPANTS, LATECOMER), name: fc.option(textArb, { nil: undefined }), orgKind: fc.option(fc.constantFrom('kommun', 'region', 'brukarrepresentant', 'annan' as const), { nil: undefined }) }, { requiredKeys: ['type', 'participantId'] }) },
  { weight: 1, arbitrary: fc.constantFrom<CommandInput>({ type: 'workshop.close' }, { type: 'workshop.reopen' }) },
  // Breakout rooms: two rooms, some people placed, the rest placed by the rule.
  { weight: 2, arbitrary: fc.record({ type: fc.constant('breakout.open' as const), activityId: activityIdArb, assignment: fc.constantFrom('mixed', 'random', 'manual', 'selfSelect' as const), rooms: fc.constantFrom(0, 1).map((i) => [{ id: 'room-a', name: 'Grupp 1', members: i ? [ANNA] : [] }, { id: 'room-b', name: 'Grupp 2', members: i ? [BERTIL] : [] }]) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('breakout.close' as const), activityId: activityIdArb }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constantFrom('room.move' as const), activityId: activityIdArb, roomId: fc.constantFrom('room-a', 'room-b'), participantId: fc.constantFrom(...PARTICIPANTS, LATECOMER) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('room.join' as const), activityId: activityIdArb, roomId: fc.constantFrom('room-a', 'room-b') }) },
  // Silent brainstorming and dot voting.
  { weight: 2, arbitrary: fc.record({ type: fc.constant('activity.update' as const), activityId: activityIdArb, hidden: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('voting.start' as const), activityId: activityIdArb, dotsPerPerson: fc.integer({ min: 1, max: 3 }), maxPerOption: fc.integer({ min: 1, max: 2 }), live: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ type: fc.constant('vote.cast' as const), activityId: activityIdArb, optionId: noteIdArb, delta: fc.constantFrom(1, -1 as const) }) },
  // Rankings and 100 poäng: whole answers, right or wrong for the options there are.
  { weight: 2, arbitrary: fc.record({ type: fc.constant('ranking.submit' as const), activityId: activityIdArb, order: fc.shuffledSubarray(NOTE_IDS, { maxLength: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('points.submit' as const), activityId: activityIdArb, points: fc.shuffledSubarray(NOTE_IDS, { minLength: 1, maxLength: 2 }).map((ids) => (ids.length === 1 ? { [ids[0]]: 100 } : { [ids[0]]: 60, [ids[1]]: 40 })) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('results.reveal' as const), activityId: activityIdArb, revealed: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('theme.create' as const), themeId: fc.constantFrom('theme-1', 'theme-2'), activityId: activityIdArb, name: textArb, noteIds: fc.subarray(NOTE_IDS, { maxLength: 2 }) }) },
  { weight: 4, arbitrary: activityIdArb.chain((activityId) => fc.record({ type: fc.constant('note.add' as const), noteId: noteIdArb, activityId: fc.constant(activityId), columnId: columnOfArb(activityId), text: textArb, roomId: fc.constantFrom('room-a', 'room-b', null) })) },
);

type Step = { actor: Actor; command: CommandInput } | { join: true };
const stepsArb = fc.array(
  fc.oneof({ weight: 20, arbitrary: fc.record({ actor: actorArb, command: commandArb }) }, { weight: 1, arbitrary: fc.constant<Step>({ join: true }) }),
  { minLength: 1, maxLength: 60, size: 'max' },
);

interface Run {
  states: Workshop[];
  log: Sequenced[];
}

/** Play random steps through decide + apply; `check` sees every accepted event as it lands. */
function play(steps: Step[], check: (before: Workshop, event: WorkshopEvent, after: Workshop, actor: Actor | null) => void = () => {}): Run {
  const s = story({ agenda: [...AGENDA], participants: PARTICIPANTS });
  const states = [s.state];
  const land = (event: WorkshopEvent, actor: Actor | null) => {
    const before = s.state;
    s.record(event);
    check(before, event, s.state, actor);
    states.push(s.state);
  };
  for (const step of steps) {
    if ('join' in step) {
      if (!s.state.participants[LATECOMER]) land(joinedEvent(LATECOMER), null);
      continue;
    }
    const decision = decide(s.state, command(step.command), step.actor, { now: T0 + s.state.seq, makeActivity });
    if (decision.ok) for (const event of decision.events) land(event, step.actor);
  }
  return { states, log: s.log };
}

function assertInvariants(w: Workshop): void {
  const ids = w.activities.map((a) => a.id);
  assert.is(new Set(ids).size, ids.length, 'activity ids are unique');
  if (w.currentActivityId !== null) assert.ok(ids.includes(w.currentActivityId), 'current activity exists');
  for (const note of Object.values(w.notes)) {
    const activity = w.activities.find((a) => a.id === note.activityId);
    assert.ok(activity, `note ${note.id} belongs to an existing activity`);
    assert.ok(activity!.columns.some((c) => c.id === note.columnId), `note ${note.id} is in a column of ${activity!.id}`);
    assert.ok(note.authorId === FACILITATOR_ID || w.participants[note.authorId!], `note ${note.id} has a known author`);
    assert.ok(note.order > 0 && note.order <= w.seq, 'order is the seq of the event that added it');
  }
}

const properties = suite('properties of the core');

properties('applying the same events again changes nothing: apply is idempotent by seq', () => {
  fc.assert(
    fc.property(stepsArb, fc.nat(), (steps, cut) => {
      const { log } = play(steps);
      const once = fold(log)!;
      assert.equal(fold([...log, ...log]), once);
      // A client catching up with an overlap re-applies some events it already has.
      const from = cut % log.length;
      const overlap = log.slice(from).reduce((w, { seq, event }) => apply(w, event, seq), once);
      assert.equal(overlap, once);
    }),
  );
});

properties('random commands from random people never throw and keep the workshop whole', () => {
  fc.assert(
    fc.property(stepsArb, (steps) => {
      const removed = new Set<string>();
      const { states } = play(steps, (before, event, _after, actor) => {
        if (actor?.role === 'participant') {
          assert.not.ok(before.participants[actor.participantId]?.removed, 'a removed participant changed something');
          assert.is(before.status, 'open', 'a participant changed a closed workshop');
        }
        if (event.type === 'note.added' && event.note.authorId) assert.not.ok(removed.has(event.note.authorId), 'note by a removed participant');
        if (event.type === 'participant.removed') removed.add(event.participantId);
      });
      states.forEach(assertInvariants);
    }),
  );
});

properties("a participant never sees another participant's name on a note of an anonymous activity", () => {
  fc.assert(
    fc.property(stepsArb, (steps) => {
      for (const w of play(steps).states) {
        for (const viewer of [...[...PARTICIPANTS, LATECOMER].map(participant), projector]) {
          const me = viewer.role === 'participant' ? viewer.participantId : null;
          for (const note of Object.values(view(w, viewer).notes)) {
            // Written anonymously stays anonymous, even once the activity is no longer.
            const anonymous = w.activities.find((a) => a.id === note.activityId)!.anonymous || !!w.notes[note.id].anonymous;
            if (anonymous) assert.ok(note.authorId === null || note.authorId === me, `${me ?? 'projector'} sees ${note.authorId}`);
            else assert.is(note.authorId, w.notes[note.id].authorId);
          }
        }
      }
    }),
  );
});

const VIEWERS: Viewer[] = [facilitator, anna, bertil, participant(LATECOMER), projector];

properties('a viewer folding what viewEvent sends them holds exactly view(state)', () => {
  fc.assert(
    fc.property(stepsArb, (steps) => {
      const initial = fold(history({ agenda: [...AGENDA], participants: PARTICIPANTS }))!;
      const seen = new Map(VIEWERS.map((v) => [v, view(initial, v)]));
      play(steps, (_before, event, after) => {
        const out = deliveries(after, event);
        for (const viewer of VIEWERS) {
          const resync = out.some((d) => 'resync' in d && receives(after, d.to, viewer));
          const seenEvent = viewEvent(after, event, viewer);
          let mine = seen.get(viewer)!;
          if (resync) mine = view(after, viewer);
          else if (seenEvent) mine = apply(mine, seenEvent, after.seq);
          // A viewer who is not told of an event (another room's note) is behind only in seq.
          assert.equal({ ...mine, seq: after.seq }, view(after, viewer), `${event.type} for ${JSON.stringify(viewer)}`);
          seen.set(viewer, mine);
        }
      });
    }),
  );
});

function receives(state: Workshop, audience: Audience, viewer: Viewer): boolean {
  switch (audience.kind) {
    case 'everyone':
      return true;
    case 'facilitators':
      return viewer.role === 'facilitator';
    case 'public':
      return viewer.role === 'public' || (viewer.role === 'participant' && viewer.participantId !== audience.except);
    case 'room': {
      if (viewer.role !== 'participant' || viewer.participantId === audience.except) return false;
      const breakout = state.activities.find((a) => a.breakout?.open)?.breakout;
      return roomOf(breakout, viewer.participantId)?.id === audience.roomId;
    }
    case 'participant':
      return viewer.role === 'participant' && viewer.participantId === audience.participantId;
  }
}

properties('deliveries give the facilitator, the author, another participant and the projector each exactly their viewEvent', () => {
  fc.assert(
    fc.property(stepsArb, (steps) => {
      play(steps, (_before, event, after) => {
        const author = event.type === 'note.added' ? event.note.authorId : null;
        const other = PARTICIPANTS.find((p) => p !== author)!;
        const audience: Viewer[] = [facilitator, participant(other), projector];
        if (author && author !== FACILITATOR_ID) audience.push(participant(author));
        const out = deliveries(after, event);
        for (const viewer of audience) {
          const got = out.filter((d) => receives(after, d.to, viewer));
          const resyncs = got.filter((d) => 'resync' in d);
          const events = got.filter((d) => !('resync' in d));
          const who = `${event.type}: ${JSON.stringify(viewer)}`;
          assert.ok(resyncs.length <= 1 && events.length <= 1, `${who} gets at most one of each`);
          if (resyncs.length) {
            assert.is.not(viewer.role, 'facilitator', 'facilitators get events, not resyncs');
            continue; // a fresh view supersedes the event
          }
          const expected = viewEvent(after, event, viewer);
          if (!expected) assert.is(events.length, 0, `${who} must not hear of it`);
          else assert.equal('event' in events[0] ? events[0].event : null, expected, who);
        }
      });
    }),
  );
});

properties('an anonymous note reaches its author with their name and everyone else without', () => {
  const s = story({ agenda: ['swot'], participants: [ANNA, BERTIL] });
  const [event] = s.must(anna, { type: 'note.add', noteId: 'note-a-01', activityId: 'swot-1', columnId: 's', text: 'Hemligt' });
  const authorOf = (v: Viewer) => {
    const e = viewEvent(s.state, event, v);
    return e?.type === 'note.added' ? e.note.authorId : 'not a note';
  };
  assert.is(authorOf(facilitator), ANNA);
  assert.is(authorOf(anna), ANNA);
  assert.is(authorOf(bertil), null);
  assert.is(authorOf(projector), null);
  assert.is(view(s.state, bertil).notes['note-a-01'].authorId, null);
  assert.is(outcome(decide(s.state, command({ type: 'note.delete', noteId: 'note-a-01' }), bertil, { now: T0 })), 'forbidden');
});

properties('in place or by copy, apply gives the same workshop and counts its notes right', () => {
  fc.assert(
    fc.property(stepsArb, (steps) => {
      const { log } = play(steps);
      let copied: Workshop | null = null;
      let inPlace: Workshop | null = null;
      for (const { seq, event } of log) {
        copied = copied ? apply(copied, event, seq) : fold([{ seq, event }]);
        inPlace = inPlace ? applyInPlace(inPlace, event, seq) : fold([{ seq, event }]);
        assert.is(noteCount(copied!), Object.keys(copied!.notes).length);
        assert.is(noteCount(inPlace!), Object.keys(inPlace!.notes).length);
      }
      assert.equal(inPlace, copied);
      assert.equal(fold(log), copied, 'fold (in place) equals the copying fold');
    }),
    { numRuns: 150 },
  );
});

properties("a snapshot built from its room's shared view equals view(state, viewer)", () => {
  const viewers: Viewer[] = [anna, bertil, cecilia, participant(LATECOMER), { role: 'public' }];
  fc.assert(
    fc.property(stepsArb, (steps) => {
      const { states } = play(steps);
      for (const state of [states[Math.floor(states.length / 2)], states.at(-1)!]) {
        const own = (id: string) => Object.values(state.notes).filter((n) => n.authorId === id).map((n) => n.id);
        for (const viewer of viewers) {
          const id = viewer.role === 'participant' ? viewer.participantId : null;
          const shared = sharedView(state, id ? sharedRoomOf(state, id) : null);
          assert.equal(personalView(state, shared, viewer, id ? own(id) : []), view(state, viewer), JSON.stringify(viewer));
        }
      }
    }),
    { numRuns: 150 },
  );
});

properties.run();
