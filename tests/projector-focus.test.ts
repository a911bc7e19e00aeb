// The projector's share of the shared state: the facilitator's focus on one column, theme or
// room (projector.focus → projector.focused), and how many have voted in an open vote, counted
// for the projector without saying who (`projection.voters`).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCommand } from '../shared/schema.ts';
import { deliveries, projection, view, viewEvent } from '../shared/workshop/view.ts';
import { facilitator, participant, projector, story } from './helpers/builders.ts';

const [ANNA, BO, CARIN] = ['p-anna', 'p-bo01', 'p-carin'];

const focus = suite('the projector in focus');

focus('the facilitator puts a column, a theme and a room in focus, and clears it', () => {
  const s = story({ agenda: ['swot', 'brainstorm'], participants: [ANNA, BO] });
  s.note(participant(ANNA), 'note-a-01', 'swot-1', 'Korta beslutsvägar', 's');
  s.must(facilitator, { type: 'theme.create', themeId: 'theme-01', activityId: 'swot-1', name: 'Kompetens', noteIds: ['note-a-01'] });

  const column = { activityId: 'swot-1', kind: 'column', id: 'w' } as const;
  assert.equal(s.must(facilitator, { type: 'projector.focus', focus: column }), [{ type: 'projector.focused', focus: column }]);
  assert.equal(s.state.projectorFocus, column);
  assert.equal(s.must(facilitator, { type: 'projector.focus', focus: column }), [], 'the same focus again is no event');

  const theme = { activityId: 'swot-1', kind: 'theme', id: 'theme-01' } as const;
  s.must(facilitator, { type: 'projector.focus', focus: theme });
  assert.equal(s.state.projectorFocus, theme);
  s.must(facilitator, { type: 'projector.focus', focus: null });
  assert.is(s.state.projectorFocus, null);
  assert.equal(s.must(facilitator, { type: 'projector.focus', focus: null }), [], 'nothing in focus stays so without an event');

  s.must(facilitator, { type: 'activity.focus', activityId: 'brainstorm-1' });
  const room = { id: 'room-01', name: 'Grupp 1', members: [ANNA] };
  s.must(facilitator, { type: 'breakout.open', activityId: 'brainstorm-1', assignment: 'manual', rooms: [room] });
  s.must(facilitator, { type: 'projector.focus', focus: { activityId: 'brainstorm-1', kind: 'room', id: 'room-01' } });
  assert.equal(s.state.projectorFocus, { activityId: 'brainstorm-1', kind: 'room', id: 'room-01' });
});

focus('only what exists can be in focus, and only the facilitator puts it there', () => {
  const s = story({ agenda: ['swot'], participants: [ANNA] });
  const to = (activityId: string, kind: 'column' | 'theme' | 'room', id: string) =>
    s.try(facilitator, { type: 'projector.focus', focus: { activityId, kind, id } });
  assert.is(to('nosuch-activity', 'column', 's'), 'not_found');
  assert.equal(s.run(facilitator, { type: 'projector.focus', focus: { activityId: 'swot-1', kind: 'column', id: 'x' } }), {
    ok: false,
    error: 'not_found',
    detail: 'column',
  });
  assert.is(to('swot-1', 'theme', 'theme-none'), 'not_found');
  assert.is(to('swot-1', 'column', 'constructor'), 'not_found', 'never a key of Object.prototype');
  const reserved = parseCommand({ id: 'cmd-proto-1', type: 'projector.focus', focus: { activityId: 'swot-1', kind: 'theme', id: 'constructor' } });
  assert.equal(reserved.ok ? 'ok' : reserved.detail, 'focus.id', 'a theme or room id is an Id');
  assert.is(to('swot-1', 'room', 'room-none1'), 'not_found', 'no rooms without a breakout');
  assert.is(s.try(participant(ANNA), { type: 'projector.focus', focus: null }), 'forbidden');
  assert.is(s.try(participant(ANNA), { type: 'projector.focus', focus: { activityId: 'swot-1', kind: 'column', id: 's' } }), 'forbidden');
  assert.is(s.state.projectorFocus, undefined, 'nothing changed');
});

focus('another activity on the screens, or the activity removed, clears the focus', () => {
  const s = story({ agenda: ['swot', 'brainstorm'], participants: [ANNA] });
  s.must(facilitator, { type: 'projector.focus', focus: { activityId: 'swot-1', kind: 'column', id: 'o' } });
  s.must(facilitator, { type: 'activity.focus', activityId: 'brainstorm-1' });
  assert.is(s.state.projectorFocus, null, 'coming back to the SWOT later shows all of it');
  s.must(facilitator, { type: 'projector.focus', focus: { activityId: 'brainstorm-1', kind: 'column', id: 'q1' } });
  s.must(facilitator, { type: 'activity.remove', activityId: 'brainstorm-1' });
  assert.is(s.state.projectorFocus, null);
});

focus('the focus reaches everyone as it is: it names a column, theme or room, nothing secret', () => {
  const s = story({ agenda: ['swot'], participants: [ANNA] });
  const [event] = s.must(facilitator, { type: 'projector.focus', focus: { activityId: 'swot-1', kind: 'column', id: 't' } });
  assert.equal(deliveries(s.state, event), [{ to: { kind: 'everyone' }, event }]);
  assert.equal(viewEvent(s.state, event, projector), event);
  assert.equal(view(s.state, projector).projectorFocus, { activityId: 'swot-1', kind: 'column', id: 't' });
});

const voted = suite('how many have voted, for the projector');

voted('an open vote counts the participants with a dot placed, never who or where', () => {
  const s = story({ agenda: ['prioritise'], participants: [ANNA, BO, CARIN] });
  for (const [i, text] of ['Nära vård', 'Barn och unga'].entries())
    s.must(facilitator, { type: 'note.add', noteId: `option-${i}-01`, activityId: 'prioritise-1', columnId: 'options', text });
  assert.equal(projection(s.state).voters, {}, 'no vote yet, nothing to count');
  s.must(facilitator, { type: 'voting.start', activityId: 'prioritise-1', dotsPerPerson: 3, maxPerOption: 2 });
  assert.equal(projection(s.state).voters, { 'prioritise-1': 0 });
  const cast = (who: string, option: number, delta: 1 | -1 = 1) =>
    s.must(participant(who), { type: 'vote.cast', activityId: 'prioritise-1', optionId: `option-${option}-01`, delta });
  cast(ANNA, 0);
  cast(ANNA, 1);
  cast(BO, 0);
  assert.equal(projection(s.state).voters, { 'prioritise-1': 2 }, 'two dots of one voter count once');
  cast(BO, 0, -1);
  assert.equal(projection(s.state).voters, { 'prioritise-1': 1 }, 'a voter who took every dot back has not voted');
  cast(CARIN, 1);
  s.must(facilitator, { type: 'participant.remove', participantId: CARIN });
  assert.equal(projection(s.state).voters, { 'prioritise-1': 1 }, 'someone removed no longer counts');
  s.must(facilitator, { type: 'voting.close', activityId: 'prioritise-1' });
  assert.equal(projection(s.state).voters, {}, 'a closed vote is not counted');
  assert.equal(projection(s.state).results, {}, 'and the count says nothing of the tally');
});

focus.run();
voted.run();
