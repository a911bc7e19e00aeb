// The EventStore contract: one suite every store implementation must pass (tests/store.test.ts
// runs it against each). Only the interface is used here, never an implementation's insides.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { WorkshopEvent } from '../shared/workshop/events.ts';
import { DuplicateCommand, SeqConflict, type EventStore, type WorkshopRecord } from '../server/store/store.ts';
import { fold } from '../shared/workshop/apply.ts';
import { T0, createdEvent, joinedEvent } from './helpers/builders.ts';

export const record = (id = 'ws-store-01', joinCode = '482913'): WorkshopRecord => ({
  id,
  joinCode,
  keyHash: 'a'.repeat(64),
  createdAt: T0,
});

export const created = (id = 'ws-store-01', joinCode = '482913') =>
  createdEvent({ id, joinCode, agenda: ['swot', 'evaluation'] });

export const noteEvent = (noteId: string, text = 'Gemensam IT för länet — “öppna data”'): WorkshopEvent => ({
  type: 'note.added',
  note: { id: noteId, activityId: 'swot-1', columnId: 's', authorId: 'p-anna', text, roomId: null, themeId: null, createdAt: T0, updatedAt: T0 },
});

/** A store with one workshop in it, as `Workshops.create` leaves it. */
export async function withWorkshop<S extends EventStore>(store: S, id = 'ws-store-01', joinCode = '482913'): Promise<S> {
  await store.create(record(id, joinCode), [created(id, joinCode)]);
  return store;
}

/** Resolves once `promise` rejects (with an error `check` accepts, if given); fails if it resolves. */
export async function rejects(promise: Promise<unknown>, check: (err: unknown) => boolean = () => true): Promise<void> {
  const outcome = await promise.then(
    (value) => ({ resolved: value }),
    (err: unknown) => ({ err }),
  );
  assert.ok('err' in outcome, `expected a rejection, got ${JSON.stringify(outcome)}`);
  assert.ok(check((outcome as { err: unknown }).err), `rejected with ${String((outcome as { err: unknown }).err)}`);
}

