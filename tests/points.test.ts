// 100 poäng: each participant shares out a budget over the options; the result is each option's
// points in all and per respondent, overall and by kind of organisation, never a figure of a kind
// with fewer than 3 respondents. Pure: the rules (decide), the record (apply) and the tally.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as v from 'valibot';
import { Command } from '../shared/schema.ts';
import { ORG_KINDS, type OrgKind, type Workshop } from '../shared/workshop/model.ts';
import { pointsTally, type PointsResult } from '../shared/workshop/points.ts';
import { projection, view, viewEvent } from '../shared/workshop/view.ts';
import { MIN_KIND_VOTERS } from '../shared/workshop/voting.ts';
import { facilitator, joinedEvent, participant, projector, story, type Story } from './helpers/builders.ts';

const PTS = 'points-1';
const OPTIONS = ['opt-nara-vard', 'opt-barn-unga', 'opt-psykisk-halsa', 'opt-aldre'];

function points(budget?: number): Story {
  const s = story({ agenda: [{ kind: 'points', id: PTS }] });
  for (const noteId of OPTIONS) s.must(facilitator, { type: 'note.add', noteId, activityId: PTS, columnId: 'options', text: noteId });
  s.must(facilitator, { type: 'voting.start', activityId: PTS, dotsPerPerson: 1, maxPerOption: 1, ...(budget && { budget }) });
  return s;
}

const submit = (s: Story, id: string, given: number[]) =>
  s.try(participant(id), { type: 'points.submit', activityId: PTS, points: Object.fromEntries(given.map((p, i) => [OPTIONS[i], p])) });

const rules = suite('sharing out 100 points');

rules('every point of the budget goes to an option; totals and means per respondent', () => {
  const s = points();
  for (const [id, given] of [['p-anna01', [50, 30, 20, 0]], ['p-bertil', [40, 40, 0, 20]], ['p-cecili', [100, 0, 0, 0]]] as const) {
    s.record(joinedEvent(id, 'kommun'));
    assert.is(submit(s, id, [...given]), 'ok');
  }
  const result = pointsTally(s.state, PTS);
  assert.is(result.budget, 100);
  assert.is(result.respondents, 3);
  assert.equal(result.options.map((o) => [o.optionId, o.total, o.mean, o.rank]), [
    [OPTIONS[0], 190, 63.33, 1],
    [OPTIONS[1], 70, 23.33, 2],
    [OPTIONS[2], 20, 6.67, 3],
    [OPTIONS[3], 20, 6.67, 3],
  ]);
  assert.equal(result.options[0].byKind, { kommun: 63.33, region: 0, brukarrepresentant: 0, annan: 0 });
});

rules('more or fewer points than the budget, or points on what is no option, are refused', () => {
  const s = points(10);
  s.record(joinedEvent('p-anna01'));
  assert.is(submit(s, 'p-anna01', [5, 4, 0, 0]), 'invalid');
  assert.is(submit(s, 'p-anna01', [5, 6, 0, 0]), 'invalid');
  assert.is(s.try(participant('p-anna01'), { type: 'points.submit', activityId: PTS, points: { 'opt-okand': 10 } }), 'invalid');
  const negative = { id: 'cmd-negative-1', type: 'points.submit', activityId: PTS, points: { [OPTIONS[0]]: -5, [OPTIONS[1]]: 15 } };
  assert.not.ok(v.safeParse(Command, negative).success, 'no negative points on the wire');
  assert.is(submit(s, 'p-anna01', [5, 5, 0, 0]), 'ok');
  assert.is(pointsTally(s.state, PTS).budget, 10);
});

rules('a facilitator gives no points; nobody does once it is closed; nobody adds options or dots', () => {
  const s = points();
  s.record(joinedEvent('p-anna01'));
  assert.is(s.try(facilitator, { type: 'points.submit', activityId: PTS, points: { [OPTIONS[0]]: 100 } }), 'forbidden');
  assert.is(s.note(participant('p-anna01'), 'note-mitt-eget', PTS, 'Mitt förslag', 'options'), 'forbidden');
  assert.is(s.try(participant('p-anna01'), { type: 'vote.cast', activityId: PTS, optionId: OPTIONS[0], delta: 1 }), 'not_found');
  s.must(facilitator, { type: 'voting.close', activityId: PTS });
  assert.is(submit(s, 'p-anna01', [100, 0, 0, 0]), 'voting_closed');
});

