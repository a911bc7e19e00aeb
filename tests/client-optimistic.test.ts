// The phone's optimistic view runs the server's own decide + apply on what it sends: a note
// written offline has exactly the fields the server will keep, a dot counts at once, and what
// the phone shows before the ack is what the server ends with.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { notesFor, optimisticView, type Failure, type NoteView } from '../client/src/lib/optimistic.ts';
import type { Command } from '../shared/schema.ts';
import { roomOf, type Actor, type Note, type Workshop } from '../shared/workshop/model.ts';
import { view } from '../shared/workshop/view.ts';
import { optionsOf } from '../shared/workshop/voting.ts';
import { T0, command, facilitator, participant, story, type CommandInput, type Story } from './helpers/builders.ts';

const ANNA = 'p-anna';
const BERTIL = 'p-bertil';
const anna = participant(ANNA);
const bertil = participant(BERTIL);

/** A workshop with a board of each kind that keeps extra fields; Anna and Bertil have joined. */
const kalmar = () =>
  story({ agenda: ['brainstorm', 'evaluation', 'actions', 'prioritise'], participants: [ANNA, BERTIL] });

interface Outgoing {
  pending?: Command[];
  settling?: Command[];
  failures?: Failure[];
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * The page `actor` is, on the state the server sent it. That state is frozen: the view folds
 * in place on its own copy and must never change what the page holds (a throw here if it did).
 */
const phone = (state: Workshop, actor: Actor, { pending = [], settling = [], failures = [] }: Outgoing) =>
  optimisticView(deepFreeze(structuredClone(view(state, actor))), actor, { pending, settling, failures, now: T0 });

/** A note as shown, without what only the page knows (flags), its place and its times. */
function shape(note: Note | NoteView) {
  const { order: _order, createdAt: _created, updatedAt: _updated, ...rest } = note;
  const { pending: _pending, error: _error, failureId: _failure, ...fields } = rest as NoteView;
  return fields;
}

/** The server's answer to `input` by `actor`: the command, and the state after it. */
function serverRuns(s: Story, actor: Actor, input: CommandInput): Command {
  const decision = s.run(actor, input);
  assert.ok(decision.ok, `the server accepts ${input.type}`);
  return command(input);
}

// ---------------------------------------------------------------------------------------------
const rules = suite('a note written offline is what the server will keep');

rules('owner and due only on next steps, a rating only on an evaluation, as the server keeps them', () => {
  const s = kalmar();
  const before = s.state;
  const extras = { owner: 'Bertil', due: '2026-04-01', rating: 4 };
  const inputs: CommandInput[] = [
    { type: 'note.add', noteId: 'note-idea-01', activityId: 'brainstorm-1', columnId: 'q1', text: 'Idé', ...extras },
    { type: 'note.add', noteId: 'note-step-01', activityId: 'actions-1', columnId: 'actions', text: 'Ring kommunen' },
    { type: 'note.add', noteId: 'note-eval-01', activityId: 'evaluation-1', columnId: 'comments', text: 'Bra dag', ...extras },
  ];
  const pending = inputs.map((input) => serverRuns(s, facilitator, input));
  const { notes } = phone(before, facilitator, { pending });

  for (const id of ['note-idea-01', 'note-step-01', 'note-eval-01'])
    assert.equal(shape(notes[id]), shape(s.state.notes[id]), id);
  // What the hand-written copy got wrong: extras on any board, none where the kind keeps them.
  assert.not.ok('owner' in notes['note-idea-01'] || 'rating' in notes['note-idea-01']);
  assert.is(notes['note-step-01'].owner, '');
  assert.is(notes['note-step-01'].due, '');
  assert.is(notes['note-eval-01'].rating, 4);
  assert.not.ok('owner' in notes['note-eval-01']);
});

rules('a note written in a breakout room is in that room at once, as the server will place it', () => {
  const s = kalmar();
  s.must(facilitator, {
    type: 'breakout.open',
    activityId: 'brainstorm-1',
    assignment: 'manual',
    rooms: [
      { id: 'room-a-01', name: 'Rum A', members: [ANNA] },
      { id: 'room-b-01', name: 'Rum B', members: [BERTIL] },
    ],
  });
  const before = s.state;
  const add = serverRuns(s, anna, { type: 'note.add', noteId: 'note-anna-01', activityId: 'brainstorm-1', columnId: 'q1', text: 'I rummet' });
  const note = phone(before, anna, { pending: [add] }).notes['note-anna-01'];
  assert.is(note.roomId, 'room-a-01');
  assert.is(note.authorId, ANNA);
  assert.is(note.pending, true);
});

rules('an edit offline changes only what the kind keeps; a facilitator’s next step gets its owner', () => {
  const s = kalmar();
  s.must(facilitator, { type: 'note.add', noteId: 'note-step-01', activityId: 'actions-1', columnId: 'actions', text: 'Ring' });
  s.note(anna, 'note-anna-01', 'brainstorm-1', 'Idé');
  const before = s.state;
  const step = serverRuns(s, facilitator, { type: 'note.edit', noteId: 'note-step-01', text: 'Ring Bertil', owner: 'Cecilia', due: '2026-05-01' });
  const idea = serverRuns(s, facilitator, { type: 'note.edit', noteId: 'note-anna-01', text: 'Idé', owner: 'Cecilia', rating: 2 });
  const { notes } = phone(before, facilitator, { pending: [step, idea] });
  assert.equal(shape(notes['note-step-01']), shape(s.state.notes['note-step-01']));
  assert.equal(shape(notes['note-anna-01']), shape(before.notes['note-anna-01']), 'nothing the brainstorm keeps changed');
  assert.is(notes['note-step-01'].pending, true);
  assert.is(notes['note-anna-01'].pending, false, 'a change the server will ignore is not shown as unsaved');
});

rules('acknowledged changes whose events are still on their way show as saved', () => {
  const s = kalmar();
  const before = s.state;
  const add = serverRuns(s, anna, { type: 'note.add', noteId: 'note-anna-01', activityId: 'brainstorm-1', columnId: 'q1', text: 'Kvitterad' });
  const edit = serverRuns(s, anna, { type: 'note.edit', noteId: 'note-anna-01', text: 'Rättad' });
  const note = phone(before, anna, { settling: [add], pending: [edit] }).notes['note-anna-01'];
  assert.is(note.text, 'Rättad');
  assert.is(note.pending, true, 'the edit is still unsaved');
  const settled = phone(before, anna, { settling: [add, edit] }).notes['note-anna-01'];
  assert.equal([settled.text, settled.pending, settled.error], ['Rättad', false, null]);
});

rules.run();

// ---------------------------------------------------------------------------------------------
const behind = suite('when the phone refuses what the server may accept');

behind('a note on an activity still locked on this phone shows unsaved, with the fields of its kind', () => {
  const s = kalmar();
  s.must(facilitator, { type: 'activity.lock', activityId: 'brainstorm-1', locked: true });
  // The phone has not heard yet that the facilitator unlocked it: its own decide says "locked".
  const add = command({ type: 'note.add', noteId: 'note-anna-01', activityId: 'brainstorm-1', columnId: 'q1', text: 'Hann', rating: 5 });
  const note = phone(s.state, anna, { pending: [add] }).notes['note-anna-01'];
  assert.ok(note, 'the note is not dropped');
  assert.equal(
    [note.authorId, note.text, note.pending, note.error, 'rating' in note],
    [ANNA, 'Hann', true, null, false],
  );
  assert.ok(note.order > s.state.seq, 'after the saved notes');
});

behind('one refused command hides neither the server’s notes nor the next command', () => {
  const s = kalmar();
  s.note(bertil, 'note-bertil-1', 'brainstorm-1', 'Bertils');
  s.note(anna, 'note-anna-01', 'brainstorm-1', 'Annas');
  s.must(facilitator, { type: 'activity.lock', activityId: 'brainstorm-1', locked: true });
  const edit = command({ type: 'note.edit', noteId: 'note-anna-01', text: 'Ändrad' });
  const vote = command({ type: 'vote.cast', activityId: 'prioritise-1', optionId: 'note-anna-01', delta: 1 });
  const add = command({ type: 'note.add', noteId: 'note-anna-02', activityId: 'brainstorm-1', columnId: 'q1', text: 'Ny' });
  const { notes } = phone(s.state, anna, { pending: [edit, vote, add] });
  assert.equal(notesFor(notes, 'brainstorm-1').map((n) => [n.id, n.text, n.pending]), [
    ['note-bertil-1', 'Bertils', false],
    ['note-anna-01', 'Ändrad', true],
    ['note-anna-02', 'Ny', true],
  ]);
});

behind('a note already on the server is shown once, as saved, not replaced by the queued copy', () => {
  const s = kalmar();
  const add = serverRuns(s, anna, { type: 'note.add', noteId: 'note-anna-01', activityId: 'brainstorm-1', columnId: 'q1', text: 'Sparad' });
  const { notes } = phone(s.state, anna, { pending: [add] });
  assert.equal(Object.keys(notes), ['note-anna-01']);
  assert.equal([notes['note-anna-01'].pending, notes['note-anna-01'].order], [false, s.state.notes['note-anna-01'].order]);
});

behind.run();

// ---------------------------------------------------------------------------------------------
const refused = suite('refused changes stay shown with their reason');

refused('a refused note keeps its text and the fields of its kind, after the unsaved ones', () => {
  const s = kalmar();
  s.must(facilitator, { type: 'activity.focus', activityId: 'evaluation-1' });
  s.note(anna, 'note-anna-01', 'evaluation-1', 'Första');
  const second = command({ type: 'note.add', noteId: 'note-anna-02', activityId: 'evaluation-1', columnId: 'comments', text: 'Andra', rating: 3, owner: 'Anna' });
  const queued = command({ type: 'note.edit', noteId: 'note-anna-01', text: 'Första, rättad' });
  const { notes } = phone(s.state, anna, { pending: [queued], failures: [{ command: second, message: 'En kommentar var' }] });
  const note = notes['note-anna-02'];
  assert.equal([note.text, note.rating, 'owner' in note, note.pending], ['Andra', 3, false, false]);
  assert.equal([note.error, note.failureId], ['En kommentar var', second.id]);
  assert.equal(notesFor(notes, 'evaluation-1').map((n) => n.id), ['note-anna-01', 'note-anna-02']);
});

refused('a refused note whose board is gone is laid on no board: the page lists the failure apart', () => {
  const s = kalmar();
  const add = command({ type: 'note.add', noteId: 'note-anna-01', activityId: 'brainstorm-1', columnId: 'q9', text: 'Kolumnen borta' });
  assert.equal(phone(s.state, anna, { failures: [{ command: add, message: 'Finns inte' }] }).notes, {});
});

refused.run();

// ---------------------------------------------------------------------------------------------
const dots = suite('dots on their way');

/** Kalmar with the vote open on the prioritisation's three options. */
function voting() {
  const s = kalmar();
  for (const [noteId, text] of [['opt-nara-vard', 'Nära vård'], ['opt-barn-unga', 'Barn och unga'], ['opt-aldre-01', 'Äldre']])
    s.must(facilitator, { type: 'note.add', noteId, activityId: 'prioritise-1', columnId: 'options', text });
  s.must(facilitator, { type: 'voting.start', activityId: 'prioritise-1', dotsPerPerson: 3, maxPerOption: 2 });
  s.must(facilitator, { type: 'activity.focus', activityId: 'prioritise-1' });
  return s;
}
const cast = (optionId: string, delta: 1 | -1 = 1) => command({ type: 'vote.cast', activityId: 'prioritise-1', optionId, delta });

dots('a dot placed offline counts at once; one taken back goes, and none is left at zero', () => {
  const s = voting();
  s.must(anna, { type: 'vote.cast', activityId: 'prioritise-1', optionId: 'opt-nara-vard', delta: 1 });
  const { ballots } = phone(s.state, anna, { settling: [cast('opt-barn-unga')], pending: [cast('opt-barn-unga'), cast('opt-nara-vard', -1)] });
  assert.equal(ballots, { 'prioritise-1': { 'opt-barn-unga': 2 } });
});

dots('a note deleted offline gives its dots back at once, as the server will', () => {
  const s = voting();
  s.must(facilitator, { type: 'voting.start', activityId: 'brainstorm-1', dotsPerPerson: 3, maxPerOption: 2 });
  s.must(facilitator, { type: 'activity.focus', activityId: 'brainstorm-1' });
  assert.is(s.note(anna, 'note-anna-01', 'brainstorm-1', 'Min idé'), 'ok');
  s.must(anna, { type: 'vote.cast', activityId: 'brainstorm-1', optionId: 'note-anna-01', delta: 1 });
  const { ballots } = phone(s.state, anna, { pending: [command({ type: 'note.delete', noteId: 'note-anna-01' })] });
  assert.equal(ballots['brainstorm-1'], {});
});

dots('a dot on a vote closed on this phone but reopened on the server still shows until it answers', () => {
  const s = voting();
  s.must(facilitator, { type: 'voting.close', activityId: 'prioritise-1' });
  assert.equal(phone(s.state, anna, { pending: [cast('opt-aldre-01')] }).ballots, { 'prioritise-1': { 'opt-aldre-01': 1 } });
});

dots('others’ dots and a facilitator’s page have none to show', () => {
  const s = voting();
  s.must(bertil, { type: 'vote.cast', activityId: 'prioritise-1', optionId: 'opt-aldre-01', delta: 1 });
  assert.equal(phone(s.state, anna, {}).ballots, {});
  assert.equal(phone(s.state, facilitator, { pending: [cast('opt-aldre-01')] }).ballots, {});
});

dots.run();

// ---------------------------------------------------------------------------------------------
const same = suite('what the phone shows before the ack is what the server ends with');

type Op =
  | { kind: 'add'; activity: number; column: number; text: string; rating: number; step: boolean; room: boolean }
  | { kind: 'edit'; pick: number; text: string; rating: number; step: boolean }
  | { kind: 'move'; pick: number; column: number }
  | { kind: 'delete'; pick: number }
  | { kind: 'vote'; activity: number; pick: number; up: boolean }
  | { kind: 'focus' | 'lock' | 'hide' | 'anonymous' | 'breakout' | 'voting'; activity: number; on: boolean; themes: boolean }
  | { kind: 'theme'; pick: number; name: string };

const text = fc.constantFrom('Styrka', 'Nära vård', 'Ring Bertil', 'Bra dag');
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('add' as const), activity: fc.nat(), column: fc.nat(), text, rating: fc.integer({ min: 0, max: 5 }), step: fc.boolean(), room: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('edit' as const), pick: fc.nat(), text, rating: fc.integer({ min: 0, max: 5 }), step: fc.boolean() }) },
  fc.record({ kind: fc.constant('move' as const), pick: fc.nat(), column: fc.nat() }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('vote' as const), activity: fc.nat(), pick: fc.nat(), up: fc.boolean() }) },
  fc.record({
    kind: fc.constantFrom('focus' as const, 'lock' as const, 'hide' as const, 'anonymous' as const, 'breakout' as const, 'voting' as const),
    activity: fc.nat(),
    on: fc.boolean(),
    themes: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('theme' as const), pick: fc.nat(), name: text }),
);
const actor = fc.constantFrom(facilitator, anna, bertil);

