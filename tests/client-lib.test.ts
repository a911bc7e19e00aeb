// The client's pure helpers: the outbox that keeps a phone's commands until the server has them
// (across reloads and tabs), and the optimistic view that shows them at once, marked unsaved.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { Outbox } from '../client/src/lib/outbox.ts';
import { notesFor, optimisticView, type Failure, type NoteView } from '../client/src/lib/optimistic.ts';
import { BOARD_MAX_AGE_MS, BOARD_MAX_CHARS, BOARD_PREFIX, BUILD, loadBoard, saveBoard, sweepBoards, tokenTag, type CachedBoard } from '../client/src/lib/boardCache.ts';
import { forgetWorkshop, outboxPrefix } from '../client/src/lib/storage.ts';
import { PROTOCOL_VERSION } from '../shared/protocol.ts';
import { view } from '../shared/workshop/view.ts';
import type { Command } from '../shared/schema.ts';
import type { Actor, Workshop } from '../shared/workshop/model.ts';
import { T0, command, facilitator, participant, story, workshop, type CommandInput } from './helpers/builders.ts';

/**
 * What a browser's localStorage does, in memory: a stand-in for the browser. localStorage
 * promises no order of `key(i)`; this one hands keys out newest first, so nothing can lean on
 * insertion order.
 */
function memoryStorage(): Storage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    get length() {
      return map.size;
    },
    key: (i: number) => [...map.keys()].reverse()[i] ?? null,
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => void map.set(key, String(value)),
    removeItem: (key: string) => void map.delete(key),
    clear: () => map.clear(),
  };
}

const WS = 'ws-kalmar-01';
const annasQueue = outboxPrefix(WS, 'participant');

let n = 0;
/** A note as Anna writes it on her phone: a fresh command id and note id each time. */
function noteCommand(text = `Lapp ${++n}`): Command {
  const id = `cmd-${String(++n).padStart(6, '0')}`;
  return { id, type: 'note.add', noteId: `note-${id}`, activityId: 'swot-1', columnId: 's', text };
}

const ids = (outbox: Outbox) => outbox.commands.map((c) => c.id);

/** Run `f` while the clock reads `now()` (a phone whose clock was corrected, say). */
function withClock<T>(now: () => number, f: () => T): T {
  const real = Date.now;
  Date.now = now;
  try {
    return f();
  } finally {
    Date.now = real;
  }
}

// ---------------------------------------------------------------------------------------------
const outbox = suite('the outbox keeps what a phone sent until the server has it');

outbox('notes written offline wait in the order they were written', () => {
  const box = new Outbox(annasQueue, memoryStorage());
  const [a, b, c] = [noteCommand('Bra samarbete'), noteCommand('Lång väntan'), noteCommand('Ny lokal')];
  box.add(a);
  box.add(b);
  box.add(c);
  assert.equal(box.commands, [a, b, c]);
  assert.ok(box.has(b.id));
});

outbox('a note written offline survives a reload and is sent with the same id', () => {
  const storage = memoryStorage();
  const before = new Outbox(annasQueue, storage);
  const written = noteCommand('Vi behöver fler tolkar');
  before.add(written);

  const afterReload = new Outbox(annasQueue, storage);
  assert.equal(afterReload.commands, [written]);
  assert.is(afterReload.commands[0].id, written.id);
  assert.ok(afterReload.has(written.id));
});

outbox('many notes written offline come back after a reload in the order they were written', () => {
  const storage = memoryStorage();
  const before = new Outbox(annasQueue, storage);
  // All in the same millisecond, as a fast burst of commands would be.
  const written = Array.from({ length: 20 }, () => noteCommand());
  withClock(() => 1_000, () => written.forEach((c) => before.add(c)));
  assert.equal(ids(new Outbox(annasQueue, storage)), written.map((c) => c.id));
});

