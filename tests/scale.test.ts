// Scale questions (skalfrågor): statements answered on a 1–5 or 1–10 scale. The tally gives the
// distribution and mean per statement, overall and per kind of organisation side by side, marks
// where kommun and region differ most, never shows a kind with one or two respondents, and counts
// a changed answer once. Pure: the tally every screen and export is made from.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { ORG_KINDS, type OrgKind } from '../shared/workshop/model.ts';
import { MIN_KIND_VOTERS } from '../shared/workshop/voting.ts';
import { scaleTally, type ScaleAnswer, type ScaleFigures } from '../shared/workshop/scale.ts';
import { projection, view, viewEvent } from '../shared/workshop/view.ts';
import { facilitator, joinedEvent, participant, projector, story, type Story } from './helpers/builders.ts';

const Q = 'scale-1';
const STATEMENTS = ['Samverkan mellan kommun och region fungerar väl', 'Vi har en gemensam bild av behoven'];

/** Two statements on a 1–5 scale with "Vet inte", started and shown to everyone. */
function question(opts: { dontKnow?: boolean; max?: 5 | 10 } = {}): Story {
  const s = story({ agenda: [{ kind: 'scale', id: Q, questions: STATEMENTS }] });
  s.must(facilitator, { type: 'activity.focus', activityId: Q });
  s.must(facilitator, {
    type: 'scale.start',
    activityId: Q,
    max: opts.max ?? 5,
    minLabel: 'Stämmer inte alls',
    maxLabel: 'Stämmer helt',
    dontKnow: opts.dontKnow ?? true,
  });
  return s;
}

const answer = (s: Story, pid: string, statementId: string, value: ScaleAnswer | null) =>
  s.try(participant(pid), { type: 'scale.answer', activityId: Q, statementId, value });

// ---------------------------------------------------------------------------------------------
const results = suite('the results of a scale question');

results('distribution and mean per statement, per kind, and the kommun/region gap marked where largest', () => {
  const s = question();
  const people: Array<[string, OrgKind, ScaleAnswer, ScaleAnswer]> = [
    ['p-anna01', 'kommun', 2, 4],
    ['p-bertil', 'kommun', 1, 4],
    ['p-cecili', 'kommun', 3, 'dontKnow'],
    ['p-fatima', 'region', 5, 4],
    ['p-gustav', 'region', 4, 3],
    ['p-hanna1', 'region', 4, 4],
  ];
  for (const [id, kind, a, b] of people) {
    s.record(joinedEvent(id, kind));
    assert.is(answer(s, id, 's1', a), 'ok');
    assert.is(answer(s, id, 's2', b), 'ok');
  }
  const result = scaleTally(s.state, Q)!;
  assert.is(result.respondents, 6);
  assert.equal([result.max, result.minLabel, result.maxLabel, result.dontKnow], [5, 'Stämmer inte alls', 'Stämmer helt', true]);
  const [first, second] = result.statements;
  assert.equal(first.distribution, [1, 1, 1, 2, 1]);
  assert.is(first.mean, 19 / 6);
  assert.equal(first.byKind.kommun, { respondents: 3, distribution: [1, 1, 1, 0, 0], dontKnow: 0, mean: 2 });
  assert.equal((first.byKind.region as ScaleFigures).mean, 13 / 3);
  assert.is(first.gap, 2 - 13 / 3);
  assert.ok(first.largestGap, 'the first statement splits kommun and region most');
  assert.is(second.dontKnow, 1);
  assert.is(second.mean, 19 / 5);
  // kommun had only two answers on the scale: no mean of two people is compared.
  assert.is(second.gap, null);
  assert.not.ok(second.largestGap);
});

results('a kind with one or two respondents has no figures, and the kinds held back never hold one or two together', () => {
  const s = question();
  const people: Array<[string, OrgKind]> = [
    ['p-anna01', 'kommun'], ['p-bertil', 'kommun'], ['p-cecili', 'kommun'],
    ['p-fatima', 'region'], ['p-gustav', 'region'], ['p-hanna1', 'region'], ['p-ivar01', 'region'],
    ['p-ingrid', 'brukarrepresentant'],
  ];
  for (const [id, kind] of people) {
    s.record(joinedEvent(id, kind));
    answer(s, id, 's1', 3);
  }
  const { byKind } = scaleTally(s.state, Q)!.statements[0];
  assert.is(byKind.brukarrepresentant, 'fewerThan3');
  assert.is(byKind.kommun, 'withheld', 'else all less kommun and region would be her answer');
  assert.is((byKind.region as ScaleFigures).respondents, 4);
});

