// The data folder holds who wrote what, anonymous notes too, and every ballot: no other local
// user may read it. Folder 0700, every file 0600, backups alike, whatever the umask.
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { nanoid } from 'nanoid';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SqliteStore } from '../server/store/sqlite.ts';
import { createWorkshop, facilitator, participant } from './helpers/clients.ts';
import { startServer, tempDir } from './helpers/server.ts';
import { created, record } from './store.contract.ts';

// The common default: files 0644 and folders 0755 unless the server sets its own modes.
process.umask(0o022);

const modeOf = (path: string) => statSync(path).mode & 0o777;
const octal = (mode: number) => mode.toString(8);

/** The folder 0700 and each file in it 0600; returns the files' names. */
function assertOwnerOnly(dir: string, where: string): string[] {
  assert.is(octal(modeOf(dir)), '700', `${where}: the folder`);
  const files = readdirSync(dir).sort();
  for (const file of files) assert.is(octal(modeOf(join(dir, file))), '600', `${where}: ${file}`);
  return files;
}

const modes = suite('file modes of the data folder');
const folders: string[] = [];
/** A path for a data folder that does not exist yet, in a temp folder removed afterwards. */
const newFolder = (name = 'data') => {
  const parent = tempDir('verkstad-modes-');
  folders.push(parent);
  return join(parent, name);
};
modes.after(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

modes('a running server makes its data folder 0700 and the database, its WAL and shared memory 0600', async () => {
  const dataDir = newFolder();
  const srv = await startServer({ dataDir });
  const made = await createWorkshop(srv.url, { agenda: [{ kind: 'prioritise' }] });
  const f = await facilitator(srv.url, made);
  const anna = await participant(srv.url, made.id);
  try {
    const prioritise = f.state!.activities[0];
    const optionId = nanoid();
    const steps = [
      await f.command({ type: 'note.add', noteId: optionId, activityId: prioritise.id, columnId: 'options', text: 'Nära vård' }),
      await f.command({ type: 'voting.start', activityId: prioritise.id, dotsPerPerson: 3, maxPerOption: 2 }),
      await anna.command({ type: 'vote.cast', activityId: prioritise.id, optionId, delta: 1 }),
    ];
    assert.ok(steps.every((ack) => ack.ok));
    // While it runs the writer keeps its WAL: all three files are there.
    assert.equal(assertOwnerOnly(dataDir, 'running'), ['verkstad.db', 'verkstad.db-shm', 'verkstad.db-wal']);
  } finally {
    f.close();
    anna.close();
    await srv.close();
  }
  assert.ok(assertOwnerOnly(dataDir, 'stopped').includes('verkstad.db'));
});

modes('a data folder from before, open to others, is made owner only at start, and the server says so', async () => {
  const dataDir = newFolder();
  mkdirSync(dataDir);
  // A store of an earlier version: 0644 files, a WAL and shared memory left by a connection still open.
  const old = new Database(join(dataDir, 'verkstad.db'));
  old.pragma('journal_mode = WAL');
  old.exec("CREATE TABLE earlier (x TEXT); INSERT INTO earlier VALUES ('Anna röstade på Nära vård')");
  for (const file of readdirSync(dataDir)) chmodSync(join(dataDir, file), 0o644);
  chmodSync(dataDir, 0o755);
  assert.equal(readdirSync(dataDir).sort(), ['verkstad.db', 'verkstad.db-shm', 'verkstad.db-wal']);

  const logged: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void logged.push(args.join(' '));
  let store: SqliteStore;
  try {
    store = new SqliteStore(dataDir);
  } finally {
    console.log = log;
  }
  old.close();
  await store.create(record(), [created()]);
  assertOwnerOnly(dataDir, 'after the start');
  await store.close();
  for (const path of [dataDir, ...['', '-wal', '-shm'].map((end) => join(dataDir, `verkstad.db${end}`))])
    assert.ok(logged.some((line) => line.startsWith(`${path} was open to others`)), `no log line for ${path}: ${logged}`);
});

modes('a backup is as secret as the store: the copy 0600, a folder made for it 0700', async () => {
  const dataDir = newFolder();
  const store = new SqliteStore(dataDir);
  await store.create(record(), [created()]);
  await store.close();
  const target = join(newFolder('backups'), 'copy.db');
  const out = execFileSync(process.execPath, ['scripts/backup.mjs', target], { env: { ...process.env, DATA_DIR: dataDir }, encoding: 'utf8' });
  assert.match(out, /integrity: ok/);
  // The check opens the copy read-only and leaves its (empty) WAL and shared memory: 0600 too.
  assert.ok(assertOwnerOnly(join(target, '..'), 'the backup').includes('copy.db'));
});

modes.run();