outbox('order survives a reload even when the phone clock jumps back in between', () => {
  const storage = memoryStorage();
  const first = noteCommand('före');
  const second = noteCommand('efter');
  withClock(() => 2_000_000, () => new Outbox(annasQueue, storage).add(first));
  // The phone's clock is corrected an hour back before the page is reloaded.
  withClock(() => 2_000_000 - 3_600_000, () => new Outbox(annasQueue, storage).add(second));
  assert.equal(ids(new Outbox(annasQueue, storage)), [first.id, second.id]);
});

outbox('an acknowledged note leaves the queue and does not come back after a reload', () => {
  const storage = memoryStorage();
  const box = new Outbox(annasQueue, storage);
  const [a, b, c] = [noteCommand(), noteCommand(), noteCommand()];
  [a, b, c].forEach((cmd) => box.add(cmd));

  assert.ok(box.remove(b.id));
  assert.equal(ids(box), [a.id, c.id]);
  assert.not.ok(box.has(b.id));
  assert.equal(ids(new Outbox(annasQueue, storage)), [a.id, c.id]);
});

outbox('a refused command leaves the queue too, so it is not resent forever', () => {
  const storage = memoryStorage();
  const box = new Outbox(annasQueue, storage);
  const refused = noteCommand('på en låst aktivitet');
  const kept = noteCommand();
  box.add(refused);
  box.add(kept);
  assert.ok(box.remove(refused.id));
  assert.equal(ids(new Outbox(annasQueue, storage)), [kept.id]);
});

outbox('a second answer for the same command is recognised as already handled', () => {
  // The connection only reports accepted/refused when remove() says the command was still there.
  const box = new Outbox(annasQueue, memoryStorage());
  const cmd = noteCommand();
  box.add(cmd);
  assert.is(box.remove(cmd.id), true);
  assert.is(box.remove(cmd.id), false);
  assert.is(box.remove('never-sent-1'), false);
  assert.equal(box.commands, []);
});

outbox('two tabs on the same workshop do not overwrite each other’s queued notes', () => {
  const storage = memoryStorage();
  const tab1 = new Outbox(annasQueue, storage);
  const tab2 = new Outbox(annasQueue, storage);
  const a1 = noteCommand('flik 1, första');
  const b1 = noteCommand('flik 2, första');
  const a2 = noteCommand('flik 1, andra');
  tab1.add(a1);
  tab2.add(b1);
  tab1.add(a2);

  assert.equal(ids(tab1), [a1.id, a2.id]);
  assert.equal(ids(tab2), [b1.id]);
  const reloaded = new Outbox(annasQueue, storage);
  assert.equal(new Set(ids(reloaded)), new Set([a1.id, a2.id, b1.id]));
  const order = ids(reloaded);
  assert.ok(order.indexOf(a1.id) < order.indexOf(a2.id), 'tab 1’s notes keep their order');
});

outbox('an acknowledgement in one tab does not drop the other tab’s notes', () => {
  const storage = memoryStorage();
  const tab1 = new Outbox(annasQueue, storage);
  const tab2 = new Outbox(annasQueue, storage);
  const mine = noteCommand();
  const theirs = noteCommand();
  tab1.add(mine);
  tab2.add(theirs);
  tab1.remove(mine.id);
  assert.equal(ids(tab2), [theirs.id]);
  assert.equal(ids(new Outbox(annasQueue, storage)), [theirs.id]);
});

