// Both stores pass the EventStore contract; the SQLite store also keeps everything on disk.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MemoryStore } from '../server/store/memory.ts';
import { SqliteStore } from '../server/store/sqlite.ts';
import { joinedEvent } from './helpers/builders.ts';
import { created, record, storeContract, withWorkshop } from './store.contract.ts';

const folders: string[] = [];
const freshFolder = () => {
  const dir = mkdtempSync(join(tmpdir(), 'verkstad-store-'));
  folders.push(dir);
  return dir;
};
const cleanUp = () => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
};

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

disk('closing twice is harmless', () => {
  const store = new SqliteStore(freshFolder());
  store.close();
  store.close();
  assert.not.ok(store.db.open);
});

disk.run();