export function storeContract(name: string, makeStore: () => EventStore | Promise<EventStore>) {
  const it = suite<{ store: EventStore }>(`${name} store contract`, { store: null! });
  it.before.each(async (ctx) => {
    ctx.store = await makeStore();
  });
  it.after.each(async (ctx) => {
    await ctx.store.close();
  });

  it('a created workshop is found by id and by join code, its created event at seq 1', async ({ store }) => {
    await withWorkshop(store);
    assert.equal(await store.get('ws-store-01'), record());
    assert.is(await store.idForCode('482913'), 'ws-store-01');
    assert.equal(await store.load('ws-store-01'), [{ seq: 1, event: created() }]);
  });

  it('an unknown workshop or code finds nothing', async ({ store }) => {
    await withWorkshop(store);
    assert.is(await store.get('ws-nowhere'), undefined);
    assert.is(await store.idForCode('000000'), undefined);
    assert.equal(await store.load('ws-nowhere'), []);
    assert.is(await store.commandSeq('ws-nowhere', 'cmd-000001'), undefined);
    assert.is(await store.participantForToken('ws-nowhere', 'b'.repeat(64)), undefined);
  });

  it('append with the right expectedSeq returns the new last seq', async ({ store }) => {
    await withWorkshop(store);
    assert.is(await store.append('ws-store-01', 1, [joinedEvent('p-anna')]), 2);
    assert.is(await store.append('ws-store-01', 2, [noteEvent('note-01'), noteEvent('note-02'), noteEvent('note-03')]), 5);
    assert.equal((await store.load('ws-store-01')).map((e) => e.seq), [1, 2, 3, 4, 5]);
  });

  it('events come back exactly as they went in, text and all', async ({ store }) => {
    await withWorkshop(store);
    const events = [joinedEvent('p-anna'), noteEvent('note-01', 'Å ä ö, emoji 🙂, "citat" och \\n radbrytning\n')];
    await store.append('ws-store-01', 1, events);
    assert.equal((await store.load('ws-store-01', 1)).map((e) => e.event), events);
  });

  it('load after a seq gives only the later events, in order', async ({ store }) => {
    await withWorkshop(store);
    await store.append('ws-store-01', 1, [joinedEvent('p-anna'), noteEvent('note-01'), noteEvent('note-02')]);
    assert.equal(await store.load('ws-store-01', 2), [
      { seq: 3, event: noteEvent('note-01') },
      { seq: 4, event: noteEvent('note-02') },
    ]);
    assert.equal(await store.load('ws-store-01', 4), []);
    assert.equal((await store.load('ws-store-01', 0)).length, 4);
  });

  it('a stale expectedSeq throws SeqConflict and stores nothing', async ({ store }) => {
    await withWorkshop(store);
    await store.append('ws-store-01', 1, [joinedEvent('p-anna')]);
    for (const stale of [0, 1, 3]) {
      await rejects(store.append('ws-store-01', stale, [noteEvent('note-01')], { commandId: 'cmd-000001', credential: { participantId: 'p-bertil', tokenHash: 'b'.repeat(64) } }),
        (err: unknown) => err instanceof SeqConflict,
      );
    }
    assert.equal((await store.load('ws-store-01')).map((e) => e.seq), [1, 2]);
    assert.is(await store.commandSeq('ws-store-01', 'cmd-000001'), undefined);
    assert.is(await store.participantForToken('ws-store-01', 'b'.repeat(64)), undefined);
    assert.is(await store.append('ws-store-01', 2, [noteEvent('note-01')]), 3);
  });

  it('a command id is recorded with the seq its events ended at', async ({ store }) => {
    await withWorkshop(store);
    await store.append('ws-store-01', 1, [noteEvent('note-01'), noteEvent('note-02')], { commandId: 'cmd-000001' });
    assert.is(await store.commandSeq('ws-store-01', 'cmd-000001'), 3);
    assert.is(await store.commandSeq('ws-store-01', 'cmd-000002'), undefined);
  });

  it('a command that made no events is still recorded, at the seq it left unchanged', async ({ store }) => {
    await withWorkshop(store);
    assert.is(await store.append('ws-store-01', 1, [], { commandId: 'cmd-000001' }), 1);
    assert.is(await store.commandSeq('ws-store-01', 'cmd-000001'), 1);
    assert.equal((await store.load('ws-store-01')).length, 1);
  });

  it('a command id seen before is refused and its events are not stored twice', async ({ store }) => {
    await withWorkshop(store);
    await store.append('ws-store-01', 1, [noteEvent('note-01')], { commandId: 'cmd-000001' });
    await rejects(store.append('ws-store-01', 2, [noteEvent('note-01')], { commandId: 'cmd-000001' }));
    assert.equal((await store.load('ws-store-01')).length, 2);
    assert.is(await store.commandSeq('ws-store-01', 'cmd-000001'), 2);
  });

  it('command ids belong to their workshop', async ({ store }) => {
    await withWorkshop(store);
    await withWorkshop(store, 'ws-store-02', '771234');
    await store.append('ws-store-01', 1, [noteEvent('note-01')], { commandId: 'cmd-000001' });
    assert.is(await store.commandSeq('ws-store-02', 'cmd-000001'), undefined);
    assert.is(await store.append('ws-store-02', 1, [noteEvent('note-01')], { commandId: 'cmd-000001' }), 2);
  });

  it('a credential is stored with the join event that made the participant', async ({ store }) => {
    await withWorkshop(store);
    const credential = { participantId: 'p-anna', tokenHash: 'c'.repeat(64) };
    assert.is(await store.append('ws-store-01', 1, [joinedEvent('p-anna')], { credential }), 2);
    assert.is(await store.participantForToken('ws-store-01', 'c'.repeat(64)), 'p-anna');
    assert.is(await store.participantForToken('ws-store-01', 'd'.repeat(64)), undefined);
  });

  it('a token already held by a participant is refused for another, and nothing is stored', async ({ store }) => {
    await withWorkshop(store);
    const tokenHash = 'c'.repeat(64);
    await store.append('ws-store-01', 1, [joinedEvent('p-anna')], { credential: { participantId: 'p-anna', tokenHash } });
    await rejects(store.append('ws-store-01', 2, [joinedEvent('p-mallory')], { credential: { participantId: 'p-mallory', tokenHash } }),
    );
    assert.is(await store.participantForToken('ws-store-01', tokenHash), 'p-anna');
    assert.equal((await store.load('ws-store-01')).length, 2);
  });

  it('a taken workshop id or join code is refused and the first workshop is untouched', async ({ store }) => {
    await withWorkshop(store);
    await rejects(store.create(record('ws-store-01', '999999'), [created('ws-store-01', '999999')]));
    await rejects(store.create(record('ws-store-02', '482913'), [created('ws-store-02', '482913')]));
    assert.is(await store.idForCode('999999'), undefined);
    assert.is(await store.get('ws-store-02'), undefined);
    assert.is(await store.idForCode('482913'), 'ws-store-01');
    assert.equal(await store.load('ws-store-01'), [{ seq: 1, event: created() }]);
    assert.equal(await store.load('ws-store-02'), []);
  });

  it('workshops keep separate histories, each numbered from 1', async ({ store }) => {
    await withWorkshop(store);
    await withWorkshop(store, 'ws-store-02', '771234');
    await store.append('ws-store-01', 1, [joinedEvent('p-anna'), noteEvent('note-01')]);
    assert.is(await store.append('ws-store-02', 1, [joinedEvent('p-bertil')]), 2);
    assert.equal((await store.load('ws-store-02')).map((e) => e.event.type), ['workshop.created', 'participant.joined']);
    assert.is((await store.load('ws-store-01')).length, 3);
  });

  it('appending to a workshop that does not exist is refused', async ({ store }) => {
    await rejects(store.append('ws-nowhere', 0, [joinedEvent('p-anna')]));
    assert.equal(await store.load('ws-nowhere'), []);
  });

  it('what load returns is a copy: changing it changes nothing stored', async ({ store }) => {
    await withWorkshop(store);
    const [first] = await store.load('ws-store-01');
    if (first.event.type === 'workshop.created') first.event.workshop.title = 'Ändrad';
    assert.equal(await store.load('ws-store-01'), [{ seq: 1, event: created() }]);
  });

  it('deleting a workshop erases its events, command ids, credentials and code, and no other', async ({ store }) => {
    await withWorkshop(store);
    await withWorkshop(store, 'ws-store-02', '771234');
    for (const id of ['ws-store-01', 'ws-store-02'])
      await store.append(id, 1, [joinedEvent('p-anna')], {
        commandId: 'cmd-00001',
        credential: { participantId: 'p-anna', tokenHash: id === 'ws-store-01' ? 'c'.repeat(64) : 'e'.repeat(64) },
      });
    assert.ok(await store.delete('ws-store-01'));
    assert.is(await store.get('ws-store-01'), undefined);
    assert.is(await store.idForCode('482913'), undefined);
    assert.equal(await store.load('ws-store-01'), []);
    assert.is(await store.commandSeq('ws-store-01', 'cmd-00001'), undefined);
    assert.is(await store.participantForToken('ws-store-01', 'c'.repeat(64)), undefined);
    await rejects(store.append('ws-store-01', 2, [noteEvent('note-01')]));
    // The other workshop is whole.
    assert.is((await store.load('ws-store-02')).length, 2);
    assert.is(await store.commandSeq('ws-store-02', 'cmd-00001'), 2);
    assert.is(await store.participantForToken('ws-store-02', 'e'.repeat(64)), 'p-anna');
    assert.not.ok(await store.delete('ws-store-01'), 'a second delete finds nothing');
    // The code is free again for a new workshop.
    await withWorkshop(store, 'ws-store-03', '482913');
    assert.is(await store.idForCode('482913'), 'ws-store-03');
  });

  it('closedBefore lists workshops closed before a time, not reopened or open ones', async ({ store }) => {
    await withWorkshop(store);
    await withWorkshop(store, 'ws-store-02', '771234');
    await withWorkshop(store, 'ws-store-03', '771235');
    const closed = (at: number): WorkshopEvent => ({ type: 'workshop.closed', at });
    await store.append('ws-store-01', 1, [closed(T0 + 1000)], { closedAt: T0 + 1000 });
    await store.append('ws-store-02', 1, [closed(T0 + 5000)], { closedAt: T0 + 5000 });
    await store.append('ws-store-03', 1, [closed(T0 + 10)], { closedAt: T0 + 10 });
    await store.append('ws-store-03', 2, [{ type: 'workshop.reopened' }], { closedAt: null });
    assert.equal(await store.closedBefore(T0 + 2000), ['ws-store-01']);
    assert.equal((await store.closedBefore(T0 + 6000)).sort(), ['ws-store-01', 'ws-store-02']);
    assert.equal(await store.closedBefore(T0), []);
  });

  it('a workshop is created with several first events, numbered from 1', async ({ store }) => {
    await store.create(record(), [created(), noteEvent('note-01'), noteEvent('note-02')]);
    assert.equal((await store.load('ws-store-01')).map((e) => e.seq), [1, 2, 3]);
    assert.is(await store.append('ws-store-01', 3, [noteEvent('note-03')]), 4);
  });

  it('appends asked for at once commit in the order asked, each whole: one order, no interleaving', async ({ store }) => {
    await withWorkshop(store);
    // As a lane does: each names the seq the one before it leaves, without waiting for it.
    const sizes = Array.from({ length: 60 }, (_, i) => 1 + (i % 3));
    let expected = 1;
    const appends = sizes.map((size, i) => {
      const events = Array.from({ length: size }, (_, k) => noteEvent(`note-${i}-${k}`, `Lapp ${i}.${k}`));
      const p = store.append('ws-store-01', expected, events, { commandId: `cmd-${String(i).padStart(6, '0')}` });
      expected += size;
      return p;
    });
    const seqs = await Promise.all(appends);
    let last = 1;
    sizes.forEach((size, i) => {
      last += size;
      assert.is(seqs[i], last, `append ${i} ends at its own seq`);
    });
    const stored = (await store.load('ws-store-01', 1)).map(({ event }) => (event.type === 'note.added' ? event.note.id : ''));
    assert.equal(stored, sizes.flatMap((size, i) => Array.from({ length: size }, (_, k) => `note-${i}-${k}`)));
  });

  it('of two appends at the same seq, the first asked wins and the second stores nothing', async ({ store }) => {
    await withWorkshop(store);
    const [first, second] = await Promise.allSettled([
      store.append('ws-store-01', 1, [noteEvent('note-a')], { commandId: 'cmd-00000a' }),
      store.append('ws-store-01', 1, [noteEvent('note-b')], { commandId: 'cmd-00000b' }),
    ]);
    assert.equal(first, { status: 'fulfilled', value: 2 });
    assert.ok(second.status === 'rejected' && second.reason instanceof SeqConflict);
    assert.is(await store.commandSeq('ws-store-01', 'cmd-00000b'), undefined);
    assert.equal((await store.load('ws-store-01')).length, 2);
  });

  it('a duplicate command id racing its twin is stored once; the twin learns the first seq', async ({ store }) => {
    await withWorkshop(store);
    // A resend that reached the store while the first was still on its way.
    const [first, twin] = await Promise.allSettled([
      store.append('ws-store-01', 1, [noteEvent('note-01')], { commandId: 'cmd-000001' }),
      store.append('ws-store-01', 2, [noteEvent('note-01')], { commandId: 'cmd-000001' }),
    ]);
    assert.equal(first, { status: 'fulfilled', value: 2 });
    assert.ok(twin.status === 'rejected' && twin.reason instanceof DuplicateCommand, String((twin as PromiseRejectedResult).reason));
    assert.is(((twin as PromiseRejectedResult).reason as DuplicateCommand).seq, 2);
    assert.equal((await store.load('ws-store-01')).map((e) => e.seq), [1, 2]);
  });

  it('a workshop opens with its state, last events, command ids and tokens, all of one moment', async ({ store }) => {
    await withWorkshop(store);
    const credential = { participantId: 'p-anna', tokenHash: 'c'.repeat(64) };
    await store.append('ws-store-01', 1, [joinedEvent('p-anna')], { commandId: 'cmd-000001', credential });
    for (let i = 2; i <= 12; i++) await store.append('ws-store-01', i, [noteEvent(`note-${i}`)], { commandId: `cmd-${String(i).padStart(6, '0')}` });
    const opened = (await store.open('ws-store-01', 5))!;
    assert.equal(opened.record, record());
    assert.equal(opened.state, fold(await store.load('ws-store-01')));
    assert.equal(opened.recent, await store.load('ws-store-01', 8));
    assert.is(opened.commands.size, 12);
    assert.is(opened.commands.get('cmd-000001'), 2);
    assert.is(opened.commands.get('cmd-000012'), 13);
    assert.equal([...opened.tokens], [['c'.repeat(64), 'p-anna']]);
    assert.is(await store.open('ws-nowhere', 5), undefined);
  });

  return it;
}