rules('points are secret: others and the projector never see them; results only once shown', () => {
  const s = points();
  for (const id of ['p-anna01', 'p-bertil']) s.record(joinedEvent(id));
  assert.is(submit(s, 'p-anna01', [25, 25, 25, 25]), 'ok');
  const event = s.log.at(-1)!.event;
  assert.is(viewEvent(s.state, event, participant('p-bertil')), null);
  assert.is(viewEvent(s.state, event, projector), null);
  assert.equal(view(s.state, projector).ballots[PTS], {});
  assert.is(projection(s.state).points?.[PTS], undefined);
  s.must(facilitator, { type: 'results.reveal', activityId: PTS, revealed: true });
  assert.is(projection(s.state).points?.[PTS]?.options[0].total, 25);
  assert.is(projection(s.state).results[PTS], undefined, 'never tallied as dots');
});

const props = suite('the points tally, whoever answers');

/** Four numbers summing to 100. */
const SHARE = fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 })).map(([a, b, c]) => {
  const [x, y, z] = [a, b, c].sort((p, q) => p - q);
  return [x, y - x, z - y, 100 - z];
});
const CROWD = fc.array(fc.record({ kind: fc.constantFrom<OrgKind>(...ORG_KINDS), given: SHARE, before: fc.option(SHARE, { nil: undefined }) }), { maxLength: 14 });
const idsFor = (n: number) => Array.from({ length: n }, (_, i) => `p-person-${String(i).padStart(3, '0')}`);

function answered(crowd: Array<{ kind: OrgKind; given: number[]; before?: number[] }>, ids: string[]): Workshop {
  const s = points();
  crowd.forEach((p, i) => {
    s.record(joinedEvent(ids[i], p.kind));
    if (p.before) submit(s, ids[i], p.before);
  });
  crowd.forEach((p, i) => submit(s, ids[i], p.given));
  return s.state;
}
const sorted = (r: PointsResult) => ({ ...r, options: [...r.options].sort((a, b) => (a.optionId < b.optionId ? -1 : 1)) });

props('the same answers in any order, from anyone, give the same result', () => {
  fc.assert(
    fc.property(CROWD.chain((c) => fc.tuple(fc.constant(c), fc.shuffledSubarray(c.map((_, i) => i), { minLength: c.length, maxLength: c.length }))), ([crowd, perm]) => {
      const a = pointsTally(answered(crowd, idsFor(crowd.length)), PTS);
      const b = pointsTally(answered(perm.map((i) => crowd[i]), idsFor(crowd.length).reverse()), PTS);
      assert.equal(sorted(a), sorted(b));
    }),
    { numRuns: 60 },
  );
});

props('a changed answer counts once, as its last share-out; the totals add up to the budgets', () => {
  fc.assert(
    fc.property(CROWD, (crowd) => {
      const changed = pointsTally(answered(crowd, idsFor(crowd.length)), PTS);
      assert.equal(changed, pointsTally(answered(crowd.map(({ kind, given }) => ({ kind, given })), idsFor(crowd.length)), PTS));
      assert.is(changed.options.reduce((a, o) => a + o.total, 0), 100 * crowd.length);
      assert.is(changed.respondents, crowd.length);
    }),
    { numRuns: 60 },
  );
});

props('no kind with 1 or 2 respondents ever has a figure, nor do the held-back kinds hold 1 or 2 together', () => {
  fc.assert(
    fc.property(CROWD, (crowd) => {
      const result = pointsTally(answered(crowd, idsFor(crowd.length)), PTS);
      const count = (k: OrgKind) => crowd.filter((p) => p.kind === k).length;
      for (const k of ORG_KINDS) {
        const shown = result.respondentsByKind[k];
        if (count(k) > 0 && count(k) < MIN_KIND_VOTERS) assert.is(shown, 'fewerThan3');
        for (const o of result.options) assert.is(typeof o.byKind[k] === 'number', typeof shown === 'number');
      }
      const heldBack = ORG_KINDS.filter((k) => typeof result.respondentsByKind[k] !== 'number').reduce((a, k) => a + count(k), 0);
      const someShown = ORG_KINDS.some((k) => typeof result.respondentsByKind[k] === 'number' && count(k) > 0);
      assert.ok(!someShown || heldBack === 0 || heldBack >= MIN_KIND_VOTERS, `held back together: ${heldBack}`);
    }),
    { numRuns: 150 },
  );
});

rules.run();
props.run();
