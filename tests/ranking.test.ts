// Ranking (rangordning): each participant puts the options in order; the result is the mean place,
// overall and by kind of organisation, never a figure of a kind with fewer than 3 respondents.
// Pure: the rules (decide), the record (apply) and the tally every screen and export shows.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { ORG_KINDS, type OrgKind, type Workshop } from '../shared/workshop/model.ts';
import { placesOf, rankingTally, type RankingResult } from '../shared/workshop/ranking.ts';
import { projection, view, viewEvent } from '../shared/workshop/view.ts';
import { MIN_KIND_VOTERS } from '../shared/workshop/voting.ts';
import { largestGap } from '../client/src/lib/kindGap.ts';
import { facilitator, joinedEvent, participant, projector, story, type Story } from './helpers/builders.ts';

const RANK = 'ranking-1';
const OPTIONS = ['opt-nara-vard', 'opt-barn-unga', 'opt-psykisk-halsa', 'opt-aldre'];

/** A ranking of four options, open. */
function ranking(live = false): Story {
  const s = story({ agenda: [{ kind: 'ranking', id: RANK }] });
  for (const noteId of OPTIONS) s.must(facilitator, { type: 'note.add', noteId, activityId: RANK, columnId: 'options', text: noteId });
  s.must(facilitator, { type: 'voting.start', activityId: RANK, dotsPerPerson: 1, maxPerOption: 1, live });
  return s;
}

const submit = (s: Story, id: string, order: string[]) => s.try(participant(id), { type: 'ranking.submit', activityId: RANK, order });

// ---------------------------------------------------------------------------------------------
const rules = suite('answering a ranking');

rules('an answer names every option once; the mean place is the average of the places given', () => {
  const s = ranking();
  for (const [i, id] of ['p-anna01', 'p-bertil', 'p-cecili'].entries()) {
    s.record(joinedEvent(id, 'kommun'));
    const order = i === 2 ? [OPTIONS[1], OPTIONS[0], OPTIONS[2], OPTIONS[3]] : OPTIONS;
    assert.is(submit(s, id, order), 'ok');
  }
  const result = rankingTally(s.state, RANK);
  assert.is(result.respondents, 3);
  assert.equal(
    result.options.map((o) => [o.optionId, o.mean, o.rank]),
    [[OPTIONS[0], 1.33, 1], [OPTIONS[1], 1.67, 2], [OPTIONS[2], 3, 3], [OPTIONS[3], 4, 4]],
  );
  assert.equal(result.options[0].byKind, { kommun: 1.33, region: 0, brukarrepresentant: 0, annan: 0 });
});

rules('an order missing an option, naming one twice or one that is not there is refused', () => {
  const s = ranking();
  s.record(joinedEvent('p-anna01'));
  assert.is(submit(s, 'p-anna01', OPTIONS.slice(1)), 'invalid');
  assert.is(submit(s, 'p-anna01', [OPTIONS[0], OPTIONS[0], OPTIONS[1], OPTIONS[2]]), 'invalid');
  assert.is(submit(s, 'p-anna01', [...OPTIONS.slice(1), 'opt-okand']), 'invalid');
  assert.is(rankingTally(s.state, RANK).respondents, 0);
});

rules('a facilitator does not answer; nobody answers once it is closed, or before it starts', () => {
  const s = story({ agenda: [{ kind: 'ranking', id: RANK }] });
  for (const noteId of OPTIONS) s.must(facilitator, { type: 'note.add', noteId, activityId: RANK, columnId: 'options', text: noteId });
  s.record(joinedEvent('p-anna01'));
  assert.is(submit(s, 'p-anna01', OPTIONS), 'not_found');
  s.must(facilitator, { type: 'voting.start', activityId: RANK, dotsPerPerson: 1, maxPerOption: 1 });
  assert.is(s.try(facilitator, { type: 'ranking.submit', activityId: RANK, order: OPTIONS }), 'forbidden');
  s.must(facilitator, { type: 'voting.close', activityId: RANK });
  assert.is(submit(s, 'p-anna01', OPTIONS), 'voting_closed');
});

