// Prioritisation in the pure core: the tally (ranks, ties, share, breakdown by organisation
// kind), the dot limits under any order of votes, options taken from earlier activities,
// themes, silent brainstorming (hidden until reveal) and the evaluation's 1–5 rating.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { parseCommand } from '../shared/schema.ts';
import { ORG_KINDS, FACILITATOR_ID, notesOf, type OrgKind, type Workshop } from '../shared/workshop/model.ts';
import { deliveries, projection, view, viewEvent } from '../shared/workshop/view.ts';
import { averageRating, dotsUsed, optionsOf, resultsVisible, tally } from '../shared/workshop/voting.ts';
import { facilitator, joinedEvent, participant, projector, story, type Story } from './helpers/builders.ts';

const ANNA = 'p-anna'; // Nybro kommun
const BERTIL = 'p-bertil'; // Kalmar kommun
const FATIMA = 'p-fatima'; // Region Kalmar län
const INGRID = 'p-ingrid'; // NSPH, brukarrepresentant
const VOTERS = [ANNA, BERTIL, FATIMA, INGRID];
const anna = participant(ANNA);
const bertil = participant(BERTIL);

const PRIO = 'prioritise-1';
/** "Vilka områden ska LGL prioritera under 2021-2022?" */
const AREAS = [
  ['opt-nara-vard', 'Nära vård'],
  ['opt-barn-unga', 'Barn och unga'],
  ['opt-psykisk-halsa', 'Psykisk hälsa'],
  ['opt-beroende', 'Beroende'],
  ['opt-aldre', 'Äldre'],
] as const;
const [NARA, BARN, PSYK, BEROENDE, ALDRE] = AREAS.map(([id]) => id);

interface VotingSetup {
  dots?: number;
  max?: number;
  live?: boolean;
}

/** Four people from kommun, region and a user organisation; the facilitator types the areas. */
function prioritisation({ dots = 3, max = 2, live = false }: VotingSetup = {}): Story {
  const s = story({ agenda: [{ kind: 'prioritise', id: PRIO }], participants: [ANNA, BERTIL] });
  s.record(joinedEvent(FATIMA, 'region'));
  s.record(joinedEvent(INGRID, 'brukarrepresentant'));
  for (const [noteId, text] of AREAS)
    s.must(facilitator, { type: 'note.add', noteId, activityId: PRIO, columnId: 'options', text });
  s.must(facilitator, { type: 'voting.start', activityId: PRIO, dotsPerPerson: dots, maxPerOption: max, live });
  return s;
}

const vote = (s: Story, who: string, optionId: string, delta: 1 | -1 = 1, activityId = PRIO) =>
  s.try(participant(who), { type: 'vote.cast', activityId, optionId, delta });

/** Place dots and insist each lands. */
function place(s: Story, who: string, ...optionIds: string[]) {
  for (const optionId of optionIds) assert.is(vote(s, who, optionId), 'ok', `${who} on ${optionId}`);
}

const kinds = (counts: Partial<Record<OrgKind, number>>) =>
  Object.fromEntries(ORG_KINDS.map((k) => [k, counts[k] ?? 0])) as Record<OrgKind, number>;
const ballotOf = (w: Workshop, who: string, activityId = PRIO) => w.ballots[activityId]?.[who] ?? {};
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const allDots = (w: Workshop, activityId = PRIO) =>
  sum(Object.values(w.ballots[activityId] ?? {}).flatMap((b) => Object.values(b)));

// ---------------------------------------------------------------------------------------------
const ranking = suite('the ranking');

ranking('counts, share and ranks: equal dots share a rank and the next rank is skipped (1, 2, 2, 4)', () => {
  const s = prioritisation();
  place(s, ANNA, NARA, NARA, BARN);
  place(s, BERTIL, NARA, NARA, PSYK);
  place(s, FATIMA, BARN, BARN, PSYK);
  place(s, INGRID, PSYK, BEROENDE, BEROENDE);
  const results = tally(s.state, PRIO);
  assert.equal(
    results.map((r) => [r.optionId, r.total, r.rank]),
    [
      [NARA, 4, 1],
      [BARN, 3, 2],
      [PSYK, 3, 2],
      [BEROENDE, 2, 4],
      [ALDRE, 0, 5],
    ],
  );
  assert.equal(results.map((r) => r.share), [4 / 12, 3 / 12, 3 / 12, 2 / 12, 0]);
  assert.ok(Math.abs(sum(results.map((r) => r.share)) - 1) < 1e-9, 'the shares add up to the whole');
});