outbox('each workshop and each identity in the browser has its own queue', () => {
  const storage = memoryStorage();
  const kalmar = new Outbox(outboxPrefix('ws-kalmar', 'participant'), storage);
  // An id that starts like the other one must not be mistaken for it.
  const kalmar2 = new Outbox(outboxPrefix('ws-kalmar2', 'participant'), storage);
  const asFacilitator = new Outbox(outboxPrefix('ws-kalmar', 'facilitator'), storage);
  const [k, k2, f] = [noteCommand(), noteCommand(), noteCommand()];
  kalmar.add(k);
  kalmar2.add(k2);
  asFacilitator.add(f);
  // Other things the browser remembers are not commands.
  storage.setItem('verkstad:participant:ws-kalmar', JSON.stringify('tok-abcdefghijklmnopqrstu'));
  storage.setItem('verkstad:profile', JSON.stringify({ name: 'Anna' }));

  assert.equal(ids(new Outbox(outboxPrefix('ws-kalmar', 'participant'), storage)), [k.id]);
  assert.equal(ids(new Outbox(outboxPrefix('ws-kalmar2', 'participant'), storage)), [k2.id]);
  assert.equal(ids(new Outbox(outboxPrefix('ws-kalmar', 'facilitator'), storage)), [f.id]);
  assert.equal(ids(new Outbox(outboxPrefix('ws-nybro', 'participant'), storage)), []);

  kalmar.remove(k.id);
  assert.equal(ids(new Outbox(outboxPrefix('ws-kalmar2', 'participant'), storage)), [k2.id]);
});

outbox('a damaged entry in storage is skipped and the rest of the queue loads', () => {
  const storage = memoryStorage();
  const good = noteCommand();
  new Outbox(annasQueue, storage).add(good);
  storage.setItem(`${annasQueue}garbled`, '{not json');
  storage.setItem(`${annasQueue}old-shape`, JSON.stringify({ id: 'x', type: 'note.add' }));
  storage.setItem(`${annasQueue}no-time`, JSON.stringify({ command: noteCommand() }));
  assert.equal(ids(new Outbox(annasQueue, storage)), [good.id]);
});

outbox('without storage (private mode) the queue still works for this page', () => {
  const box = new Outbox(annasQueue, null);
  const [a, b] = [noteCommand(), noteCommand()];
  box.add(a);
  box.add(b);
  box.remove(a.id);
  assert.equal(box.commands, [b]);
  assert.equal(new Outbox(annasQueue, null).commands, []);
});

outbox('when storage is full the note is still queued for this page', () => {
  const storage = memoryStorage();
  storage.setItem = () => {
    throw new DOMException('quota', 'QuotaExceededError');
  };
  const box = new Outbox(annasQueue, storage);
  const cmd = noteCommand();
  box.add(cmd);
  assert.equal(box.commands, [cmd]);
});

outbox('for any interleaving of writing, acknowledging and reloading, the queue is the unacknowledged commands in writing order', () => {
  type Op = { kind: 'add' } | { kind: 'ack'; pick: number } | { kind: 'reload' };
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 3, arbitrary: fc.constant<Op>({ kind: 'add' }) },
    { weight: 2, arbitrary: fc.nat().map((pick): Op => ({ kind: 'ack', pick })) },
    { weight: 1, arbitrary: fc.constant<Op>({ kind: 'reload' }) },
  );
  // Clocks that stand still, run, or jump back between operations.
  const clock = fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1 });
  fc.assert(
    fc.property(fc.array(op, { maxLength: 60 }), clock, (ops, ticks) => {
      const storage = memoryStorage();
      let box = new Outbox(annasQueue, storage);
      const expected: string[] = [];
      let now = 10_000;
      ops.forEach((o, i) => {
        now += ticks[i % ticks.length];
        withClock(() => now, () => {
          if (o.kind === 'add') {
            const cmd = noteCommand();
            box.add(cmd);
            expected.push(cmd.id);
          } else if (o.kind === 'ack') {
            if (!expected.length) return;
            const [id] = expected.splice(o.pick % expected.length, 1);
            assert.ok(box.remove(id));
          } else box = new Outbox(annasQueue, storage);
        });
        assert.equal(ids(box), expected);
      });
      assert.equal(ids(new Outbox(annasQueue, storage)), expected);
    }),
  );
});