rules('participants add no options, and place no dots on a ranking', () => {
  const s = ranking();
  s.record(joinedEvent('p-anna01'));
  assert.is(s.note(participant('p-anna01'), 'note-mitt-eget', RANK, 'Mitt förslag', 'options'), 'forbidden');
  assert.is(s.try(participant('p-anna01'), { type: 'vote.cast', activityId: RANK, optionId: OPTIONS[0], delta: 1 }), 'not_found');
});

rules('an option added after someone answered shares the places left in their answer', () => {
  assert.equal([...placesOf({ a: 2, b: 1 }, ['a', 'b', 'c', 'd'])], [['b', 1], ['a', 2], ['c', 3.5], ['d', 3.5]]);
  const s = ranking();
  for (const id of ['p-anna01', 'p-bertil', 'p-cecili']) {
    s.record(joinedEvent(id));
    submit(s, id, OPTIONS);
  }
  s.must(facilitator, { type: 'note.add', noteId: 'opt-nytt', activityId: RANK, columnId: 'options', text: 'Nytt' });
  const result = rankingTally(s.state, RANK);
  assert.is(result.options.find((o) => o.optionId === 'opt-nytt')!.mean, 5);
  assert.is(result.respondents, 3);
});

rules('an answer is secret: others and the projector never see it, only how many answered once shown', () => {
  const s = ranking();
  for (const id of ['p-anna01', 'p-bertil', 'p-cecili']) s.record(joinedEvent(id));
  s.must(participant('p-anna01'), { type: 'ranking.submit', activityId: RANK, order: OPTIONS });
  const event = s.log.at(-1)!.event;
  assert.is(event.type, 'ballot.set');
  assert.is(viewEvent(s.state, event, participant('p-bertil')), null);
  assert.is(viewEvent(s.state, event, projector), null);
  assert.equal(viewEvent(s.state, event, participant('p-anna01')), event);
  assert.equal(view(s.state, participant('p-bertil')).ballots[RANK], {});
  assert.equal(view(s.state, projector).ballots[RANK], {});
  assert.is(projection(s.state).rankings?.[RANK], undefined, 'no result before it is revealed');
  assert.is(projection(s.state).voters[RANK], 1);
  s.must(facilitator, { type: 'results.reveal', activityId: RANK, revealed: true });
  assert.is(projection(s.state).rankings?.[RANK]?.respondents, 1);
  assert.equal(projection(s.state).results[RANK], undefined, 'never tallied as dots');
});

// ---------------------------------------------------------------------------------------------
const props = suite('the tally, whoever answers');

const KINDS = fc.constantFrom<OrgKind>(...ORG_KINDS);
const ORDER = fc.shuffledSubarray(OPTIONS, { minLength: OPTIONS.length, maxLength: OPTIONS.length });
/** Respondents: a kind, an order, and perhaps an earlier order they changed. */
const CROWD = fc.array(fc.record({ kind: KINDS, order: ORDER, before: fc.option(ORDER, { nil: undefined }) }), { minLength: 0, maxLength: 14 });

function answered(crowd: Array<{ kind: OrgKind; order: string[]; before?: string[] }>, ids: string[]): Workshop {
  const s = ranking();
  crowd.forEach((p, i) => {
    s.record(joinedEvent(ids[i], p.kind));
    if (p.before) submit(s, ids[i], p.before);
  });
  crowd.forEach((p, i) => submit(s, ids[i], p.order));
  return s.state;
}

const idsFor = (n: number) => Array.from({ length: n }, (_, i) => `p-person-${String(i).padStart(3, '0')}`);
const sorted = (r: RankingResult) => ({ ...r, options: [...r.options].sort((a, b) => (a.optionId < b.optionId ? -1 : 1)) });

props('the same answers in any order, from anyone, give the same result', () => {
  fc.assert(
    fc.property(CROWD.chain((crowd) => fc.tuple(fc.constant(crowd), fc.shuffledSubarray(crowd.map((_, i) => i), { minLength: crowd.length, maxLength: crowd.length }))), ([crowd, perm]) => {
      const a = rankingTally(answered(crowd, idsFor(crowd.length)), RANK);
      const shuffled = perm.map((i) => crowd[i]);
      const b = rankingTally(answered(shuffled, idsFor(crowd.length).reverse()), RANK);
      assert.equal(sorted(a), sorted(b));
    }),
    { numRuns: 60 },
  );
});