ranking('the breakdown by organisation kind shows where kommun and region agree or differ', () => {
  const s = prioritisation();
  // Three of each kind voting, so that every kind has its figures (tests/tally-privacy.test.ts).
  for (const [id, kind] of [['p-cecilia', 'kommun'], ['p-gustav', 'region'], ['p-hanna', 'region'], ['p-nora', 'brukarrepresentant'], ['p-oskar', 'brukarrepresentant']] as const)
    s.record(joinedEvent(id, kind));
  place(s, ANNA, NARA, NARA, BARN);
  place(s, BERTIL, NARA, NARA, PSYK);
  place(s, 'p-cecilia', NARA);
  place(s, FATIMA, BARN, BARN, PSYK);
  place(s, 'p-gustav', BARN);
  place(s, 'p-hanna', ALDRE);
  place(s, INGRID, PSYK, BEROENDE, BEROENDE);
  place(s, 'p-nora', BEROENDE);
  place(s, 'p-oskar', PSYK);
  const byOption = Object.fromEntries(tally(s.state, PRIO).map((r) => [r.optionId, r.byKind]));
  assert.equal(byOption[NARA], kinds({ kommun: 5 }), 'only the municipalities chose Nära vård');
  assert.equal(byOption[BARN], kinds({ kommun: 1, region: 3 }));
  assert.equal(byOption[PSYK], kinds({ kommun: 1, region: 1, brukarrepresentant: 2 }), 'all three agree on Psykisk hälsa');
  assert.equal(byOption[BEROENDE], kinds({ brukarrepresentant: 3 }));
  assert.equal(byOption[ALDRE], kinds({ region: 1 }));
});

ranking('before anyone votes every option is listed with zero dots, all sharing rank 1', () => {
  const s = prioritisation();
  assert.equal(
    tally(s.state, PRIO).map((r) => [r.optionId, r.total, r.rank, r.share]),
    AREAS.map(([id]) => [id, 0, 1, 0]),
    'in the order the facilitator typed them',
  );
});

ranking('themes can be the options: the brainstorm’s themes get the dots, not its notes', () => {
  const s = story({ agenda: [{ kind: 'brainstorm', id: 'brainstorm-1' }], participants: [ANNA, BERTIL] });
  s.note(anna, 'note-hemtjanst', 'brainstorm-1', 'Hemtjänst och vårdcentral tillsammans');
  s.note(bertil, 'note-skolhalsa', 'brainstorm-1', 'Elevhälsan tidigt');
  s.note(bertil, 'note-bup', 'brainstorm-1', 'Kortare köer till BUP');
  s.must(facilitator, { type: 'theme.create', themeId: 'theme-nara', activityId: 'brainstorm-1', name: 'Nära vård', noteIds: ['note-hemtjanst'] });
  s.must(facilitator, { type: 'theme.create', themeId: 'theme-barn', activityId: 'brainstorm-1', name: 'Barn och unga', noteIds: ['note-skolhalsa', 'note-bup'] });
  s.must(facilitator, { type: 'voting.start', activityId: 'brainstorm-1', target: 'themes', dotsPerPerson: 2, maxPerOption: 2 });
  assert.equal(optionsOf(s.state, s.state.activities[0]), [
    { id: 'theme-nara', text: 'Nära vård' },
    { id: 'theme-barn', text: 'Barn och unga' },
  ]);
  assert.is(vote(s, ANNA, 'note-hemtjanst', 1, 'brainstorm-1'), 'not_found', 'a note is not an option when themes are voted on');
  assert.is(vote(s, ANNA, 'theme-barn', 1, 'brainstorm-1'), 'ok');
  assert.is(vote(s, BERTIL, 'theme-barn', 1, 'brainstorm-1'), 'ok');
  assert.is(vote(s, BERTIL, 'theme-nara', 1, 'brainstorm-1'), 'ok');
  assert.equal(
    tally(s.state, 'brainstorm-1').map((r) => [r.optionId, r.total, r.rank]),
    [
      ['theme-barn', 2, 1],
      ['theme-nara', 1, 2],
    ],
  );
});

ranking('the notes of any board activity can be voted on, with the same rules', () => {
  const s = story({ agenda: [{ kind: 'swot', id: 'swot-1' }], participants: [ANNA, BERTIL] });
  s.note(anna, 'note-o-digital', 'swot-1', 'Digitala möten', 'o');
  s.note(bertil, 'note-t-budget', 'swot-1', 'Budgetläget', 't');
  s.must(facilitator, { type: 'voting.start', activityId: 'swot-1', dotsPerPerson: 1, maxPerOption: 5 });
  assert.is(s.state.activities[0].voting!.maxPerOption, 1, 'never more per option than dots per person');
  assert.is(vote(s, ANNA, 'note-t-budget', 1, 'swot-1'), 'ok');
  assert.is(vote(s, ANNA, 'note-o-digital', 1, 'swot-1'), 'no_dots_left');
  assert.equal(tally(s.state, 'swot-1').map((r) => [r.optionId, r.total]), [
    ['note-t-budget', 1],
    ['note-o-digital', 0],
  ]);
});

ranking('results are visible to participants only once revealed, or all along when live', () => {
  const hiddenPoll = prioritisation();
  const activity = () => hiddenPoll.state.activities[0];
  assert.not.ok(resultsVisible(activity()));
  place(hiddenPoll, ANNA, NARA);
  assert.equal(projection(hiddenPoll.state).results, {}, 'no tally before the reveal');
  hiddenPoll.must(facilitator, { type: 'results.reveal', activityId: PRIO, revealed: true });
  assert.ok(resultsVisible(activity()));
  assert.equal(projection(hiddenPoll.state).results[PRIO], tally(hiddenPoll.state, PRIO));
  hiddenPoll.must(facilitator, { type: 'results.reveal', activityId: PRIO, revealed: false });
  assert.equal(projection(hiddenPoll.state).results, {}, 'hidden again');

  const livePoll = prioritisation({ live: true });
  place(livePoll, ANNA, NARA);
  assert.equal(projection(livePoll.state).results[PRIO]?.[0].total, 1, 'live: the tally as the dots come in');
});

