// Small groups are never singled out in a vote's results: a kind of organisation with one or two
// voters has no figure in the tally (the lone brukarrepresentant of an LGS), and the kinds left
// without figures never hold one or two voters together, or the total less the shown kinds
// would give their dots away. Pure: the tally every screen and export is made from.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { ORG_KINDS, type OptionResult, type OrgKind, type Participant, type Workshop } from '../shared/workshop/model.ts';
import { MIN_KIND_VOTERS, tally } from '../shared/workshop/voting.ts';
import { facilitator, joinedEvent, participant, story, type Story } from './helpers/builders.ts';

const PRIO = 'prioritise-1';
const OPTIONS = ['opt-nara-vard', 'opt-barn-unga', 'opt-psykisk-halsa', 'opt-aldre'];

/** A prioritisation with four options and voting open: dots 3, at most 3 on one option. */
function prioritisation(): Story {
  const s = story({ agenda: [{ kind: 'prioritise', id: PRIO }] });
  for (const noteId of OPTIONS) s.must(facilitator, { type: 'note.add', noteId, activityId: PRIO, columnId: 'options', text: noteId });
  s.must(facilitator, { type: 'voting.start', activityId: PRIO, dotsPerPerson: 3, maxPerOption: 3 });
  return s;
}

const isFigure = (v: OptionResult['byKind'][OrgKind]): v is number => typeof v === 'number';
const byKindOf = (results: OptionResult[], optionId: string) => results.find((r) => r.optionId === optionId)!.byKind;

// ---------------------------------------------------------------------------------------------
const lgs = suite('a lone brukarrepresentant in an LGS');

/** Three from kommun, four from the region and one brukarrepresentant, each with their dots. */
function hall(): Story {
  const s = prioritisation();
  const people: Array<[string, OrgKind, string[]]> = [
    ['p-anna01', 'kommun', [OPTIONS[0], OPTIONS[0], OPTIONS[1]]],
    ['p-bertil', 'kommun', [OPTIONS[0], OPTIONS[2]]],
    ['p-cecili', 'kommun', [OPTIONS[1]]],
    ['p-fatima', 'region', [OPTIONS[2], OPTIONS[2]]],
    ['p-gustav', 'region', [OPTIONS[0]]],
    ['p-hanna1', 'region', [OPTIONS[1], OPTIONS[2]]],
    ['p-ivar01', 'region', [OPTIONS[3]]],
    ['p-ingrid', 'brukarrepresentant', [OPTIONS[2], OPTIONS[3], OPTIONS[3]]],
  ];
  for (const [id, kind, dots] of people) {
    s.record(joinedEvent(id, kind));
    for (const optionId of dots) s.must(participant(id), { type: 'vote.cast', activityId: PRIO, optionId, delta: 1 });
  }
  return s;
}

lgs('her dots have no figure, and kommun is held back too so the total cannot give hers away', () => {
  const results = tally(hall().state, PRIO);
  assert.equal(byKindOf(results, OPTIONS[2]), { kommun: 'withheld', region: 3, brukarrepresentant: 'fewerThan3', annan: 0 });
  assert.equal(byKindOf(results, OPTIONS[3]), { kommun: 'withheld', region: 1, brukarrepresentant: 'fewerThan3', annan: 0 });
  assert.equal(
    results.map((r) => [r.optionId, r.total]),
    [[OPTIONS[2], 5], [OPTIONS[0], 4], [OPTIONS[1], 3], [OPTIONS[3], 3]],
    'the totals are as they were',
  );
});

lgs('with a third brukarrepresentant every kind has its figures', () => {
  const s = hall();
  s.record(joinedEvent('p-nora01', 'brukarrepresentant'));
  s.record(joinedEvent('p-oskar1', 'brukarrepresentant'));
  s.must(participant('p-nora01'), { type: 'vote.cast', activityId: PRIO, optionId: OPTIONS[3], delta: 1 });
  s.must(participant('p-oskar1'), { type: 'vote.cast', activityId: PRIO, optionId: OPTIONS[0], delta: 1 });
  assert.equal(byKindOf(tally(s.state, PRIO), OPTIONS[3]), { kommun: 0, region: 1, brukarrepresentant: 3, annan: 0 });
});

