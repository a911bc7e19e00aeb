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
import { created, noteEvent, record, storeContract, withWorkshop } from './store.contract.ts';

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

disk('a workshop survives closing and reopening the same folder', () => {
  const dir = freshFolder();
  const first = withWorkshop(new SqliteStore(dir));
  const credential = { participantId: 'p-anna', tokenHash: 'c'.repeat(64) };
  first.append('ws-store-01', 1, [joinedEvent('p-anna')], { commandId: 'cmd-000001', credential });
  first.append('ws-store-01', 2, [], { commandId: 'cmd-000002' });
  first.close();

  const again = new SqliteStore(dir);
  try {
    assert.equal(again.get('ws-store-01'), record());
    assert.is(again.idForCode('482913'), 'ws-store-01');
    assert.equal(again.load('ws-store-01'), [
      { seq: 1, event: created() },
      { seq: 2, event: joinedEvent('p-anna') },
    ]);
    assert.is(again.commandSeq('ws-store-01', 'cmd-000001'), 2);
    assert.is(again.commandSeq('ws-store-01', 'cmd-000002'), 2);
    assert.is(again.participantForToken('ws-store-01', 'c'.repeat(64)), 'p-anna');
    assert.is(again.append('ws-store-01', 2, [joinedEvent('p-bertil')]), 3);
  } finally {
    again.close();
  }
});

disk('the database passes PRAGMA integrity_check after use', () => {
  const store = withWorkshop(new SqliteStore(freshFolder()));
  try {
    for (let seq = 1; seq <= 50; seq++) store.append('ws-store-01', seq, [joinedEvent(`p-user-${seq}`)]);
    assert.equal(store.db.pragma('integrity_check', { simple: true }), 'ok');
  } finally {
    store.close();
  }
});

disk('it runs in WAL mode with synchronous FULL, also after reopening', () => {
  const dir = freshFolder();
  for (let open = 0; open < 2; open++) {
    const store = new SqliteStore(dir);
    try {
      assert.is(store.db.pragma('journal_mode', { simple: true }), 'wal');
      assert.is(store.db.pragma('synchronous', { simple: true }), 2, 'synchronous = FULL');
    } finally {
      store.close();
    }
  }
});

disk('a deleted workshop leaves no trace in the database file or its WAL', () => {
  const dir = freshFolder();
  const store = withWorkshop(new SqliteStore(dir));
  const secret = 'Hemlig-anteckning-7f3a9c';
  try {
    withWorkshop(store, 'ws-store-02', '771234');
    for (let seq = 1; seq <= 40; seq++) store.append('ws-store-01', seq, [noteEvent(`note-${seq}`, `${secret} ${seq}`)]);
    store.append('ws-store-02', 1, [joinedEvent('p-bertil')]);
    assert.ok(rawFiles(dir).includes(secret), 'the text is in the files before');
    store.delete('ws-store-01');
    assert.not.ok(rawFiles(dir).includes(secret), 'no trace of the text after');
    assert.not.ok(rawFiles(dir).includes('ws-store-01'), 'no trace of the id after');
    assert.is(store.db.pragma('integrity_check', { simple: true }), 'ok');
  } finally {
    store.close();
  }
  assert.not.ok(rawFiles(dir).includes(secret), 'nor after closing');
});

disk('a data folder from before the retention setting gets its closed_at column', () => {
  const dir = freshFolder();
  const old = new Database(join(dir, 'verkstad.db'));
  old.exec('CREATE TABLE workshops (id TEXT PRIMARY KEY, join_code TEXT NOT NULL UNIQUE, key_hash TEXT NOT NULL, created_at INTEGER NOT NULL)');
  old.prepare('INSERT INTO workshops VALUES (?, ?, ?, ?)').run('ws-old-0001', '123456', 'a'.repeat(64), T0);
  old.close();
  const store = new SqliteStore(dir);
  try {
    assert.is(store.idForCode('123456'), 'ws-old-0001');
    store.append('ws-old-0001', 0, [{ type: 'workshop.closed', at: T0 }], { closedAt: T0 });
    assert.equal(store.closedBefore(T0 + 1), ['ws-old-0001']);
  } finally {
    store.close();
  }
});

disk('closing twice is harmless', () => {
  const store = new SqliteStore(freshFolder());
  store.close();
  store.close();
  assert.not.ok(store.db.open);
});

disk.run();
