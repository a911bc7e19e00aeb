// The PostgreSQL store passes the EventStore contract, and keeps its promises when two servers
// (two stores, two pools) share one database: one order per workshop, a command applied once on
// any server, a delete that leaves no row, migrations that two servers may run at once.
import pg from 'pg';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fold } from '../shared/workshop/apply.ts';
import { PostgresStore } from '../server/store/postgres.ts';
import { TABLES } from '../server/store/postgresSchema.ts';
import { DuplicateCommand, SeqConflict, SNAPSHOT_EVERY, type EventStore } from '../server/store/store.ts';
import { T0, joinedEvent } from './helpers/builders.ts';
import { createServer } from '../server/server.ts';
import { createWorkshop, facilitator, participant } from './helpers/clients.ts';
import { testDatabase, type TestDatabase } from './helpers/postgres.ts';
import { noteEvent, rejects, storeContract, withWorkshop } from './store.contract.ts';

const found = await testDatabase();

if ('skipped' in found) {
  console.log(`PostgreSQL store tests skipped: ${found.skipped}`);
  const skipped = suite('postgres store');
  skipped.skip(`the store contract and the many-servers tests against PostgreSQL (${found.skipped})`, () => {});
  skipped.run();
} else {
  run(found);
}

function run(db: TestDatabase) {
  const empty = () => db.query('TRUNCATE workshops CASCADE');
  const contract = storeContract('postgres', async () => {
    const store = await PostgresStore.open(db.url);
    await empty();
    return store;
  });
  contract.run();

  const it = suite<{ stores: EventStore[] }>('postgres store with two servers', { stores: [] });
  /** A server's store: its own pool on the shared database. */
  const server = async (ctx: { stores: EventStore[] }) => {
    const store = await PostgresStore.open(db.url);
    ctx.stores.push(store);
    return store;
  };
  it.before.each(async (ctx) => {
    ctx.stores = [];
    await empty();
  });
  it.after.each(async (ctx) => {
    await Promise.all(ctx.stores.map((s) => s.close()));
  });
  it.after(() => db.drop());

  const noteIds = async (store: EventStore) =>
    (await store.load('ws-store-01')).flatMap(({ event }) => (event.type === 'note.added' ? [event.note.id] : []));

  it('two servers appending at the same seq: exactly one wins each, the other gets SeqConflict and stores nothing', async (ctx) => {
    const [a, b] = await Promise.all([server(ctx), server(ctx)]);
    await withWorkshop(a);
    let seq = 1;
    for (let round = 0; round < 30; round++) {
      const outcomes = await Promise.allSettled([
        a.append('ws-store-01', seq, [noteEvent(`note-a${round}`)], { commandId: `cmd-a${round}` }),
        b.append('ws-store-01', seq, [noteEvent(`note-b${round}`)], { commandId: `cmd-b${round}` }),
      ]);
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      assert.is(won.length, 1, `round ${round}: one winner`);
      assert.is((won[0] as PromiseFulfilledResult<number>).value, seq + 1);
      const lost = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      assert.ok(lost.reason instanceof SeqConflict, String(lost.reason));
      const loser = outcomes.indexOf(lost) === 0 ? `cmd-a${round}` : `cmd-b${round}`;
      assert.is(await a.commandSeq('ws-store-01', loser), undefined, 'the loser stored nothing');
      seq += 1;
    }
    assert.equal((await b.load('ws-store-01')).map((e) => e.seq), Array.from({ length: 31 }, (_, i) => i + 1));
  });

  it('two servers posting at once, each retrying from a reload after a conflict: every note once, in one order', async (ctx) => {
    const [a, b] = await Promise.all([server(ctx), server(ctx)]);
    await withWorkshop(a);
    /** A server's lane in short: append at the seq it knows; on conflict read what it missed, go again. */
    const post = async (store: EventStore, name: string, count: number) => {
      let seq = 1;
      let conflicts = 0;
      for (let i = 0; i < count; i++) {
        for (;;) {
          try {
            seq = await store.append('ws-store-01', seq, [noteEvent(`note-${name}${i}`)], { commandId: `cmd-${name}${i}` });
            break;
          } catch (err) {
            if (!(err instanceof SeqConflict)) throw err;
            conflicts += 1;
            seq = (await store.load('ws-store-01', seq)).at(-1)?.seq ?? seq;
          }
        }
      }
      return conflicts;
    };
    const conflicts = await Promise.all([post(a, 'a', 80), post(b, 'b', 80)]);
    assert.ok(conflicts[0] + conflicts[1] > 0, 'the servers did meet');
    const stored = await noteIds(a);
    assert.equal(stored, await noteIds(b), 'both servers read one order');
    assert.is(stored.length, 160);
    assert.is(new Set(stored).size, 160, 'each note once');
    for (const name of ['a', 'b']) {
      const own = stored.filter((id) => id.startsWith(`note-${name}`));
      assert.equal(own, Array.from({ length: 80 }, (_, i) => `note-${name}${i}`), `server ${name}'s notes in its order`);
    }
    assert.equal((await a.load('ws-store-01')).map((e) => e.seq), Array.from({ length: 161 }, (_, i) => i + 1));
  });

  it('a command applied on one server is refused on the other as DuplicateCommand with its seq', async (ctx) => {
    const [a, b] = await Promise.all([server(ctx), server(ctx)]);
    await withWorkshop(a);
    assert.is(await a.append('ws-store-01', 1, [noteEvent('note-01')], { commandId: 'cmd-000001' }), 2);
    const duplicate = (seq: number) => (err: unknown) => err instanceof DuplicateCommand && err.seq === seq;
    await rejects(b.append('ws-store-01', 2, [noteEvent('note-01')], { commandId: 'cmd-000001' }), duplicate(2));
    // A server that has not yet seen the command's events learns its seq too, not only a conflict.
    await rejects(b.append('ws-store-01', 1, [noteEvent('note-01')], { commandId: 'cmd-000001' }), duplicate(2));
    assert.is(await b.commandSeq('ws-store-01', 'cmd-000001'), 2);
    assert.equal(await noteIds(b), ['note-01']);
  });

  it('the same command resent to two servers at once is applied once, with or without events', async (ctx) => {
    const [a, b] = await Promise.all([server(ctx), server(ctx)]);
    await withWorkshop(a);
    let seq = 1;
    for (const [i, events] of [[], [noteEvent('note-01')], [], [noteEvent('note-02'), noteEvent('note-03')]].entries()) {
      const commandId = `cmd-twin-${i}`;
      const outcomes = await Promise.allSettled([
        a.append('ws-store-01', seq, events, { commandId }),
        b.append('ws-store-01', seq, events, { commandId }),
      ]);
      const won = outcomes.filter((o) => o.status === 'fulfilled') as PromiseFulfilledResult<number>[];
      assert.is(won.length, 1, `command ${i}: applied once`);
      assert.is(won[0].value, seq + events.length);
      const twin = (outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason;
      // With no events the twin meets the command id; with events, the moved seq and then the id.
      assert.ok(twin instanceof DuplicateCommand && twin.seq === won[0].value, String(twin));
      seq = won[0].value;
    }
    assert.equal(await noteIds(a), ['note-01', 'note-02', 'note-03']);
  });

  it('appends built on one refused because another server wrote first are refused too, even where the seq fits', async (ctx) => {
    const [a, b] = await Promise.all([server(ctx), server(ctx)]);
    await withWorkshop(a);
    // B's note takes seq 2; A sends two notes from seq 1, the second built on the first.
    await b.append('ws-store-01', 1, [noteEvent('note-b')]);
    const pair = await Promise.allSettled([a.append('ws-store-01', 1, [noteEvent('note-a1')]), a.append('ws-store-01', 2, [noteEvent('note-a2')])]);
    assert.ok(pair.every((o) => o.status === 'rejected' && o.reason instanceof SeqConflict), 'the second is refused though seq 2 is where the store is');
    // B's 100 notes take seqs 3..102; A, not knowing, sends 150 notes built on each other from seq 2.
    await b.append('ws-store-01', 2, Array.from({ length: 100 }, (_, i) => noteEvent(`note-b${i}`)));
    const outcomes = await Promise.allSettled(
      Array.from({ length: 150 }, (_, i) => a.append('ws-store-01', 2 + i, [noteEvent(`note-a${i}`)], { commandId: `cmd-a${i}` })),
    );
    // The 101st (in the next batch) expects seq 102, where the store is; it was decided on A's 100 notes before it.
    outcomes.forEach((o, i) => assert.ok(o.status === 'rejected' && o.reason instanceof SeqConflict, `note ${i}: ${o.status}`));
    assert.is((await a.load('ws-store-01')).length, 102);
    assert.is(await a.commandSeq('ws-store-01', 'cmd-a100'), undefined);
  });

  it('a token taken on one server is refused on the other', async (ctx) => {
    const [a, b] = await Promise.all([server(ctx), server(ctx)]);
    await withWorkshop(a);
    const tokenHash = 'c'.repeat(64);
    await a.append('ws-store-01', 1, [joinedEvent('p-anna')], { credential: { participantId: 'p-anna', tokenHash } });
    await rejects(b.append('ws-store-01', 2, [joinedEvent('p-mallory')], { credential: { participantId: 'p-mallory', tokenHash } }));
    assert.is(await b.participantForToken('ws-store-01', tokenHash), 'p-anna');
  });

  it('deleting a workshop leaves no row of it in any table, nor its text in any row', async (ctx) => {
    const [a, b] = await Promise.all([server(ctx), server(ctx)]);
    await withWorkshop(a);
    await withWorkshop(a, 'ws-store-02', '771234');
    const secret = 'Hemlig-anteckning-7f3a9c';
    await a.append('ws-store-01', 1, [joinedEvent('p-anna')], {
      commandId: 'cmd-join',
      credential: { participantId: 'p-anna', tokenHash: 'c'.repeat(64) },
    });
    // Enough notes for a snapshot, sent as a lane sends them: without waiting between.
    const count = SNAPSHOT_EVERY + 10;
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        a.append('ws-store-01', i + 2, [noteEvent(`note-${i}`, `${secret} ${i}`)], { commandId: `cmd-${i}` }),
      ),
    );
    await a.append('ws-store-01', count + 2, [{ type: 'workshop.closed', at: T0 }], { closedAt: T0 });
    await b.append('ws-store-02', 1, [joinedEvent('p-bertil')], { commandId: 'cmd-join' });
    await until(async () => (await db.query('SELECT 1 FROM snapshots WHERE workshop_id = $1', ['ws-store-01'])).length > 0);
    const rowsOf = async (id: string) => {
      const found: Record<string, number> = {};
      for (const table of TABLES.filter((t) => t !== 'verkstad_schema')) {
        const key = table === 'workshops' ? 'id' : 'workshop_id';
        const [row] = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE ${key} = $1`, [id]);
        found[table] = Number(row.n);
      }
      return found;
    };
    const before = await rowsOf('ws-store-01');
    assert.ok(Object.values(before).every((n) => n > 0), `a row in every table before: ${JSON.stringify(before)}`);

    assert.ok(await b.delete('ws-store-01'), 'deleted through the other server');
    assert.equal(await rowsOf('ws-store-01'), { events: 0, commands: 0, credentials: 0, snapshots: 0, workshops: 0 });
    for (const table of TABLES) {
      const [row] = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} t WHERE t::text LIKE $1 OR t::text LIKE $2`, [
        `%${secret}%`,
        '%ws-store-01%',
      ]);
      assert.is(Number(row.n), 0, `nothing of it in ${table}`);
    }
    assert.is(await a.get('ws-store-01'), undefined, 'gone for the first server too');
    await rejects(a.append('ws-store-01', count + 3, [noteEvent('note-late')]));
    assert.is((await a.load('ws-store-02')).length, 2, 'the other workshop is whole');
    assert.is(await a.commandSeq('ws-store-02', 'cmd-join'), 2);
    assert.not.ok(await a.delete('ws-store-01'), 'a second delete finds nothing');
  });

  it('a big workshop keeps a snapshot: opening it, on either server, folds only the events after it', async (ctx) => {
    const [a, b] = await Promise.all([server(ctx), server(ctx)]);
    await withWorkshop(a);
    const count = SNAPSHOT_EVERY + 300;
    const appends = Array.from({ length: count }, (_, i) => a.append('ws-store-01', i + 1, [noteEvent(`note-${i + 1}`, `Lapp ${i + 1}`)]));
    assert.equal(await Promise.all(appends), appends.map((_, i) => i + 2));
    const snapshot = await until(async () => (await db.query<{ seq: number }>('SELECT seq FROM snapshots'))[0]);
    assert.ok(snapshot.seq >= SNAPSHOT_EVERY && snapshot.seq <= count + 1, `snapshot at ${snapshot.seq}`);
    const whole = fold(await a.load('ws-store-01'));
    for (const store of [a, b]) {
      const opened = (await store.open('ws-store-01', 10))!;
      assert.equal(opened.state, whole, 'snapshot + later events = the whole history');
      assert.is(opened.state.seq, count + 1);
      assert.equal(opened.recent.map((e) => e.seq), Array.from({ length: 10 }, (_, i) => count - 8 + i));
    }
  });

  it('migrations run by two servers starting at once, and again later, make the tables once', async () => {
    const url = await db.another();
    const stores: PostgresStore[] = await Promise.all([PostgresStore.open(url), PostgresStore.open(url), PostgresStore.open(url)]);
    stores.push(await PostgresStore.open(url));
    const look = new pg.Client({ connectionString: url });
    await look.connect();
    try {
      await withWorkshop(stores[0]);
      assert.is(await stores[3].append('ws-store-01', 1, [noteEvent('note-01')]), 2);
      assert.equal((await look.query('SELECT version FROM verkstad_schema')).rows, [{ version: 1 }], 'each step once');
    } finally {
      await look.end();
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('a connection PostgreSQL ends is replaced: the next calls succeed', async (ctx) => {
    const a = await server(ctx);
    await withWorkshop(a);
    await a.append('ws-store-01', 1, [noteEvent('note-01')]);
    const [ended] = await db.query<{ n: string }>(
      "SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE application_name = 'verkstad' AND datname = current_database()",
    );
    assert.ok(Number(ended.n) > 0, 'the store had connections to end');
    await new Promise((r) => setTimeout(r, 100));
    assert.is(await a.append('ws-store-01', 2, [noteEvent('note-02')]), 3);
    assert.equal(await noteIds(a), ['note-01', 'note-02']);
  });

  it('a Verkstad server runs on it: notes posted at once are acked, stored once, and there for the next server', async () => {
    const first = createServer({ store: await PostgresStore.open(db.url), publicUrl: null });
    const url = await first.listen(0, '127.0.0.1');
    const created = await createWorkshop(url);
    const f = await facilitator(url, created);
    const [anna, bo] = [await participant(url, created.id, { name: 'Anna' }), await participant(url, created.id, { name: 'Bo' })];
    const swot = f.state!.activities[0];
    const note = (i: number, who: string) => ({ type: 'note.add', noteId: `note-${who}-${i}`, activityId: swot.id, columnId: 's', text: `Lapp ${i}` });
    // Sent without waiting: the lane decides them in a row and the store commits them together.
    const acks = await Promise.all(
      Array.from({ length: 20 }, (_, i) => [anna.command(note(i, 'anna'), `cmd-anna-${i}`), bo.command(note(i, 'bo'), `cmd-bo-${i}`)]).flat(),
    );
    assert.ok(acks.every((a) => a.ok), JSON.stringify(acks.find((a) => !a.ok)));
    const resent = await anna.command(note(0, 'anna'), 'cmd-anna-0');
    assert.equal(resent, acks[0], 'a resend is answered with the first seq');
    await f.until((state) => Object.keys(state.notes).length === 40);
    const seq = f.state!.seq;
    for (const c of [f, anna, bo]) c.close();
    await first.close();

    // Another server on the same database: the workshop is there, whole, and goes on from its seq.
    const second = createServer({ store: await PostgresStore.open(db.url), publicUrl: null });
    const url2 = await second.listen(0, '127.0.0.1');
    try {
      const f2 = await facilitator(url2, created);
      assert.is(f2.state!.seq, seq);
      assert.is(Object.keys(f2.state!.notes).length, 40);
      const again = await f2.command({ type: 'note.add', noteId: 'note-f', activityId: swot.id, columnId: 's', text: 'Efter bytet' });
      assert.ok(again.ok && again.data.seq === seq + 1, JSON.stringify(again));
      f2.close();
    } finally {
      await second.close();
    }
  });

  it('closing commits the appends asked before it; closing twice is harmless, and a closed store refuses', async () => {
    const store = await withWorkshop(await PostgresStore.open(db.url));
    const asked = [store.append('ws-store-01', 1, [noteEvent('note-01')]), store.append('ws-store-01', 2, [noteEvent('note-02')])];
    await store.close();
    assert.equal(await Promise.all(asked), [2, 3]);
    await store.close();
    await rejects(store.get('ws-store-01'));
    await rejects(store.append('ws-store-01', 1, []));
  });

  it.run();
}

/** Poll `check` until it gives a value (a snapshot is written a moment after the commit that made it due). */
async function until<T>(check: () => Promise<T | undefined | false>, ms = 10_000): Promise<T> {
  for (const end = Date.now() + ms; ; ) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error('waited in vain');
    await new Promise((r) => setTimeout(r, 50));
  }
}