outbox('for any interleaving of two tabs, a reload finds every unacknowledged note of both, each tab in its order', () => {
  const op = fc.record({ tab: fc.constantFrom(0, 1), ack: fc.boolean(), pick: fc.nat() });
  fc.assert(
    fc.property(fc.array(op, { maxLength: 50 }), (ops) => {
      const storage = memoryStorage();
      const tabs = [new Outbox(annasQueue, storage), new Outbox(annasQueue, storage)];
      const expected: string[][] = [[], []];
      for (const { tab, ack, pick } of ops) {
        const mine = expected[tab];
        if (ack && mine.length) tabs[tab].remove(mine.splice(pick % mine.length, 1)[0]);
        else {
          const cmd = noteCommand();
          tabs[tab].add(cmd);
          mine.push(cmd.id);
        }
        assert.equal(ids(tabs[0]), expected[0]);
        assert.equal(ids(tabs[1]), expected[1]);
      }
      const reloaded = ids(new Outbox(annasQueue, storage));
      assert.equal([...reloaded].sort(), [...expected[0], ...expected[1]].sort());
      for (const own of expected)
        assert.equal(
          reloaded.filter((id) => own.includes(id)),
          own,
        );
    }),
  );
});

outbox.run();

// ---------------------------------------------------------------------------------------------
const optimistic = suite('the optimistic view shows unsaved changes at once');

const ANNA = 'p-anna';
const anna = participant(ANNA);
/** A workshop with a SWOT (current) and a next-steps board; Anna has joined. */
const kalmar = () => story({ agenda: ['swot', 'actions'], participants: [ANNA] });

/** The notes of the optimistic view of the page `actor` is. */
const optimisticNotes = (state: Workshop, actor: Actor, pending: Command[], settling: Command[], failures: Failure[]) =>
  optimisticView(state, actor, { pending, settling, failures, now: T0 }).notes;

/** What the server will hold for Anna's pending command: its events applied. */
function serverAfter(state: Workshop, input: CommandInput): Workshop {
  const s = kalmar();
  s.state = state;
  const decision = s.run(anna, input);
  assert.ok(decision.ok, `the server accepts ${input.type}`);
  return s.state;
}

optimistic('a note written offline shows at once, as Anna’s, marked unsaved, after the saved ones', () => {
  const s = kalmar();
  s.note(anna, 'note-saved-1', 'swot-1', 'Redan sparad');
  const add = command({ type: 'note.add', noteId: 'note-new-01', activityId: 'swot-1', columnId: 'w', text: 'Skrivet offline' });

  const notes = optimisticNotes(s.state, anna, [add], [], []);
  const fresh = notes['note-new-01'];
  assert.ok(fresh, 'the new note is shown');
  assert.is(fresh.text, 'Skrivet offline');
  assert.is(fresh.columnId, 'w');
  assert.is(fresh.authorId, ANNA);
  assert.is(fresh.pending, true);
  assert.is(fresh.error, null);
  assert.is(notes['note-saved-1'].pending, false);
  assert.equal(notesFor(notes, 'swot-1').map((n) => n.id), ['note-saved-1', 'note-new-01']);
  assert.equal(notesFor(notes, 'actions-1'), []);
});

optimistic('an edit not yet saved shows the new text, marked unsaved; other notes stay as they are', () => {
  const s = kalmar();
  s.note(anna, 'note-anna-01', 'swot-1', 'Första versionen');
  s.note(facilitator, 'note-fac-001', 'swot-1', 'Facilitatorns');
  const edit = command({ type: 'note.edit', noteId: 'note-anna-01', text: 'Rättad version' });

  const notes = optimisticNotes(s.state, anna, [edit], [], []);
  assert.is(notes['note-anna-01'].text, 'Rättad version');
  assert.is(notes['note-anna-01'].pending, true);
  assert.is(notes['note-fac-001'].text, 'Facilitatorns');
  assert.is(notes['note-fac-001'].pending, false);
  assert.is(s.state.notes['note-anna-01'].text, 'Första versionen', 'the server state itself is untouched');
});

optimistic('a next step edited offline shows its new owner and date', () => {
  const s = kalmar();
  s.must(facilitator, { type: 'note.add', noteId: 'note-step-01', activityId: 'actions-1', columnId: 'actions', text: 'Ringa kommunen' });
  const edit = command({ type: 'note.edit', noteId: 'note-step-01', text: 'Ringa kommunen', owner: 'Bertil', due: '2026-04-01' });
  const note = optimisticNotes(s.state, facilitator, [edit], [], [])['note-step-01'];
  assert.is(note.owner, 'Bertil');
  assert.is(note.due, '2026-04-01');
  assert.is(note.pending, true);
});