lgs('someone removed no longer counts as a voter: two left of a kind is too few', () => {
  const s = hall();
  s.must(facilitator, { type: 'participant.remove', participantId: 'p-ivar01' });
  s.must(facilitator, { type: 'participant.remove', participantId: 'p-hanna1' });
  // Region is down to two; with the brukarrepresentant that is three held back: kommun shows.
  assert.equal(byKindOf(tally(s.state, PRIO), OPTIONS[0]), { kommun: 3, region: 'fewerThan3', brukarrepresentant: 'fewerThan3', annan: 0 });
});

lgs('one who took back every dot is no voter', () => {
  const s = prioritisation();
  for (const id of ['p-anna01', 'p-bertil', 'p-cecili']) {
    s.record(joinedEvent(id, 'kommun'));
    s.must(participant(id), { type: 'vote.cast', activityId: PRIO, optionId: OPTIONS[0], delta: 1 });
  }
  s.record(joinedEvent('p-ingrid', 'brukarrepresentant'));
  s.must(participant('p-ingrid'), { type: 'vote.cast', activityId: PRIO, optionId: OPTIONS[1], delta: 1 });
  s.must(participant('p-ingrid'), { type: 'vote.cast', activityId: PRIO, optionId: OPTIONS[1], delta: -1 });
  assert.equal(byKindOf(tally(s.state, PRIO), OPTIONS[0]), { kommun: 3, region: 0, brukarrepresentant: 0, annan: 0 });
});

// ---------------------------------------------------------------------------------------------
const property = suite('for any ballots and kinds');

interface Voter {
  kind: OrgKind;
  removed: boolean;
  /** Whether the state knows them (a ballot without a participant counts as 'annan'). */
  known: boolean;
  /** Dots on each option, then on an option that is gone (a note deleted since). */
  dots: number[];
  gone: number;
}

const voterArb: fc.Arbitrary<Voter> = fc.record({
  kind: fc.constantFrom(...ORG_KINDS),
  removed: fc.oneof({ weight: 7, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  known: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  dots: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 })), { minLength: OPTIONS.length, maxLength: OPTIONS.length }),
  gone: fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }) }),
});
/** Voters, and an order to list them in (a permutation of their indexes). */
const hallArb = fc
  .array(voterArb, { maxLength: 16 })
  .chain((voters) => fc.tuple(fc.constant(voters), fc.shuffledSubarray([...voters.keys()], { minLength: voters.length, maxLength: voters.length })));

const BASE = prioritisation().state;

/** The state with these voters, the i-th listed under the id `p-voter<ids[i]>`, in `order`. */
function stateOf(voters: Voter[], order: number[], ids: number[] = order.map((_, i) => i)): Workshop {
  const participants: Record<string, Participant> = { ...BASE.participants };
  const ballots: Record<string, Record<string, number>> = {};
  for (const i of order) {
    const v = voters[i];
    const id = `p-voter${String(ids[i]).padStart(2, '0')}`;
    if (v.known) participants[id] = { ...(joinedEvent(id, v.kind) as { participant: Participant }).participant, removed: v.removed };
    const ballot: Record<string, number> = {};
    OPTIONS.forEach((o, n) => v.dots[n] && (ballot[o] = v.dots[n]));
    if (v.gone) ballot['note-gone01'] = v.gone;
    if (Object.keys(ballot).length) ballots[id] = ballot;
  }
  return { ...BASE, participants, ballots: { [PRIO]: ballots } };
}