/** The command `who`'s page would make for `o` from what it sees, or null when there is nothing to act on. */
function toInput(s: Story, who: Actor, o: Op, fresh: () => string): CommandInput | null {
  const seen = view(s.state, who);
  const activities = seen.activities;
  const notes = Object.values(seen.notes);
  const pickNote = (n: number) => (notes.length ? notes[n % notes.length] : null);
  const activity = 'activity' in o ? activities[o.activity % activities.length] : null;
  const extras = (rating: number, step: boolean) => ({
    ...(rating > 0 && { rating }),
    ...(step && { owner: 'Cecilia', due: '2026-05-01' }),
  });
  switch (o.kind) {
    case 'add': {
      const a = activity!;
      const breakout = a.breakout?.open ? a.breakout : null;
      const room = who.role === 'participant' ? roomOf(breakout, who.participantId) : breakout?.rooms[0];
      return {
        type: 'note.add',
        noteId: `note-gen-${fresh()}`,
        activityId: a.id,
        columnId: a.columns[o.column % a.columns.length].id,
        text: o.text,
        ...extras(o.rating, o.step),
        ...(o.room && room && { roomId: room.id }),
      };
    }
    case 'edit': {
      const note = pickNote(o.pick);
      return note && { type: 'note.edit', noteId: note.id, text: o.text, ...extras(o.rating, o.step) };
    }
    case 'move': {
      const note = pickNote(o.pick);
      const columns = note && activities.find((a) => a.id === note.activityId)!.columns;
      return note && { type: 'note.move', noteId: note.id, columnId: columns![o.column % columns!.length].id };
    }
    case 'delete': {
      const note = pickNote(o.pick);
      return note && { type: 'note.delete', noteId: note.id };
    }
    case 'vote': {
      const options = optionsOf(seen, activity!);
      if (!options.length) return null;
      return { type: 'vote.cast', activityId: activity!.id, optionId: options[o.pick % options.length].id, delta: o.up ? 1 : -1 };
    }
    case 'focus':
      return { type: 'activity.focus', activityId: activity!.id };
    case 'lock':
      return { type: 'activity.lock', activityId: activity!.id, locked: o.on };
    case 'hide':
      return { type: 'activity.update', activityId: activity!.id, hidden: o.on };
    case 'anonymous':
      return { type: 'activity.update', activityId: activity!.id, anonymous: o.on };
    case 'breakout': {
      if (!o.on) return { type: 'breakout.close', activityId: activity!.id };
      const n = fresh();
      const rooms = [
        { id: `room-a-${n}`, name: 'Rum A', members: [ANNA] },
        { id: `room-b-${n}`, name: 'Rum B', members: [BERTIL] },
      ];
      return { type: 'breakout.open', activityId: seen.currentActivityId ?? activity!.id, assignment: 'manual', rooms };
    }
    case 'voting':
      return o.on
        ? { type: 'voting.start', activityId: activity!.id, target: o.themes ? 'themes' : 'notes', dotsPerPerson: 3, maxPerOption: 2 }
        : { type: 'voting.close', activityId: activity!.id };
    case 'theme': {
      const note = pickNote(o.pick);
      return note && { type: 'theme.create', themeId: `theme-gen-${fresh()}`, activityId: note.activityId, name: o.name, noteIds: [note.id] };
    }
  }
}