optimistic('a note moved offline shows in its new column, marked unsaved', () => {
  const s = kalmar();
  s.note(anna, 'note-anna-01', 'swot-1', 'Hot eller svaghet?', 't');
  const move = command({ type: 'note.move', noteId: 'note-anna-01', columnId: 'w' });
  const note = optimisticNotes(s.state, anna, [move], [], [])['note-anna-01'];
  assert.is(note.columnId, 'w');
  assert.is(note.pending, true);
});

optimistic('a note deleted offline disappears at once', () => {
  const s = kalmar();
  s.note(anna, 'note-anna-01', 'swot-1', 'Fel lapp');
  s.note(anna, 'note-anna-02', 'swot-1', 'Rätt lapp');
  const del = command({ type: 'note.delete', noteId: 'note-anna-01' });
  const notes = optimisticNotes(s.state, anna, [del], [], []);
  assert.equal(Object.keys(notes), ['note-anna-02']);
});

optimistic('a note written and then edited offline shows the edit, still unsaved', () => {
  const s = kalmar();
  const add = command({ type: 'note.add', noteId: 'note-new-01', activityId: 'swot-1', columnId: 's', text: 'Stavfel' });
  const edit = command({ type: 'note.edit', noteId: 'note-new-01', text: 'Rättstavat' });
  const notes = optimisticNotes(s.state, anna, [add, edit], [], []);
  assert.is(notes['note-new-01'].text, 'Rättstavat');
  assert.is(notes['note-new-01'].pending, true);
});

optimistic('once the server has the note, it is shown once, as saved, even while the command is still queued', () => {
  const s = kalmar();
  s.note(anna, 'note-old-01', 'swot-1', 'Gammal');
  const input = { type: 'note.add', noteId: 'note-new-01', activityId: 'swot-1', columnId: 's', text: 'Ny' } as const;
  const add = command(input);
  const after = serverAfter(s.state, input);

  // The event arrived before the ack: the command is still in the outbox.
  const notes = optimisticNotes(after, anna, [add], [], []);
  assert.equal(notesFor(notes, 'swot-1').map((n) => n.id), ['note-old-01', 'note-new-01']);
  assert.is(Object.keys(notes).length, 2);
  assert.is(notes['note-new-01'].pending, false);
  assert.is(notes['note-new-01'].order, after.notes['note-new-01'].order);
});

optimistic('an acknowledged note whose event has not arrived yet shows as saved, without a flicker', () => {
  const s = kalmar();
  const add = command({ type: 'note.add', noteId: 'note-new-01', activityId: 'swot-1', columnId: 's', text: 'Kvitterad' });
  const notes = optimisticNotes(s.state, anna, [], [add], []);
  assert.is(notes['note-new-01'].text, 'Kvitterad');
  assert.is(notes['note-new-01'].pending, false);
  assert.is(notes['note-new-01'].error, null);
});

optimistic('a refused note stays visible with the reason, so the text is not lost', () => {
  const s = kalmar();
  const add = command({ type: 'note.add', noteId: 'note-new-01', activityId: 'swot-1', columnId: 's', text: 'För sent' });
  const notes = optimisticNotes(s.state, anna, [], [], [{ command: add, message: 'Aktiviteten är låst' }]);
  const note = notes['note-new-01'];
  assert.is(note.text, 'För sent');
  assert.is(note.pending, false);
  assert.is(note.error, 'Aktiviteten är låst');
  assert.is(note.failureId, add.id);
});