/** What the tally must be built on, worked out here on its own: who counts, of which kind. */
function counted(voters: Voter[]) {
  const voting = voters
    .filter((v) => !(v.known && v.removed))
    .map((v) => ({ kind: v.known ? v.kind : ('annan' as OrgKind), dots: v.dots }))
    .filter((v) => v.dots.some((d) => d > 0));
  const count = (kinds: Iterable<OrgKind>) => [...kinds].reduce((n, k) => n + voting.filter((v) => v.kind === k).length, 0);
  const dots = (kinds: Iterable<OrgKind>, option: number) =>
    voting.filter((v) => [...kinds].includes(v.kind)).reduce((n, v) => n + v.dots[option], 0);
  return { all: voting.length, count, dots };
}

property('no kind with one or two voters ever has a figure; a kind without voters shows 0; a figure is its dots', () => {
  fc.assert(
    fc.property(hallArb, ([voters, order]) => {
      const results = tally(stateOf(voters, order), PRIO);
      const { count, dots } = counted(voters);
      for (const r of results)
        for (const kind of ORG_KINDS) {
          const n = count([kind]);
          const shown = r.byKind[kind];
          if (n === 0) assert.is(shown, 0, `${kind} has no voters`);
          else if (n < MIN_KIND_VOTERS) assert.is(shown, 'fewerThan3', `${kind} has ${n} voter(s)`);
          else if (isFigure(shown)) assert.is(shown, dots([kind], OPTIONS.indexOf(r.optionId)));
          else assert.is(shown, 'withheld', `${kind} has ${n} voters`);
        }
    }),
  );
});

property('the kinds without figures are the same on every option and together hold no voter or at least three', () => {
  fc.assert(
    fc.property(hallArb, ([voters, order]) => {
      const results = tally(stateOf(voters, order), PRIO);
      const { all, count, dots } = counted(voters);
      const hidden = (r: OptionResult) => ORG_KINDS.filter((k) => !isFigure(r.byKind[k]));
      for (const r of results) {
        assert.equal(hidden(r), hidden(results[0]), 'the same kinds on every option');
        const held = count(hidden(r));
        // Fewer than three voters in all: every kind of theirs is held back, and only the total
        // (theirs together) is left, as for any vote that small.
        if (all >= MIN_KIND_VOTERS) assert.ok(held === 0 || held >= MIN_KIND_VOTERS, `the held-back kinds hold ${held} voter(s)`);
        const shown = ORG_KINDS.reduce((n, k) => n + (isFigure(r.byKind[k]) ? (r.byKind[k] as number) : 0), 0);
        assert.is(r.total - shown, dots(hidden(r), OPTIONS.indexOf(r.optionId)), 'the total less the figures is only the held-back kinds’ dots');
      }
    }),
  );
});

property('a kind with three or more voters is held back only when it must be: the smallest, once', () => {
  fc.assert(
    fc.property(hallArb, ([voters, order]) => {
      const [first] = tally(stateOf(voters, order), PRIO);
      if (!first) return;
      const { count } = counted(voters);
      const withheld = ORG_KINDS.filter((k) => first.byKind[k] === 'withheld');
      const few = count(ORG_KINDS.filter((k) => first.byKind[k] === 'fewerThan3'));
      const needed = few > 0 && few < MIN_KIND_VOTERS && ORG_KINDS.some((k) => count([k]) >= MIN_KIND_VOTERS);
      assert.is(withheld.length, needed ? 1 : 0);
      if (needed)
        for (const k of ORG_KINDS)
          if (count([k]) >= MIN_KIND_VOTERS) assert.ok(count(withheld) <= count([k]), `${withheld[0]} is not the smallest kind shown`);
    }),
  );
});

property('who the voters are and in which order they voted does not change the result', () => {
  fc.assert(
    fc.property(hallArb, ([voters, order]) => {
      const inOrder = voters.map((_, i) => i);
      assert.equal(tally(stateOf(voters, order), PRIO), tally(stateOf(voters, inOrder), PRIO), 'listed in another order');
      assert.equal(tally(stateOf(voters, inOrder, order), PRIO), tally(stateOf(voters, inOrder), PRIO), 'under other ids');
    }),
  );
});

lgs.run();
property.run();