// ---------------------------------------------------------------------------------------------
const dots = suite('dots: limits, moving and taking back');

const settingsArb = fc.record({ dots: fc.integer({ min: 1, max: 6 }), max: fc.integer({ min: 1, max: 6 }), live: fc.boolean() });
type VoteStep =
  | { kind: 'vote'; who: string; option: string; delta: 1 | -1 }
  | { kind: 'delete' | 'restore'; option: string }
  | { kind: 'close' | 'reopen' };
const optionArb = fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...AREAS.map(([id]) => id)) }, { weight: 1, arbitrary: fc.constant('opt-unknown') });
const voteStepArb: fc.Arbitrary<VoteStep> = fc.oneof(
  { weight: 30, arbitrary: fc.record({ kind: fc.constant('vote' as const), who: fc.constantFrom(...VOTERS), option: optionArb, delta: fc.constantFrom(1, 1, -1 as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('delete' as const, 'restore' as const), option: optionArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('close' as const, 'reopen' as const) }) },
);
const stepsArb = fc.array(voteStepArb, { maxLength: 80 });

/** One step of the story; a vote returns its outcome, the facilitator's steps are always ok. */
function play(s: Story, step: VoteStep): string {
  switch (step.kind) {
    case 'vote':
      return vote(s, step.who, step.option, step.delta);
    case 'delete':
      return s.state.notes[step.option] ? s.try(facilitator, { type: 'note.delete', noteId: step.option }) : 'ok';
    case 'restore':
      return s.note(facilitator, step.option, PRIO, 'Tillbaka igen');
    case 'close':
    case 'reopen':
      return s.try(facilitator, { type: `voting.${step.kind}`, activityId: PRIO });
  }
}

function assertWithinLimits(w: Workshop, settings: { dots: number; max: number }) {
  const options = new Set(notesOf(w, PRIO).map((n) => n.id));
  for (const [who, ballot] of Object.entries(w.ballots[PRIO])) {
    assert.ok(VOTERS.includes(who), `only participants vote: ${who}`);
    assert.ok(sum(Object.values(ballot)) <= settings.dots, `${who} has more dots than ${settings.dots}: ${JSON.stringify(ballot)}`);
    for (const [optionId, n] of Object.entries(ballot)) {
      assert.ok(options.has(optionId), `a dot of ${who} lies on ${optionId}, which is not an option`);
      assert.ok(n > 0 && Number.isInteger(n), `${who} has ${n} dots on ${optionId}`);
      assert.ok(n <= settings.max, `${who} has ${n} dots on ${optionId}, more than ${settings.max}`);
    }
  }
  const results = tally(w, PRIO);
  assert.equal(results.map((r) => r.optionId).sort(), [...options].sort(), 'the tally lists every option once');
  assert.is(sum(results.map((r) => r.total)), allDots(w), 'the tally’s total is the sum of the ballots');
  for (const r of results) {
    const onIt = sum(Object.values(w.ballots[PRIO]).map((b) => b[r.optionId] ?? 0));
    assert.is(r.total, onIt);
    const figures = Object.values(r.byKind).filter((n) => typeof n === 'number');
    if (figures.length === ORG_KINDS.length) assert.is(sum(figures), r.total, 'the breakdown adds up to the total');
    else assert.ok(sum(figures) <= r.total, 'the figures shown are part of the total');
  }
}

dots('whatever order votes come in, no ballot goes above the dots per person or the maximum per option, nor below zero', () => {
  fc.assert(
    fc.property(settingsArb, stepsArb, (settings, steps) => {
      const s = prioritisation(settings);
      const max = Math.min(settings.max, settings.dots);
      for (const step of steps) {
        const before = s.state;
        const open = before.activities[0].voting!.open;
        const result = play(s, step);
        assertWithinLimits(s.state, { dots: settings.dots, max });
        if (step.kind !== 'vote') continue;
        // Refused only for a reason that holds: never a vote wrongly turned away.
        const mine = ballotOf(before, step.who)[step.option] ?? 0;
        const expected = !open
          ? 'voting_closed'
          : !before.notes[step.option]
            ? 'not_found'
            : step.delta === 1 && dotsUsed(before, PRIO, step.who) >= settings.dots
              ? 'no_dots_left'
              : step.delta === 1 && mine >= max
                ? 'option_full'
                : 'ok';
        assert.is(result, expected, JSON.stringify(step));
        const change = result === 'ok' ? (step.delta === 1 ? 1 : Math.min(mine, 1) * -1) : 0;
        assert.is(dotsUsed(s.state, PRIO, step.who), dotsUsed(before, PRIO, step.who) + change);
      }
    }),
  );
});

dots('moving a dot (take back, then place elsewhere) keeps a voter’s total and the tally’s', () => {
  fc.assert(
    fc.property(settingsArb, fc.array(voteStepArb.filter((st) => st.kind === 'vote'), { maxLength: 40 }), fc.nat(), (settings, steps, pick) => {
      const s = prioritisation(settings);
      steps.forEach((step) => play(s, step));
      const max = Math.min(settings.max, settings.dots);
      const moves = VOTERS.flatMap((who) =>
        Object.keys(ballotOf(s.state, who)).flatMap((from) =>
          AREAS.map(([to]) => to)
            .filter((to) => to !== from && (ballotOf(s.state, who)[to] ?? 0) < max)
            .map((to) => ({ who, from, to })),
        ),
      );
      fc.pre(moves.length > 0);
      const { who, from, to } = moves[pick % moves.length];
      const [used, total] = [dotsUsed(s.state, PRIO, who), allDots(s.state)];
      assert.is(vote(s, who, from, -1), 'ok');
      assert.is(vote(s, who, to, 1), 'ok');
      assert.is(dotsUsed(s.state, PRIO, who), used);
      assert.is(sum(tally(s.state, PRIO).map((r) => r.total)), total);
    }),
  );
});

dots('taking back a dot that was never placed changes nothing', () => {
  const s = prioritisation();
  const seq = s.state.seq;
  assert.is(vote(s, ANNA, NARA, -1), 'ok');
  assert.is(s.state.seq, seq, 'no event');
  assert.equal(ballotOf(s.state, ANNA), {});
});

dots('deleting an option gives its dots back to the voters, who can place them again', () => {
  fc.assert(
    fc.property(fc.array(voteStepArb.filter((st) => st.kind === 'vote'), { maxLength: 50 }), fc.constantFrom(...AREAS.map(([id]) => id)), (steps, doomed) => {
      const s = prioritisation({ dots: 3, max: 2 });
      steps.forEach((step) => play(s, step));
      const before = s.state;
      const onDoomed = tally(before, PRIO).find((r) => r.optionId === doomed)!.total;
      s.must(facilitator, { type: 'note.delete', noteId: doomed });
      assert.not.ok(tally(s.state, PRIO).some((r) => r.optionId === doomed), 'gone from the ranking');
      assert.is(allDots(s.state), allDots(before) - onDoomed);
      for (const who of VOTERS) {
        const had = ballotOf(before, who)[doomed] ?? 0;
        assert.is(dotsUsed(s.state, PRIO, who), dotsUsed(before, PRIO, who) - had, `${who} gets ${had} back`);
        assert.is(ballotOf(s.state, who)[doomed], undefined);
        if (had) assert.is(vote(s, who, AREAS.find(([id]) => id !== doomed && (ballotOf(s.state, who)[id] ?? 0) < 2)![0]), 'ok', `${who} places a returned dot`);
      }
      assert.is(vote(s, ANNA, doomed), 'not_found', 'no dot lands on a removed option');
    }),
  );
});

dots('deleting a theme drops its dots; its notes stay, ungrouped', () => {
  const s = story({ agenda: [{ kind: 'brainstorm', id: 'brainstorm-1' }], participants: [ANNA, BERTIL] });
  s.note(anna, 'note-hemtjanst', 'brainstorm-1', 'Hemtjänst');
  s.must(facilitator, { type: 'theme.create', themeId: 'theme-nara', activityId: 'brainstorm-1', name: 'Nära vård', noteIds: ['note-hemtjanst'] });
  s.must(facilitator, { type: 'theme.create', themeId: 'theme-barn', activityId: 'brainstorm-1', name: 'Barn och unga', noteIds: [] });
  s.must(facilitator, { type: 'voting.start', activityId: 'brainstorm-1', target: 'themes', dotsPerPerson: 3, maxPerOption: 3 });
  assert.is(vote(s, ANNA, 'theme-nara', 1, 'brainstorm-1'), 'ok');
  assert.is(vote(s, ANNA, 'theme-nara', 1, 'brainstorm-1'), 'ok');
  assert.is(vote(s, ANNA, 'theme-barn', 1, 'brainstorm-1'), 'ok');
  s.must(facilitator, { type: 'theme.delete', themeId: 'theme-nara' });
  assert.equal(ballotOf(s.state, ANNA, 'brainstorm-1'), { 'theme-barn': 1 });
  assert.is(dotsUsed(s.state, 'brainstorm-1', ANNA), 1, 'two dots back to place');
  assert.is(s.state.notes['note-hemtjanst'].themeId, null);
  assert.equal(tally(s.state, 'brainstorm-1').map((r) => [r.optionId, r.total]), [['theme-barn', 1]]);
});

dots('votes are refused when voting is closed, on an unknown option, without voting, and from facilitators', () => {
  const s = prioritisation();
  place(s, ANNA, NARA);
  assert.is(vote(s, ANNA, 'opt-finns-inte'), 'not_found');
  assert.is(s.try(facilitator, { type: 'vote.cast', activityId: PRIO, optionId: NARA, delta: 1 }), 'forbidden', 'facilitators do not vote');
  s.must(facilitator, { type: 'voting.close', activityId: PRIO });
  assert.is(vote(s, BERTIL, NARA), 'voting_closed');
  assert.is(vote(s, ANNA, NARA, -1), 'voting_closed', 'nor can a dot be taken back once closed');
  assert.equal(ballotOf(s.state, ANNA), { [NARA]: 1 });
  s.must(facilitator, { type: 'voting.reopen', activityId: PRIO });
  assert.is(vote(s, ANNA, NARA, -1), 'ok');

  const noVote = story({ agenda: [{ kind: 'brainstorm', id: 'brainstorm-1' }], participants: [ANNA] });
  noVote.note(anna, 'note-idea-01', 'brainstorm-1');
  assert.is(vote(noVote, ANNA, 'note-idea-01', 1, 'brainstorm-1'), 'not_found', 'no voting started');
});

dots('a dot, placed or taken back, lands only on the current activity while it is not locked', () => {
  const s = prioritisation();
  place(s, ANNA, NARA);
  s.must(facilitator, { type: 'activity.lock', activityId: PRIO, locked: true });
  assert.is(vote(s, BERTIL, NARA), 'locked');
  assert.is(vote(s, ANNA, NARA, -1), 'locked', 'nor is one taken back');
  s.must(facilitator, { type: 'activity.lock', activityId: PRIO, locked: false });
  s.must(facilitator, { type: 'activity.focus', activityId: null });
  assert.equal(s.run(participant(BERTIL), { type: 'vote.cast', activityId: PRIO, optionId: NARA, delta: 1 }), {
    ok: false,
    error: 'not_current',
    detail: 'activity',
  });
  assert.is(vote(s, ANNA, NARA, -1), 'not_current');
  assert.equal(s.state.ballots[PRIO], { [ANNA]: { [NARA]: 1 } }, 'the ballots are as they were');
  s.must(facilitator, { type: 'activity.focus', activityId: PRIO });
  place(s, BERTIL, NARA);
});

dots('only the facilitator starts, closes, reopens and reveals; settings can be corrected until the first dot', () => {
  const s = prioritisation();
  for (const type of ['voting.close', 'voting.reopen'] as const) assert.is(s.try(anna, { type, activityId: PRIO }), 'forbidden');
  assert.is(s.try(anna, { type: 'results.reveal', activityId: PRIO, revealed: true }), 'forbidden');
  assert.is(s.try(anna, { type: 'voting.start', activityId: PRIO, dotsPerPerson: 50, maxPerOption: 50 }), 'forbidden');
  assert.is(s.try(facilitator, { type: 'voting.start', activityId: PRIO, dotsPerPerson: 4, maxPerOption: 2 }), 'ok', 'no dot yet');
  s.must(facilitator, { type: 'voting.start', activityId: PRIO, dotsPerPerson: 3, maxPerOption: 2 });
  place(s, ANNA, NARA);
  assert.is(s.try(facilitator, { type: 'voting.start', activityId: PRIO, dotsPerPerson: 5, maxPerOption: 5 }), 'exists', 'the vote stands once dots are placed');
  assert.equal(s.state.activities[0].voting, { target: 'notes', dotsPerPerson: 3, maxPerOption: 2, open: true, live: false, revealed: false });
});

dots('participants cannot add options to a prioritisation; the facilitator can', () => {
  const s = prioritisation();
  assert.is(s.note(anna, 'note-anna-opt', PRIO, 'Mitt eget område', 'options'), 'forbidden');
  assert.is(s.note(facilitator, 'opt-missbruk', PRIO, 'Missbruk', 'options'), 'ok');
  assert.ok(optionsOf(s.state, s.state.activities[0]).some((o) => o.id === 'opt-missbruk'));
  assert.is(vote(s, ANNA, 'opt-missbruk'), 'ok', 'a late option can be voted on');
});

dots('a participant sees only their own ballot; the projector none; the facilitator all', () => {
  const s = prioritisation();
  place(s, ANNA, NARA, BARN);
  place(s, BERTIL, PSYK);
  assert.equal(view(s.state, anna).ballots[PRIO], { [ANNA]: { [NARA]: 1, [BARN]: 1 } });
  assert.equal(view(s.state, participant(FATIMA)).ballots[PRIO], {}, 'not having voted, Fatima sees no ballot at all');
  assert.equal(view(s.state, projector).ballots[PRIO], {});
  assert.equal(view(s.state, facilitator).ballots[PRIO], s.state.ballots[PRIO]);
  const [, cast] = s.log.filter((e) => e.event.type === 'vote.cast').map((e) => e.event);
  assert.is(viewEvent(s.state, cast, bertil), null, 'Bertil does not hear of Anna’s dot');
  assert.is(viewEvent(s.state, cast, projector), null);
  assert.equal(viewEvent(s.state, cast, anna), cast);
  assert.equal(deliveries(s.state, cast).map((d) => d.to), [{ kind: 'facilitators' }, { kind: 'participant', participantId: ANNA }]);
});

// ---------------------------------------------------------------------------------------------
const importing = suite('options from an earlier activity');

function afterSwot(): Story {
  const s = story({ agenda: [{ kind: 'swot', id: 'swot-1' }, { kind: 'prioritise', id: PRIO }], participants: [ANNA, BERTIL] });
  s.note(anna, 'note-s-samverkan', 'swot-1', 'God samverkan', 's');
  s.note(anna, 'note-o-digital', 'swot-1', 'Digitala möten', 'o');
  s.note(bertil, 'note-t-budget', 'swot-1', 'Budgetläget', 't');
  s.note(bertil, 'note-o-naravard', 'swot-1', 'Nära vård-reformen', 'o');
  return s;
}

importing('the SWOT’s opportunities become the options, in posting order, as the facilitator’s', () => {
  const s = afterSwot();
  s.must(facilitator, { type: 'options.import', activityId: PRIO, fromActivityId: 'swot-1', what: 'notes', columnId: 'o' });
  const options = notesOf(s.state, PRIO);
  assert.equal(options.map((n) => n.text), ['Digitala möten', 'Nära vård-reformen']);
  for (const n of options) {
    assert.is(n.authorId, FACILITATOR_ID);
    assert.is(n.columnId, 'options');
  }
  assert.is(notesOf(s.state, 'swot-1').length, 4, 'the SWOT keeps its notes');
});

importing('without a column every note comes over; importing twice adds nothing twice', () => {
  const s = afterSwot();
  s.must(facilitator, { type: 'options.import', activityId: PRIO, fromActivityId: 'swot-1', what: 'notes', columnId: 'o' });
  s.must(facilitator, { type: 'options.import', activityId: PRIO, fromActivityId: 'swot-1', what: 'notes' });
  assert.equal(notesOf(s.state, PRIO).map((n) => n.text).sort(), ['Budgetläget', 'Digitala möten', 'God samverkan', 'Nära vård-reformen']);
  const seq = s.state.seq;
  assert.equal(s.must(facilitator, { type: 'options.import', activityId: PRIO, fromActivityId: 'swot-1', what: 'notes' }), []);
  assert.is(s.state.seq, seq);
});

importing('a brainstorm’s themes become options by their names', () => {
  const s = story({ agenda: [{ kind: 'brainstorm', id: 'brainstorm-1' }, { kind: 'prioritise', id: PRIO }], participants: [ANNA] });
  s.note(anna, 'note-hemtjanst', 'brainstorm-1', 'Hemtjänst');
  s.must(facilitator, { type: 'theme.create', themeId: 'theme-nara', activityId: 'brainstorm-1', name: 'Nära vård', noteIds: ['note-hemtjanst'] });
  s.must(facilitator, { type: 'theme.create', themeId: 'theme-psyk', activityId: 'brainstorm-1', name: 'Psykisk hälsa', noteIds: [] });
  s.must(facilitator, { type: 'options.import', activityId: PRIO, fromActivityId: 'brainstorm-1', what: 'themes' });
  s.must(facilitator, { type: 'options.import', activityId: PRIO, fromActivityId: 'brainstorm-1', what: 'themes' });
  assert.equal(notesOf(s.state, PRIO).map((n) => n.text).sort(), ['Nära vård', 'Psykisk hälsa']);
  s.must(facilitator, { type: 'voting.start', activityId: PRIO, dotsPerPerson: 3, maxPerOption: 3 });
  s.must(facilitator, { type: 'activity.focus', activityId: PRIO });
  const [first] = optionsOf(s.state, s.state.activities[1]);
  assert.is(vote(s, ANNA, first.id), 'ok', 'imported options take dots');
});

importing('only the facilitator imports, and only between activities that exist', () => {
  const s = afterSwot();
  assert.is(s.try(anna, { type: 'options.import', activityId: PRIO, fromActivityId: 'swot-1', what: 'notes' }), 'forbidden');
  assert.is(s.try(facilitator, { type: 'options.import', activityId: PRIO, fromActivityId: 'swot-404', what: 'notes' }), 'not_found');
  assert.equal(notesOf(s.state, PRIO), []);
});

// ---------------------------------------------------------------------------------------------
const silent = suite('silent brainstorming: hidden until reveal');

function silentBrainstorm(): Story {
  const s = story({ agenda: [{ kind: 'brainstorm', id: 'brainstorm-1' }], participants: [ANNA, BERTIL] });
  s.must(facilitator, { type: 'activity.update', activityId: 'brainstorm-1', hidden: true });
  s.note(anna, 'note-anna-01', 'brainstorm-1', 'Gemensam journal');
  s.note(anna, 'note-anna-02', 'brainstorm-1', 'Fler mötesplatser');
  s.note(bertil, 'note-bertil-1', 'brainstorm-1', 'Samordnad individuell plan');
  return s;
}
const texts = (w: Workshop) => Object.values(w.notes).map((n) => n.text).sort();

silent('others see only how many notes there are; authors and facilitators see the notes', () => {
  const s = silentBrainstorm();
  assert.equal(texts(view(s.state, bertil)), ['Samordnad individuell plan']);
  assert.equal(texts(view(s.state, anna)), ['Fler mötesplatser', 'Gemensam journal']);
  assert.equal(texts(view(s.state, projector)), []);
  assert.is(texts(view(s.state, facilitator)).length, 3);
  assert.equal(projection(s.state).hiddenCounts, { 'brainstorm-1': 3 });
});

silent('a hidden note’s events go to its author and the facilitators only', () => {
  const s = silentBrainstorm();
  const added = s.log.find((e) => e.event.type === 'note.added' && e.event.note.id === 'note-anna-01')!.event;
  assert.is(viewEvent(s.state, added, bertil), null);
  assert.is(viewEvent(s.state, added, projector), null);
  assert.ok(viewEvent(s.state, added, anna));
  assert.equal(deliveries(s.state, added).map((d) => d.to), [{ kind: 'facilitators' }, { kind: 'participant', participantId: ANNA }]);
  s.must(anna, { type: 'note.edit', noteId: 'note-anna-01', text: 'Gemensam journal för alla' });
  const edited = s.log.at(-1)!.event;
  assert.equal(deliveries(s.state, edited).map((d) => d.to), [{ kind: 'facilitators' }, { kind: 'participant', participantId: ANNA }]);
});

silent('revealing shows everyone every note and the count is no longer needed', () => {
  const s = silentBrainstorm();
  const [reveal] = s.must(facilitator, { type: 'activity.update', activityId: 'brainstorm-1', hidden: false });
  assert.equal(texts(view(s.state, bertil)), texts(s.state));
  assert.equal(texts(view(s.state, projector)), texts(s.state));
  assert.equal(projection(s.state).hiddenCounts, {});
  assert.equal(deliveries(s.state, reveal).map((d) => d.to), [{ kind: 'facilitators' }, { kind: 'public' }]);
  assert.ok(deliveries(s.state, reveal).some((d) => 'resync' in d), 'everyone gets a fresh view');
});

silent('only the facilitator hides and reveals', () => {
  const s = silentBrainstorm();
  assert.is(s.try(anna, { type: 'activity.update', activityId: 'brainstorm-1', hidden: false }), 'forbidden');
  assert.ok(s.state.activities[0].hidden);
});

// ---------------------------------------------------------------------------------------------
const themes = suite('themes and the summary');

function grouping(): Story {
  const s = story({ agenda: [{ kind: 'brainstorm', id: 'brainstorm-1' }, { kind: 'swot', id: 'swot-1' }], participants: [ANNA, BERTIL] });
  s.note(anna, 'note-hemtjanst', 'brainstorm-1', 'Hemtjänst');
  s.note(anna, 'note-vardcentral', 'brainstorm-1', 'Vårdcentral');
  s.note(bertil, 'note-bup', 'brainstorm-1', 'BUP');
  s.note(bertil, 'note-s-other', 'swot-1', 'Annan aktivitet', 's');
  return s;
}

themes('the facilitator groups notes into a named theme, renames it and moves notes in and out', () => {
  const s = grouping();
  s.must(facilitator, { type: 'theme.create', themeId: 'theme-nara', activityId: 'brainstorm-1', name: 'Nära vård', noteIds: ['note-hemtjanst'] });
  assert.equal(s.state.themes['theme-nara'], { id: 'theme-nara', activityId: 'brainstorm-1', name: 'Nära vård' });
  assert.is(s.state.notes['note-hemtjanst'].themeId, 'theme-nara');
  s.must(facilitator, { type: 'note.group', noteId: 'note-vardcentral', themeId: 'theme-nara' });
  s.must(facilitator, { type: 'theme.rename', themeId: 'theme-nara', name: 'Nära vård och omsorg' });
  assert.is(s.state.themes['theme-nara'].name, 'Nära vård och omsorg');
  s.must(facilitator, { type: 'note.group', noteId: 'note-hemtjanst', themeId: null });
  assert.equal(
    notesOf(s.state, 'brainstorm-1').map((n) => [n.id, n.themeId]),
    [
      ['note-hemtjanst', null],
      ['note-vardcentral', 'theme-nara'],
      ['note-bup', null],
    ],
  );
  assert.equal(s.must(facilitator, { type: 'note.group', noteId: 'note-vardcentral', themeId: 'theme-nara' }), [], 'grouping again changes nothing');
});

themes('ungrouping (deleting a theme) keeps its notes', () => {
  const s = grouping();
  s.must(facilitator, { type: 'theme.create', themeId: 'theme-nara', activityId: 'brainstorm-1', name: 'Nära vård', noteIds: ['note-hemtjanst', 'note-vardcentral'] });
  s.must(facilitator, { type: 'theme.delete', themeId: 'theme-nara' });
  assert.equal(s.state.themes, {});
  assert.equal(notesOf(s.state, 'brainstorm-1').map((n) => [n.text, n.themeId]), [
    ['Hemtjänst', null],
    ['Vårdcentral', null],
    ['BUP', null],
  ]);
});

themes('a theme holds only notes of its own activity, and only the facilitator makes themes', () => {
  const s = grouping();
  assert.is(s.try(facilitator, { type: 'theme.create', themeId: 'theme-mixed', activityId: 'brainstorm-1', name: 'Blandat', noteIds: ['note-s-other'] }), 'not_found');
  s.must(facilitator, { type: 'theme.create', themeId: 'theme-nara', activityId: 'brainstorm-1', name: 'Nära vård', noteIds: [] });
  assert.is(s.try(facilitator, { type: 'note.group', noteId: 'note-s-other', themeId: 'theme-nara' }), 'not_found');
  assert.is(s.try(facilitator, { type: 'theme.create', themeId: 'theme-nara', activityId: 'brainstorm-1', name: 'Igen', noteIds: [] }), 'exists');
  assert.is(s.try(anna, { type: 'theme.create', themeId: 'theme-anna1', activityId: 'brainstorm-1', name: 'Mitt', noteIds: [] }), 'forbidden');
  assert.is(s.try(anna, { type: 'note.group', noteId: 'note-hemtjanst', themeId: 'theme-nara' }), 'forbidden');
  assert.is(s.try(anna, { type: 'theme.rename', themeId: 'theme-nara', name: 'Annat' }), 'forbidden');
  assert.is(s.try(anna, { type: 'theme.delete', themeId: 'theme-nara' }), 'forbidden');
  assert.equal(Object.keys(s.state.themes), ['theme-nara']);
  assert.is(s.state.notes['note-hemtjanst'].themeId, null);
});

themes('removing an activity removes its themes', () => {
  const s = grouping();
  s.must(facilitator, { type: 'theme.create', themeId: 'theme-nara', activityId: 'brainstorm-1', name: 'Nära vård', noteIds: ['note-hemtjanst'] });
  s.must(facilitator, { type: 'activity.remove', activityId: 'brainstorm-1' });
  assert.equal(s.state.themes, {});
});

themes('the facilitator writes a summary for the activity; everyone gets it', () => {
  const s = grouping();
  const summary = 'Sammanfattning av gruppdiskussion: nära vård och barn och unga först.';
  const [event] = s.must(facilitator, { type: 'activity.update', activityId: 'brainstorm-1', summary });
  assert.is(s.state.activities[0].summary, summary);
  assert.equal(deliveries(s.state, event), [{ to: { kind: 'everyone' }, event }]);
  assert.is(view(s.state, projector).activities[0].summary, summary);
  assert.is(s.try(anna, { type: 'activity.update', activityId: 'brainstorm-1', summary: 'Min' }), 'forbidden');
});

// ---------------------------------------------------------------------------------------------
const rating = suite('evaluation rating');

rating('a 1–5 rating is kept beside the comment and can be changed', () => {
  const s = story({ agenda: [{ kind: 'evaluation', id: 'evaluation-1' }], participants: [ANNA] });
  s.must(anna, { type: 'note.add', noteId: 'note-eval-anna', activityId: 'evaluation-1', columnId: 'comments', text: 'Bra dag', rating: 4 });
  assert.is(s.state.notes['note-eval-anna'].rating, 4);
  s.must(anna, { type: 'note.edit', noteId: 'note-eval-anna', text: 'Bra dag', rating: 5 });
  assert.is(s.state.notes['note-eval-anna'].rating, 5);
  s.must(anna, { type: 'note.edit', noteId: 'note-eval-anna', text: 'Mycket bra dag' });
  assert.is(s.state.notes['note-eval-anna'].rating, 5, 'editing only the text keeps the rating');
  assert.is(s.state.notes['note-eval-anna'].text, 'Mycket bra dag');
});

rating('a comment without a rating is fine', () => {
  const s = story({ agenda: [{ kind: 'evaluation', id: 'evaluation-1' }], participants: [ANNA] });
  s.must(anna, { type: 'note.add', noteId: 'note-eval-anna', activityId: 'evaluation-1', columnId: 'comments', text: 'Inget betyg' });
  assert.is(s.state.notes['note-eval-anna'].rating, undefined);
});

rating('outside an evaluation a rating is ignored', () => {
  const s = story({ agenda: [{ kind: 'swot', id: 'swot-1' }], participants: [ANNA] });
  s.must(anna, { type: 'note.add', noteId: 'note-s-anna1', activityId: 'swot-1', columnId: 's', text: 'Styrka', rating: 5 });
  assert.is(s.state.notes['note-s-anna1'].rating, undefined);
  assert.equal(s.must(anna, { type: 'note.edit', noteId: 'note-s-anna1', text: 'Styrka', rating: 2 }), [], 'no event');
  assert.is(s.state.notes['note-s-anna1'].rating, undefined);
});

rating('a rating outside 1–5 never gets past the wire schema', () => {
  for (const bad of [0, 6, 2.5, '4'])
    assert.not.ok(parseCommand({ id: 'cmd-rating1', type: 'note.add', noteId: 'note-eval-x1', activityId: 'evaluation-1', columnId: 'comments', text: 'x', rating: bad }).ok, `rating ${bad}`);
  for (const good of [1, 5])
    assert.ok(parseCommand({ id: 'cmd-rating1', type: 'note.edit', noteId: 'note-eval-x1', text: 'x', rating: good }).ok);
});

ranking.run();
dots.run();
importing.run();
silent.run();
themes.run();
rating.run();

const evaluation = suite('the evaluation round');

evaluation('the average rating counts only the comments that carry one', () => {
  assert.is(averageRating([]), null);
  assert.is(averageRating([{}, { rating: undefined }]), null);
  const result = averageRating([{ rating: 5 }, { rating: 4 }, {}, { rating: 4 }]);
  assert.equal(result, { average: 13 / 3, count: 3 });
});

evaluation.run();

const fairness = suite('whose dots count');

fairness('a participant the facilitator removes no longer counts in the ranking', () => {
  const s = prioritisation();
  place(s, ANNA, NARA, NARA);
  place(s, BERTIL, BARN);
  s.must(facilitator, { type: 'participant.remove', participantId: ANNA });
  const ranking = tally(s.state, PRIO);
  assert.is(ranking.find((r) => r.optionId === NARA)!.total, 0);
  assert.is(ranking[0].optionId, BARN);
});

fairness('nobody votes on a note they may not see', () => {
  const s = story({ agenda: ['swot'], participants: [ANNA, BERTIL] });
  s.must(facilitator, { type: 'activity.update', activityId: 'swot-1', hidden: true });
  s.must(anna, { type: 'note.add', noteId: 'note-secret', activityId: 'swot-1', columnId: 's', text: 'Tyst idé' });
  s.must(facilitator, { type: 'voting.start', activityId: 'swot-1', dotsPerPerson: 3, maxPerOption: 1 });
  assert.is(vote(s, BERTIL, 'note-secret', 1, 'swot-1'), 'not_found', 'hidden from Bertil');
  assert.is(vote(s, ANNA, 'note-secret', 1, 'swot-1'), 'ok', 'Anna sees her own');
});

fairness.run();