optimistic('a refused edit shows the saved text with the reason; a refused delete keeps the note', () => {
  const s = kalmar();
  s.note(anna, 'note-anna-01', 'swot-1', 'Sparad text');
  s.note(anna, 'note-anna-02', 'swot-1', 'Ska bort');
  const edit = command({ type: 'note.edit', noteId: 'note-anna-01', text: 'Avvisad text' });
  const del = command({ type: 'note.delete', noteId: 'note-anna-02' });
  const notes = optimisticNotes(s.state, anna, [], [], [
    { command: edit, message: 'Låst' },
    { command: del, message: 'Låst' },
  ]);
  assert.is(notes['note-anna-01'].text, 'Sparad text');
  assert.is(notes['note-anna-01'].error, 'Låst');
  assert.is(notes['note-anna-01'].failureId, edit.id);
  assert.ok(notes['note-anna-02'], 'the note Anna could not delete is still shown');
  assert.is(notes['note-anna-02'].failureId, del.id);
});

optimistic('a refused move leaves the note in its column, with the reason', () => {
  const s = kalmar();
  s.note(anna, 'note-anna-01', 'swot-1', 'Styrka', 's');
  const move = command({ type: 'note.move', noteId: 'note-anna-01', columnId: 'o' });
  const note = optimisticNotes(s.state, anna, [], [], [{ command: move, message: 'Låst' }])['note-anna-01'];
  assert.is(note.columnId, 's');
  // The note is visible, so the page's list of other failures leaves this one out: the note
  // itself must say why it jumped back.
  assert.is(note.error, 'Låst');
  assert.is(note.failureId, move.id);
});

optimistic('a refused delete or move does not hide that a later edit of the note is still unsaved', () => {
  const s = kalmar();
  s.note(anna, 'note-anna-01', 'swot-1', 'Sparad', 's');
  const edit = command({ type: 'note.edit', noteId: 'note-anna-01', text: 'Ändrad offline' });
  for (const refused of [
    command({ type: 'note.delete', noteId: 'note-anna-01' }),
    command({ type: 'note.move', noteId: 'note-anna-01', columnId: 'o' }),
  ]) {
    const note = optimisticNotes(s.state, anna, [edit], [], [{ command: refused, message: 'Låst' }])['note-anna-01'];
    assert.is(note.text, 'Ändrad offline');
    assert.is(note.pending, true, `${refused.type}: the queued edit is still unsaved`);
    assert.is(note.error, 'Låst');
  }
});

optimistic('an edit of a note someone else has deleted shows nothing rather than bringing it back', () => {
  const s = kalmar();
  const edit = command({ type: 'note.edit', noteId: 'note-gone-01', text: 'Ändrad' });
  assert.equal(optimisticNotes(s.state, anna, [edit], [], []), {});
});

