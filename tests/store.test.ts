// Both stores pass the EventStore contract; the SQLite store also keeps everything on disk.
import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MemoryStore } from '../server/store/memory.ts';
import { SqliteStore } from '../server/store/sqlite.ts';
import { T0, joinedEvent } from './helpers/builders.ts';
import { created, noteEvent, record, rejects, storeContract, withWorkshop } from './store.contract.ts';
import { fold } from '../shared/workshop/apply.ts';
import { SNAPSHOT_EVERY } from '../server/store/store.ts';

const folders: string[] = [];
const freshFolder = () => {
  const dir = mkdtempSync(join(tmpdir(), 'verkstad-store-'));
  folders.push(dir);
  return dir;
};
const cleanUp = () => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
};

/** Every byte of the folder's files (database, WAL, shared memory), as text to search in. */
const rawFiles = (dir: string) =>
  readdirSync(dir)
    .map((file) => readFileSync(join(dir, file)).toString('latin1'))
    .join('\n');

storeContract('memory', () => new MemoryStore()).run();

const sqliteContract = storeContract('sqlite', () => new SqliteStore(freshFolder()));
sqliteContract.after(cleanUp);
sqliteContract.run();

// ---------------------------------------------------------------------------------------------
const disk = suite('sqlite store on disk');
disk.after(cleanUp);

disk('a workshop survives closing and reopening the same folder', async () => {
  const dir = freshFolder();
  const first = await withWorkshop(new SqliteStore(dir));
  const credential = { participantId: 'p-anna', tokenHash: 'c'.repeat(64) };
  await first.append('ws-store-01', 1, [joinedEvent('p-anna')], { commandId: 'cmd-000001', credential });
  await first.append('ws-store-01', 2, [], { commandId: 'cmd-000002' });
  await first.close();

  const again = new SqliteStore(dir);
  try {
    assert.equal(await again.get('ws-store-01'), record());
    assert.is(await again.idForCode('482913'), 'ws-store-01');
    assert.equal(await again.load('ws-store-01'), [
      { seq: 1, event: created() },
      { seq: 2, event: joinedEvent('p-anna') },
    ]);
    assert.is(await again.commandSeq('ws-store-01', 'cmd-000001'), 2);
    assert.is(await again.commandSeq('ws-store-01', 'cmd-000002'), 2);
    assert.is(await again.participantForToken('ws-store-01', 'c'.repeat(64)), 'p-anna');
    assert.is(await again.append('ws-store-01', 2, [joinedEvent('p-bertil')]), 3);
  } finally {
    await again.close();
  }
});

/** A second connection to the store's file, for what only the file can tell. */
const raw = (dir: string) => new Database(join(dir, 'verkstad.db'));

disk('the database passes PRAGMA integrity_check after use', async () => {
  const dir = freshFolder();
  const store = await withWorkshop(new SqliteStore(dir));
  try {
    for (let seq = 1; seq <= 50; seq++) await store.append('ws-store-01', seq, [joinedEvent(`p-user-${seq}`)]);
    const db = raw(dir);
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    db.close();
  } finally {
    await store.close();
  }
});

disk('it runs in WAL mode with synchronous FULL, also after reopening', async () => {
  const dir = freshFolder();
  for (let open = 0; open < 2; open++) {
    const store = new SqliteStore(dir);
    try {
      assert.equal(await store.settings(), { journalMode: 'wal', synchronous: 2 }, 'the writer commits with synchronous = FULL');
    } finally {
      await store.close();
    }
  }
});

disk('a deleted workshop leaves no trace in the database file or its WAL', async () => {
  const dir = freshFolder();
  const store = await withWorkshop(new SqliteStore(dir));
  const secret = 'Hemlig-anteckning-7f3a9c';
  try {
    await withWorkshop(store, 'ws-store-02', '771234');
    for (let seq = 1; seq <= 40; seq++) await store.append('ws-store-01', seq, [noteEvent(`note-${seq}`, `${secret} ${seq}`)]);
    await store.append('ws-store-02', 1, [joinedEvent('p-bertil')]);
    assert.ok(rawFiles(dir).includes(secret), 'the text is in the files before');
    await store.delete('ws-store-01');
    assert.not.ok(rawFiles(dir).includes(secret), 'no trace of the text after');
    assert.not.ok(rawFiles(dir).includes('ws-store-01'), 'no trace of the id after');
    const db = raw(dir);
    assert.is(db.pragma('integrity_check', { simple: true }), 'ok');
    db.close();
  } finally {
    await store.close();
  }
  assert.not.ok(rawFiles(dir).includes(secret), 'nor after closing');
});

disk('a big workshop keeps a state snapshot: opening it folds only the events after it', async () => {
  const dir = freshFolder();
  const store = await withWorkshop(new SqliteStore(dir));
  const count = SNAPSHOT_EVERY + 300;
  try {
    // Appended without waiting for each other, as a lane does: they chain on their seqs.
    const appends = Array.from({ length: count }, (_, i) => store.append('ws-store-01', i + 1, [noteEvent(`note-${i + 1}`, `Lapp ${i + 1}`)]));
    assert.equal(await Promise.all(appends), appends.map((_, i) => i + 2));
    // The snapshot is written a moment after the commit that made it due.
    let snapshot: { seq: number } | undefined;
    for (let i = 0; i < 100 && !snapshot; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const db = raw(dir);
      snapshot = db.prepare<[], { seq: number }>("SELECT seq FROM snapshots WHERE workshop_id = 'ws-store-01'").get();
      db.close();
    }
    assert.ok(snapshot && snapshot.seq >= SNAPSHOT_EVERY && snapshot.seq <= count + 1, `snapshot at ${snapshot?.seq}`);
    const opened = await store.open('ws-store-01', 10);
    assert.equal(opened!.state, fold(await store.load('ws-store-01')), 'snapshot + later events = the whole history');
    assert.is(opened!.state.seq, count + 1);
    assert.is(Object.keys(opened!.state.notes).length, count);
    assert.equal(opened!.recent.map((e) => e.seq), Array.from({ length: 10 }, (_, i) => count - 8 + i));
    await store.delete('ws-store-01');
    const db = raw(dir);
    assert.is(db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM snapshots').get()!.n, 0, 'deleting erases the snapshot too');
    db.close();
  } finally {
    await store.close();
  }
});

disk('a data folder from before the retention setting gets its closed_at column', async () => {
  const dir = freshFolder();
  const old = new Database(join(dir, 'verkstad.db'));
  old.exec('CREATE TABLE workshops (id TEXT PRIMARY KEY, join_code TEXT NOT NULL UNIQUE, key_hash TEXT NOT NULL, created_at INTEGER NOT NULL)');
  old.prepare('INSERT INTO workshops VALUES (?, ?, ?, ?)').run('ws-old-0001', '123456', 'a'.repeat(64), T0);
  old.close();
  const store = new SqliteStore(dir);
  try {
    assert.is(await store.idForCode('123456'), 'ws-old-0001');
    await store.append('ws-old-0001', 0, [{ type: 'workshop.closed', at: T0 }], { closedAt: T0 });
    assert.equal(await store.closedBefore(T0 + 1), ['ws-old-0001']);
  } finally {
    await store.close();
  }
});

disk('closing twice is harmless, and a closed store refuses', async () => {
  const store = new SqliteStore(freshFolder());
  await store.close();
  await store.close();
  await rejects(store.get('ws-store-01'));
});

disk.run();
