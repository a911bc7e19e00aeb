// The EventStore contract: one suite every store implementation must pass (tests/store.test.ts
// runs it against each). Only the interface is used here, never an implementation's insides.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { WorkshopEvent } from '../shared/workshop/events.ts';
import { SeqConflict, type EventStore, type WorkshopRecord } from '../server/store/store.ts';
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
export function withWorkshop<S extends EventStore>(store: S, id = 'ws-store-01', joinCode = '482913'): S {
  store.create(record(id, joinCode), [created(id, joinCode)]);
  return store;
}

export function storeContract(name: string, makeStore: () => EventStore) {
  const it = suite<{ store: EventStore }>(`${name} store contract`, { store: null! });
  it.before.each((ctx) => {
    ctx.store = makeStore();
  });
  it.after.each((ctx) => {
    ctx.store.close();
  });

  it('a created workshop is found by id and by join code, its created event at seq 1', ({ store }) => {
    withWorkshop(store);
    assert.equal(store.get('ws-store-01'), record());
    assert.is(store.idForCode('482913'), 'ws-store-01');
    assert.equal(store.load('ws-store-01'), [{ seq: 1, event: created() }]);
  });

  it('an unknown workshop or code finds nothing', ({ store }) => {
    withWorkshop(store);
    assert.is(store.get('ws-nowhere'), undefined);
    assert.is(store.idForCode('000000'), undefined);
    assert.equal(store.load('ws-nowhere'), []);
    assert.is(store.commandSeq('ws-nowhere', 'cmd-000001'), undefined);
    assert.is(store.participantForToken('ws-nowhere', 'b'.repeat(64)), undefined);
  });

  it('append with the right expectedSeq returns the new last seq', ({ store }) => {
    withWorkshop(store);
    assert.is(store.append('ws-store-01', 1, [joinedEvent('p-anna')]), 2);
    assert.is(store.append('ws-store-01', 2, [noteEvent('note-01'), noteEvent('note-02'), noteEvent('note-03')]), 5);
    assert.equal(store.load('ws-store-01').map((e) => e.seq), [1, 2, 3, 4, 5]);
  });

  it('events come back exactly as they went in, text and all', ({ store }) => {
    withWorkshop(store);
    const events = [joinedEvent('p-anna'), noteEvent('note-01', 'Å ä ö, emoji 🙂, "citat" och \\n radbrytning\n')];
    store.append('ws-store-01', 1, events);
    assert.equal(store.load('ws-store-01', 1).map((e) => e.event), events);
  });

  it('load after a seq gives only the later events, in order', ({ store }) => {
    withWorkshop(store);
    store.append('ws-store-01', 1, [joinedEvent('p-anna'), noteEvent('note-01'), noteEvent('note-02')]);
    assert.equal(store.load('ws-store-01', 2), [
      { seq: 3, event: noteEvent('note-01') },
      { seq: 4, event: noteEvent('note-02') },
    ]);
    assert.equal(store.load('ws-store-01', 4), []);
    assert.equal(store.load('ws-store-01', 0).length, 4);
  });

  it('a stale expectedSeq throws SeqConflict and stores nothing', ({ store }) => {
    withWorkshop(store);
    store.append('ws-store-01', 1, [joinedEvent('p-anna')]);
    for (const stale of [0, 1, 3]) {
      assert.throws(
        () => store.append('ws-store-01', stale, [noteEvent('note-01')], { commandId: 'cmd-000001', credential: { participantId: 'p-bertil', tokenHash: 'b'.repeat(64) } }),
        (err: unknown) => err instanceof SeqConflict,
      );
    }
    assert.equal(store.load('ws-store-01').map((e) => e.seq), [1, 2]);
    assert.is(store.commandSeq('ws-store-01', 'cmd-000001'), undefined);
    assert.is(store.participantForToken('ws-store-01', 'b'.repeat(64)), undefined);
    assert.is(store.append('ws-store-01', 2, [noteEvent('note-01')]), 3);
  });

  it('a command id is recorded with the seq its events ended at', ({ store }) => {
    withWorkshop(store);
    store.append('ws-store-01', 1, [noteEvent('note-01'), noteEvent('note-02')], { commandId: 'cmd-000001' });
    assert.is(store.commandSeq('ws-store-01', 'cmd-000001'), 3);
    assert.is(store.commandSeq('ws-store-01', 'cmd-000002'), undefined);
  });

  it('a command that made no events is still recorded, at the seq it left unchanged', ({ store }) => {
    withWorkshop(store);
    assert.is(store.append('ws-store-01', 1, [], { commandId: 'cmd-000001' }), 1);
    assert.is(store.commandSeq('ws-store-01', 'cmd-000001'), 1);
    assert.equal(store.load('ws-store-01').length, 1);
  });

  it('a command id seen before is refused and its events are not stored twice', ({ store }) => {
    withWorkshop(store);
    store.append('ws-store-01', 1, [noteEvent('note-01')], { commandId: 'cmd-000001' });
    assert.throws(() => store.append('ws-store-01', 2, [noteEvent('note-01')], { commandId: 'cmd-000001' }));
    assert.equal(store.load('ws-store-01').length, 2);
    assert.is(store.commandSeq('ws-store-01', 'cmd-000001'), 2);
  });

  it('command ids belong to their workshop', ({ store }) => {
    withWorkshop(store);
    withWorkshop(store, 'ws-store-02', '771234');
    store.append('ws-store-01', 1, [noteEvent('note-01')], { commandId: 'cmd-000001' });
    assert.is(store.commandSeq('ws-store-02', 'cmd-000001'), undefined);
    assert.is(store.append('ws-store-02', 1, [noteEvent('note-01')], { commandId: 'cmd-000001' }), 2);
  });

  it('a credential is stored with the join event that made the participant', ({ store }) => {
    withWorkshop(store);
    const credential = { participantId: 'p-anna', tokenHash: 'c'.repeat(64) };
    assert.is(store.append('ws-store-01', 1, [joinedEvent('p-anna')], { credential }), 2);
    assert.is(store.participantForToken('ws-store-01', 'c'.repeat(64)), 'p-anna');
    assert.is(store.participantForToken('ws-store-01', 'd'.repeat(64)), undefined);
  });

  it('a token already held by a participant is refused for another, and nothing is stored', ({ store }) => {
    withWorkshop(store);
    const tokenHash = 'c'.repeat(64);
    store.append('ws-store-01', 1, [joinedEvent('p-anna')], { credential: { participantId: 'p-anna', tokenHash } });
    assert.throws(() =>
      store.append('ws-store-01', 2, [joinedEvent('p-mallory')], { credential: { participantId: 'p-mallory', tokenHash } }),
    );
    assert.is(store.participantForToken('ws-store-01', tokenHash), 'p-anna');
    assert.equal(store.load('ws-store-01').length, 2);
  });

  it('a taken workshop id or join code is refused and the first workshop is untouched', ({ store }) => {
    withWorkshop(store);
    assert.throws(() => store.create(record('ws-store-01', '999999'), [created('ws-store-01', '999999')]));
    assert.throws(() => store.create(record('ws-store-02', '482913'), [created('ws-store-02', '482913')]));
    assert.is(store.idForCode('999999'), undefined);
    assert.is(store.get('ws-store-02'), undefined);
    assert.is(store.idForCode('482913'), 'ws-store-01');
    assert.equal(store.load('ws-store-01'), [{ seq: 1, event: created() }]);
    assert.equal(store.load('ws-store-02'), []);
  });

  it('workshops keep separate histories, each numbered from 1', ({ store }) => {
    withWorkshop(store);
    withWorkshop(store, 'ws-store-02', '771234');
    store.append('ws-store-01', 1, [joinedEvent('p-anna'), noteEvent('note-01')]);
    assert.is(store.append('ws-store-02', 1, [joinedEvent('p-bertil')]), 2);
    assert.equal(store.load('ws-store-02').map((e) => e.event.type), ['workshop.created', 'participant.joined']);
    assert.is(store.load('ws-store-01').length, 3);
  });

  it('appending to a workshop that does not exist is refused', ({ store }) => {
    assert.throws(() => store.append('ws-nowhere', 0, [joinedEvent('p-anna')]));
    assert.equal(store.load('ws-nowhere'), []);
  });

  it('what load returns is a copy: changing it changes nothing stored', ({ store }) => {
    withWorkshop(store);
    const [first] = store.load('ws-store-01');
    if (first.event.type === 'workshop.created') first.event.workshop.title = 'Ändrad';
    assert.equal(store.load('ws-store-01'), [{ seq: 1, event: created() }]);
  });

  it('deleting a workshop erases its events, command ids, credentials and code, and no other', ({ store }) => {
    withWorkshop(store);
    withWorkshop(store, 'ws-store-02', '771234');
    for (const id of ['ws-store-01', 'ws-store-02'])
      store.append(id, 1, [joinedEvent('p-anna')], {
        commandId: 'cmd-00001',
        credential: { participantId: 'p-anna', tokenHash: id === 'ws-store-01' ? 'c'.repeat(64) : 'e'.repeat(64) },
      });
    assert.ok(store.delete('ws-store-01'));
    assert.is(store.get('ws-store-01'), undefined);
    assert.is(store.idForCode('482913'), undefined);
    assert.equal(store.load('ws-store-01'), []);
    assert.is(store.commandSeq('ws-store-01', 'cmd-00001'), undefined);
    assert.is(store.participantForToken('ws-store-01', 'c'.repeat(64)), undefined);
    assert.throws(() => store.append('ws-store-01', 2, [noteEvent('note-01')]));
    // The other workshop is whole.
    assert.is(store.load('ws-store-02').length, 2);
    assert.is(store.commandSeq('ws-store-02', 'cmd-00001'), 2);
    assert.is(store.participantForToken('ws-store-02', 'e'.repeat(64)), 'p-anna');
    assert.not.ok(store.delete('ws-store-01'), 'a second delete finds nothing');
    // The code is free again for a new workshop.
    withWorkshop(store, 'ws-store-03', '482913');
    assert.is(store.idForCode('482913'), 'ws-store-03');
  });

  it('closedBefore lists workshops closed before a time, not reopened or open ones', ({ store }) => {
    withWorkshop(store);
    withWorkshop(store, 'ws-store-02', '771234');
    withWorkshop(store, 'ws-store-03', '771235');
    const closed = (at: number): WorkshopEvent => ({ type: 'workshop.closed', at });
    store.append('ws-store-01', 1, [closed(T0 + 1000)], { closedAt: T0 + 1000 });
    store.append('ws-store-02', 1, [closed(T0 + 5000)], { closedAt: T0 + 5000 });
    store.append('ws-store-03', 1, [closed(T0 + 10)], { closedAt: T0 + 10 });
    store.append('ws-store-03', 2, [{ type: 'workshop.reopened' }], { closedAt: null });
    assert.equal(store.closedBefore(T0 + 2000), ['ws-store-01']);
    assert.equal(store.closedBefore(T0 + 6000).sort(), ['ws-store-01', 'ws-store-02']);
    assert.equal(store.closedBefore(T0), []);
  });

  it('a workshop is created with several first events, numbered from 1', ({ store }) => {
    store.create(record(), [created(), noteEvent('note-01'), noteEvent('note-02')]);
    assert.equal(store.load('ws-store-01').map((e) => e.seq), [1, 2, 3]);
    assert.is(store.append('ws-store-01', 3, [noteEvent('note-03')]), 4);
  });

  return it;
}