optimistic('for any queued changes and however far the server has come, the view shows what the server will end with, each note once', () => {
  type Op =
    | { kind: 'add'; board: 0 | 1; column: number; text: string; step: boolean }
    | { kind: 'edit'; pick: number; text: string; step: boolean }
    | { kind: 'move'; pick: number; column: number }
    | { kind: 'delete'; pick: number };
  const text = fc.constantFrom('Styrka', 'Svaghet', 'Möjlighet', 'Hot', 'Ring Bertil');
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('add' as const), board: fc.constantFrom(0 as const, 1 as const), column: fc.nat(3), text, step: fc.boolean() }),
    fc.record({ kind: fc.constant('edit' as const), pick: fc.nat(), text, step: fc.boolean() }),
    fc.record({ kind: fc.constant('move' as const), pick: fc.nat(), column: fc.nat(3) }),
    fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  );
  const boards = ['swot-1', 'actions-1'];

  fc.assert(
    fc.property(fc.array(op, { maxLength: 6 }), fc.array(op, { maxLength: 10 }), fc.nat(), fc.nat(), (before, queued, k, j) => {
      const s = kalmar();
      let fresh = 0;
      /** The command the facilitator's UI would make for `o`, or null when there is nothing to act on. */
      const toInput = (o: Op): CommandInput | null => {
        const existing = Object.values(s.state.notes);
        if (o.kind === 'add') {
          const activity = s.state.activities.find((a) => a.id === boards[o.board])!;
          const isAction = activity.kind === 'actions';
          return {
            type: 'note.add',
            noteId: `note-gen-${String(++fresh).padStart(3, '0')}`,
            activityId: activity.id,
            columnId: activity.columns[o.column % activity.columns.length].id,
            text: o.text,
            ...(isAction && o.step && { owner: 'Cecilia', due: '2026-05-01' }),
          };
        }
        if (!existing.length) return null;
        const note = existing[o.pick % existing.length];
        if (o.kind === 'edit') {
          const isAction = note.activityId === 'actions-1';
          return { type: 'note.edit', noteId: note.id, text: o.text, ...(isAction && o.step && { owner: 'David', due: '' }) };
        }
        if (o.kind === 'move') {
          const columns = s.state.activities.find((a) => a.id === note.activityId)!.columns;
          return { type: 'note.move', noteId: note.id, columnId: columns[o.column % columns.length].id };
        }
        return { type: 'note.delete', noteId: note.id };
      };

      for (const o of before) {
        const input = toInput(o);
        if (input) s.must(facilitator, input);
      }
      // The queue, and the server state after each of its commands is applied.
      const pending: Command[] = [];
      const states: Workshop[] = [s.state];
      for (const o of queued) {
        const input = toInput(o);
        if (!input) continue;
        s.must(facilitator, input);
        pending.push(command(input));
        states.push(s.state);
      }
      const final = states.at(-1)!;
      // The server has applied the first `k` commands; the first `j` have been acknowledged.
      const applied = states[k % states.length];
      const acked = j % (pending.length + 1);
      const notes = optimisticNotes(applied, facilitator, pending.slice(acked), pending.slice(0, acked), []);

      const shown = (view: Record<string, NoteView>, activityId: string) =>
        notesFor(view, activityId).map((note) => ({
          id: note.id,
          columnId: note.columnId,
          text: note.text,
          authorId: note.authorId,
          owner: note.owner ?? '',
          due: note.due ?? '',
        }));
      const server = optimisticNotes(final, facilitator, [], [], []);
      for (const activityId of boards) assert.equal(shown(notes, activityId), shown(server, activityId));

      const listed = boards.flatMap((a) => notesFor(notes, a).map((note) => note.id));
      assert.is(new Set(listed).size, listed.length, 'no note is listed twice');
      const places = Object.values(notes).map((note) => note.order);
      assert.is(new Set(places).size, places.length, 'every note has its own place in posting order');
      for (const [key, note] of Object.entries(notes)) assert.is(note.id, key);
      const unsaved = new Set(pending.slice(acked).map((c) => ('noteId' in c ? c.noteId : '')));
      for (const note of Object.values(notes)) if (note.pending) assert.ok(unsaved.has(note.id), 'only queued notes are marked unsaved');
    }),
    { numRuns: 300 },
  );
});

optimistic.run();

const board = suite('a participant’s phone keeps their last board for a day');

const ANNAS_TOKEN = 'anna-token-abcdefghijklmnop';

/** Anna's board as the server showed it to her. */
function annasBoard(savedAt: number, change: Partial<Workshop> = {}): CachedBoard {
  const state = { ...workshop({ participants: ['anna', 'bo'] }), ...change };
  return {
    protocol: PROTOCOL_VERSION,
    build: BUILD,
    token: tokenTag(ANNAS_TOKEN),
    savedAt,
    workshop: view(state, { role: 'participant', participantId: 'anna' }),
    you: { role: 'participant', participantId: 'anna' },
    projection: { results: {}, hiddenCounts: {}, voters: {} },
    clockOffset: 120,
    retentionDays: 30,
  };
}

board('what was saved comes back, within a day', () => {
  const storage = memoryStorage();
  const saved = annasBoard(1_000);
  saveBoard(saved, storage);
  assert.equal(loadBoard(saved.workshop.id, ANNAS_TOKEN, 1_000 + BOARD_MAX_AGE_MS - 1, storage), saved);
  assert.is(loadBoard('another-workshop', ANNAS_TOKEN, 2_000, storage), null);
});