results('nothing before the question starts; answers on a statement taken off the agenda count for nothing', () => {
  const s = story({ agenda: [{ kind: 'scale', id: Q, questions: STATEMENTS }] });
  assert.is(scaleTally(s.state, Q), null);
  const q = question();
  for (const id of ['p-anna01', 'p-bertil', 'p-cecili']) {
    q.record(joinedEvent(id, 'kommun'));
    answer(q, id, 's2', 5);
  }
  q.must(facilitator, { type: 'activity.update', activityId: Q, columns: [{ id: 's1', title: STATEMENTS[0] }] });
  const result = scaleTally(q.state, Q)!;
  assert.is(result.statements.length, 1);
  assert.is(result.respondents, 0);
});

// ---------------------------------------------------------------------------------------------
const rules = suite('who may answer what');

rules('once answers are shown by kind, a respondent’s kind is no longer corrected (the split before and after would be their answers)', () => {
  const s = question();
  s.record(joinedEvent('p-anna01', 'kommun'));
  s.record(joinedEvent('p-bertil', 'kommun'));
  assert.is(answer(s, 'p-anna01', 's1', 4), 'ok');
  assert.is(s.try(facilitator, { type: 'participant.update', participantId: 'p-anna01', orgKind: 'region' }), 'ok', 'before the reveal it may be');
  s.must(facilitator, { type: 'scale.change', activityId: Q, revealed: true });
  assert.is(s.try(facilitator, { type: 'participant.update', participantId: 'p-anna01', orgKind: 'kommun' }), 'forbidden');
  assert.is(s.try(facilitator, { type: 'participant.update', participantId: 'p-anna01', name: 'Anna A' }), 'ok', 'the name still may');
  assert.is(s.try(facilitator, { type: 'participant.update', participantId: 'p-bertil', orgKind: 'region' }), 'ok', 'someone who did not answer may');
});

rules('only participants answer, on the current question, within the scale, while it is open', () => {
  const s = question({ dontKnow: false });
  s.record(joinedEvent('p-anna01', 'kommun'));
  assert.is(s.try(facilitator, { type: 'scale.answer', activityId: Q, statementId: 's1', value: 3 }), 'forbidden');
  assert.is(answer(s, 'p-anna01', 's1', 6), 'invalid', 'a 6 on a 1–5 scale');
  assert.is(answer(s, 'p-anna01', 's1', 'dontKnow'), 'invalid', '"Vet inte" not offered');
  assert.is(answer(s, 'p-anna01', 'nope', 3), 'not_found');
  assert.is(answer(s, 'p-anna01', 's1', 3), 'ok');
  assert.is(s.try(participant('p-anna01'), { type: 'scale.start', activityId: Q, max: 10, minLabel: '', maxLabel: '', dontKnow: false }), 'forbidden');
  assert.is(s.try(facilitator, { type: 'scale.start', activityId: Q, max: 10, minLabel: '', maxLabel: '', dontKnow: false }), 'exists', 'the scale stands once answered');
  s.must(facilitator, { type: 'scale.change', activityId: Q, open: false });
  assert.is(answer(s, 'p-anna01', 's1', 4), 'voting_closed');
  s.must(facilitator, { type: 'scale.change', activityId: Q, open: true });
  assert.is(answer(s, 'p-anna01', 's1', 4), 'ok', 'reopened: the answer may change again');
  s.must(facilitator, { type: 'activity.focus', activityId: null });
  assert.is(answer(s, 'p-anna01', 's1', 5), 'not_current');
});

rules('a 1–10 scale takes every step up to 10, and its spread has ten places', () => {
  const s = question({ max: 10 });
  for (const [id, value] of [['p-anna01', 10], ['p-bertil', 1], ['p-cecili', 7]] as const) {
    s.record(joinedEvent(id, 'kommun'));
    assert.is(answer(s, id, 's1', value), 'ok');
  }
  const [first] = scaleTally(s.state, Q)!.statements;
  assert.equal(first.distribution, [1, 0, 0, 0, 0, 0, 1, 0, 0, 1]);
  assert.is(first.mean, 6);
});

rules('answers are secret: a participant sees only their own, the projector none, and no figure before reveal', () => {
  const s = question();
  for (const id of ['p-anna01', 'p-bertil', 'p-cecili']) {
    s.record(joinedEvent(id, 'kommun'));
    answer(s, id, 's1', 4);
  }
  const event = s.log.at(-1)!.event;
  assert.is(event.type, 'scale.answered');
  assert.is(viewEvent(s.state, event, participant('p-anna01')), null);
  assert.is(viewEvent(s.state, event, projector), null);
  assert.equal(viewEvent(s.state, event, participant('p-cecili')), event);
  assert.equal(view(s.state, participant('p-anna01')).scaleAnswers, { [Q]: { 'p-anna01': { s1: 4 } } });
  assert.equal(view(s.state, projector).scaleAnswers, { [Q]: {} });
  assert.is(projection(s.state).scales, undefined, 'hidden until revealed');
  assert.is(projection(s.state).voters[Q], 3, 'how many, never who');
  s.must(facilitator, { type: 'scale.change', activityId: Q, revealed: true });
  assert.equal(projection(s.state).scales?.[Q], scaleTally(s.state, Q));
});