same('for any commands the server accepts from this page, the phone shows beforehand what the server ends with', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(actor, op), { maxLength: 40 }),
      actor,
      fc.array(op, { minLength: 1, maxLength: 15 }),
      fc.nat(),
      (before, page, queued, j) => {
        const s = voting();
        s.must(facilitator, { type: 'activity.focus', activityId: 'brainstorm-1' });
        let n = 0;
        const fresh = () => String(++n).padStart(3, '0');
        for (const [who, o] of before) {
          const input = toInput(s, who, o, fresh);
          if (input) s.run(who, input);
        }
        const start = s.state;
        // What this page sent that the server accepted, in order; the first `acked` acknowledged.
        const sent: Command[] = [];
        for (const o of queued) {
          const input = toInput(s, page, o, fresh);
          if (input && s.run(page, input).ok) sent.push(command(input));
        }
        const acked = j % (sent.length + 1);
        const shown = phone(start, page, { settling: sent.slice(0, acked), pending: sent.slice(acked) });
        const after = view(s.state, page);

        const inOrder = (notes: Record<string, Note | NoteView>) =>
          Object.values(notes).sort((a, b) => a.order - b.order).map(shape);
        assert.equal(inOrder(shown.notes), inOrder(after.notes));
        const mine: Record<string, Record<string, number>> = {};
        if (page.role === 'participant')
          for (const [activityId, byVoter] of Object.entries(after.ballots))
            if (byVoter[page.participantId]) mine[activityId] = byVoter[page.participantId];
        assert.equal(shown.ballots, mine);

        const unsaved = new Set(Object.values(shown.notes).filter((note) => note.pending).map((note) => note.id));
        for (const id of unsaved) assert.ok(id in after.notes, 'only notes the server will hold are unsaved');
        for (const note of Object.values(shown.notes)) assert.ok(note.error === null && note.failureId === null);
      },
    ),
    { numRuns: 400 },
  );
});

same.run();