board('an old, closed, foreign or damaged board is dropped, never shown', () => {
  const storage = memoryStorage();
  const saved = annasBoard(1_000);
  const key = BOARD_PREFIX + saved.workshop.id;
  saveBoard(saved, storage);
  assert.is(loadBoard(saved.workshop.id, ANNAS_TOKEN, 1_000 + BOARD_MAX_AGE_MS, storage), null);
  assert.not.ok(storage.map.has(key), 'a day old: gone');

  saveBoard(annasBoard(1_000, { status: 'closed' }), storage);
  assert.not.ok(storage.map.has(key), 'a closed workshop is not kept');

  const damaged: unknown[] = [
    '{not json',
    { ...saved, protocol: PROTOCOL_VERSION + 1 },
    { ...saved, build: 'http://localhost/assets/index-OLDBUILD.js' },
    { ...saved, token: tokenTag('another-token-on-this-phone') },
    { ...saved, you: { role: 'public', participantId: null } },
    { ...saved, workshop: { ...saved.workshop, id: 'someone-else' } },
    { ...saved, workshop: { ...saved.workshop, activities: null } },
    { ...saved, savedAt: 5_000 },
  ];
  for (const value of damaged) {
    storage.setItem(key, typeof value === 'string' ? value : JSON.stringify(value));
    assert.is(loadBoard(saved.workshop.id, ANNAS_TOKEN, 2_000, storage), null, JSON.stringify(value).slice(0, 60));
    assert.not.ok(storage.map.has(key));
  }
});

board('a board too big for the phone’s storage is not kept, and a full storage keeps no old one', () => {
  const storage = memoryStorage();
  const saved = annasBoard(1_000);
  const key = BOARD_PREFIX + saved.workshop.id;
  saveBoard(saved, storage);
  assert.ok(storage.map.has(key));
  const huge = { ...saved, workshop: { ...saved.workshop, title: 'x'.repeat(BOARD_MAX_CHARS) } };
  saveBoard(huge, storage);
  assert.not.ok(storage.map.has(key), 'too big: dropped, not left as it was');

  saveBoard(saved, storage);
  const full = { ...storage, setItem: () => { throw new DOMException('full', 'QuotaExceededError'); } } as Storage;
  saveBoard({ ...saved, savedAt: 2_000 }, full);
  assert.not.ok(storage.map.has(key), 'a write that does not fit drops the old board');
});

board('a facilitator’s or projector’s state is never kept', () => {
  const storage = memoryStorage();
  saveBoard({ ...annasBoard(1_000), you: { role: 'facilitator', participantId: null } }, storage);
  saveBoard({ ...annasBoard(1_000), you: { role: 'public', participantId: null } }, storage);
  assert.is(storage.map.size, 0);
});

board('the sweep drops every board older than a day, of any workshop, and keeps the rest', () => {
  const storage = memoryStorage();
  const fresh = annasBoard(10_000);
  const old = annasBoard(0, { id: 'ws-old' });
  old.workshop = { ...old.workshop, id: 'ws-old' };
  saveBoard(fresh, storage);
  saveBoard(old, storage);
  storage.setItem(`${BOARD_PREFIX}ws-garbled`, '[]');
  storage.setItem('verkstad:profile', JSON.stringify({ name: 'Anna' }));
  sweepBoards(BOARD_MAX_AGE_MS + 5_000, storage);
  assert.equal([...storage.map.keys()].sort(), [BOARD_PREFIX + fresh.workshop.id, 'verkstad:profile'].sort());
});

board('a deleted workshop’s board is forgotten with its token and outbox', () => {
  const storage = memoryStorage();
  const saved = annasBoard(Date.now());
  saveBoard(saved, storage);
  storage.setItem(`verkstad:participant:${saved.workshop.id}`, JSON.stringify('tok-abcdefghijklmnopqrstu'));
  forgetWorkshop(saved.workshop.id, storage);
  assert.is(storage.map.size, 0);
});

board.run();