// ---------------------------------------------------------------------------------------------
const props = suite('the tally, for any hall');

const kindArb = fc.constantFrom<OrgKind>(...ORG_KINDS);
const answerArb = fc.oneof(fc.integer({ min: 1, max: 5 }), fc.constant<ScaleAnswer>('dontKnow'));
/** A hall: each person's kind and, per statement, their answer or none. */
const hallArb = fc.array(fc.record({ kind: kindArb, s1: fc.option(answerArb), s2: fc.option(answerArb) }), { maxLength: 14 });

type Person = { kind: OrgKind; s1: ScaleAnswer | null; s2: ScaleAnswer | null };

function answered(people: Person[], ids: string[] = people.map((_, i) => `p-${String(i).padStart(6, '0')}`)): Story {
  const s = question();
  people.forEach((p, i) => s.record(joinedEvent(ids[i], p.kind)));
  people.forEach((p, i) => {
    if (p.s1 !== null) answer(s, ids[i], 's1', p.s1);
    if (p.s2 !== null) answer(s, ids[i], 's2', p.s2);
  });
  return s;
}

props('respondents in any order give the same result', () => {
  fc.assert(
    fc.property(hallArb.chain((people) => fc.tuple(fc.constant(people), fc.shuffledSubarray(people.map((_, i) => i), { minLength: people.length }))), ([people, order]) => {
      const ids = people.map((_, i) => `p-${String(i).padStart(6, '0')}`);
      const first = scaleTally(answered(people, ids).state, Q);
      const shuffled = scaleTally(answered(order.map((i) => people[i]), order.map((i) => ids[i])).state, Q);
      assert.equal(shuffled, first);
    }),
    { numRuns: 150 },
  );
});

props('a changed answer counts once: the result is that of the last answers alone', () => {
  fc.assert(
    fc.property(hallArb, fc.array(fc.tuple(fc.nat(13), fc.constantFrom('s1', 's2'), fc.option(answerArb)), { maxLength: 30 }), (people, changes) => {
      const s = answered(people);
      const last = people.map((p) => ({ ...p }));
      for (const [i, statement, value] of changes) {
        if (i >= people.length) continue;
        answer(s, `p-${String(i).padStart(6, '0')}`, statement, value);
        last[i][statement as 's1' | 's2'] = value;
      }
      assert.equal(scaleTally(s.state, Q), scaleTally(answered(last).state, Q));
      const result = scaleTally(s.state, Q)!;
      for (const st of result.statements) {
        const n = last.filter((p) => p[st.statementId as 's1' | 's2'] !== null).length;
        assert.is(st.respondents, n, 'one answer per person and statement');
      }
    }),
    { numRuns: 150 },
  );
});

props('no kind with fewer than 3 respondents is ever in a result, nor can it be worked out', () => {
  fc.assert(
    fc.property(hallArb, (people) => {
      const result = scaleTally(answered(people).state, Q)!;
      for (const st of result.statements) {
        const key = st.statementId as 's1' | 's2';
        let heldBack = 0;
        let shown = 0;
        for (const kind of ORG_KINDS) {
          const n = people.filter((p) => p.kind === kind && p[key] !== null).length;
          const figures = st.byKind[kind];
          if (n > 0 && n < MIN_KIND_VOTERS) assert.is(figures, 'fewerThan3');
          if (typeof figures === 'object') {
            assert.is(figures.respondents, n);
            shown += n;
          } else heldBack += n;
        }
        // Else the statement's figures less the kinds shown would be one or two people's answers.
        if (shown > 0) assert.ok(heldBack === 0 || heldBack >= MIN_KIND_VOTERS, 'the kinds held back hold 0 or 3+ together');
        if (st.gap !== null) {
          for (const kind of ['kommun', 'region'] as const) {
            const f = st.byKind[kind] as ScaleFigures;
            assert.ok(f.respondents - f.dontKnow >= MIN_KIND_VOTERS, 'a gap only between means of 3+ answers');
          }
        }
      }
      assert.ok(result.statements.filter((st) => st.largestGap).length <= 1);
    }),
    { numRuns: 300 },
  );
});

results.run();
rules.run();
props.run();