props('a changed answer counts once, as its last order', () => {
  fc.assert(
    fc.property(CROWD, (crowd) => {
      const changed = rankingTally(answered(crowd, idsFor(crowd.length)), RANK);
      const lastOnly = rankingTally(answered(crowd.map((p) => ({ kind: p.kind, order: p.order })), idsFor(crowd.length)), RANK);
      assert.equal(changed, lastOnly);
      assert.is(changed.respondents, crowd.length);
    }),
    { numRuns: 60 },
  );
});

props('no kind with 1 or 2 respondents ever has a figure, nor do the held-back kinds hold 1 or 2 together', () => {
  fc.assert(
    fc.property(CROWD, (crowd) => {
      const result = rankingTally(answered(crowd, idsFor(crowd.length)), RANK);
      const count = (k: OrgKind) => crowd.filter((p) => p.kind === k).length;
      for (const k of ORG_KINDS) {
        const n = count(k);
        const shown = result.respondentsByKind[k];
        if (n > 0 && n < MIN_KIND_VOTERS) assert.is(shown, 'fewerThan3');
        for (const o of result.options) assert.is(typeof o.byKind[k] === 'number', typeof shown === 'number', 'the same kinds on every option');
        if (typeof shown === 'number') assert.is(shown, n);
      }
      const heldBack = ORG_KINDS.filter((k) => typeof result.respondentsByKind[k] !== 'number').reduce((a, k) => a + count(k), 0);
      // With no kind shown there is nothing to subtract from the overall: that is no kind's figure.
      const someShown = ORG_KINDS.some((k) => typeof result.respondentsByKind[k] === 'number' && count(k) > 0);
      assert.ok(!someShown || heldBack === 0 || heldBack >= MIN_KIND_VOTERS, `held back together: ${heldBack}`);
    }),
    { numRuns: 150 },
  );
});

props('the mean places add up to what places there are', () => {
  fc.assert(
    fc.property(CROWD.filter((c) => c.length > 0), (crowd) => {
      const result = rankingTally(answered(crowd, idsFor(crowd.length)), RANK);
      const sum = result.options.reduce((a, o) => a + o.mean, 0);
      assert.ok(Math.abs(sum - 10) < 0.05, `sum ${sum}`);
      for (let i = 1; i < result.options.length; i++) assert.ok(result.options[i - 1].mean <= result.options[i].mean);
    }),
    { numRuns: 60 },
  );
});

props('someone removed no longer counts', () => {
  const s = ranking();
  for (const id of ['p-anna01', 'p-bertil', 'p-cecili']) {
    s.record(joinedEvent(id, 'region'));
    submit(s, id, OPTIONS);
  }
  s.record({ type: 'participant.removed', participantId: 'p-cecili' });
  const result = rankingTally(s.state, RANK);
  assert.is(result.respondents, 2);
  assert.is(result.respondentsByKind.region, 'fewerThan3');
});

rules('the largest gap between kommun and region is marked only where both have figures', () => {
  const kinds = (kommun: number | 'fewerThan3', region: number | 'withheld') => ({ kommun, region, brukarrepresentant: 0, annan: 0 });
  const options = [
    { optionId: 'a', byKind: kinds(1.67, 2.67) },
    { optionId: 'b', byKind: kinds(2.33, 1) },
    { optionId: 'c', byKind: kinds(2, 2) },
  ];
  assert.equal(largestGap(options, kinds(3, 3)), { optionId: 'b', kommun: 2.33, region: 1 });
  assert.is(largestGap(options, kinds('fewerThan3', 4)), null, 'no gap against a kind without figures');
  assert.is(largestGap(options, kinds(3, 'withheld')), null);
  assert.is(largestGap([{ optionId: 'c', byKind: kinds(2, 2) }], kinds(3, 3)), null, 'no difference, no mark');
});

rules.run();
props.run();
