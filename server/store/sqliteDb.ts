// The SQLite store's tables and statements, synchronous (better-sqlite3). Runs only inside the
// store's worker threads (sqliteWorker.ts), never on the server's event loop.
// synchronous=FULL: a commit is on disk before the ack goes out, so an acknowledged note
// survives a process crash and a power cut alike (NORMAL in WAL mode may lose the last commits
// on power loss). See docs/operations.md.
import Database from 'better-sqlite3';
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fold } from '../../shared/workshop/apply.ts';
import type { Sequenced, WorkshopEvent } from '../../shared/workshop/events.ts';
import type { Workshop } from '../../shared/workshop/model.ts';
import { DuplicateCommand, SeqConflict, type AppendOptions, type OpenedWorkshop, type WorkshopRecord } from './store.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS workshops (
  id TEXT PRIMARY KEY,
  join_code TEXT NOT NULL UNIQUE,
  key_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  closed_at INTEGER
);
CREATE TABLE IF NOT EXISTS events (
  workshop_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (workshop_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS commands (
  workshop_id TEXT NOT NULL,
  command_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (workshop_id, command_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS credentials (
  workshop_id TEXT NOT NULL,
  token_hash TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  PRIMARY KEY (workshop_id, token_hash)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS snapshots (
  workshop_id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  data TEXT NOT NULL
);
`;

interface RecordRow {
  id: string;
  join_code: string;
  key_hash: string;
  created_at: number;
}

const toRecord = (row: RecordRow): WorkshopRecord => ({
  id: row.id,
  joinCode: row.join_code,
  keyHash: row.key_hash,
  createdAt: row.created_at,
});

/**
 * The data folder and its files are the owner's alone: they hold who wrote what (anonymous
 * notes too) and how each person voted. Set here, whatever the process's umask.
 */
const FOLDER_MODE = 0o700;
const FILE_MODE = 0o600;

/** Give `path`, if it is there, exactly `mode`; say so when it was open to others (from before). */
function restrict(path: string, mode: number): void {
  // A WAL can vanish meanwhile: the last connection of a store being closed deletes it.
  const was = (statSync(path, { throwIfNoEntry: false })?.mode ?? mode) & 0o777;
  if (was === mode) return;
  try {
    chmodSync(path, mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    // Another user's folder: the server still runs, and the operator is told what to fix.
    console.error(`${path} is ${was.toString(8)} and cannot be made ${mode.toString(8)}: ${(err as Error).message}`);
    return;
  }
  if (was & 0o077) console.log(`${path} was open to others (${was.toString(8)}): now ${mode.toString(8)}, owner only`);
}

/**
 * The folder 0700 and the database file 0600, made so before SQLite writes a byte. SQLite gives
 * the -wal, -shm and -journal files it creates the database file's mode; ones left from an
 * earlier run are tightened here too.
 */
function ownerOnly(dataDir: string, file: string): string {
  mkdirSync(dataDir, { recursive: true, mode: FOLDER_MODE });
  restrict(dataDir, FOLDER_MODE);
  const path = join(dataDir, file);
  closeSync(openSync(path, 'a', FILE_MODE)); // made if missing, never truncated
  for (const name of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) restrict(name, FILE_MODE);
  return path;
}

/** Open the database file, creating the folder and tables on first use. */
export function openDatabase(dataDir: string, file: string): Database.Database {
  const db = new Database(ownerOnly(dataDir, file));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // Erasing a workshop must erase its text from the file too, not only unlink the pages.
  db.pragma('secure_delete = ON');
  // The reader writes nothing but a snapshot may briefly hold the lock; wait, never fail.
  db.pragma('busy_timeout = 10000');
  db.exec(SCHEMA);
  // Data folders from before the retention setting lack the column.
  const columns = db.pragma('table_info(workshops)') as Array<{ name: string }>;
  if (!columns.some((c) => c.name === 'closed_at')) db.exec('ALTER TABLE workshops ADD COLUMN closed_at INTEGER');
  db.exec('CREATE INDEX IF NOT EXISTS workshops_closed_at ON workshops (closed_at) WHERE closed_at IS NOT NULL');
  return db;
}

export class SqliteDb {
  readonly db: Database.Database;
  #q;

  constructor(dataDir: string, file = 'verkstad.db') {
    this.db = openDatabase(dataDir, file);
    const db = this.db;
    this.#q = {
      insertWorkshop: db.prepare('INSERT INTO workshops (id, join_code, key_hash, created_at) VALUES (?, ?, ?, ?)'),
      record: db.prepare<[string], RecordRow>('SELECT id, join_code, key_hash, created_at FROM workshops WHERE id = ?'),
      setClosedAt: db.prepare('UPDATE workshops SET closed_at = ? WHERE id = ?'),
      closedBefore: db.prepare<[number], { id: string }>('SELECT id FROM workshops WHERE closed_at < ?'),
      erase: ['events', 'commands', 'credentials', 'snapshots'].map((table) =>
        db.prepare(`DELETE FROM ${table} WHERE workshop_id = ?`),
      ),
      eraseRecord: db.prepare('DELETE FROM workshops WHERE id = ?'),
      byCode: db.prepare<[string], { id: string }>('SELECT id FROM workshops WHERE join_code = ?'),
      lastSeq: db.prepare<[string], { seq: number | null }>('SELECT MAX(seq) AS seq FROM events WHERE workshop_id = ?'),
      insertEvent: db.prepare('INSERT INTO events (workshop_id, seq, type, data) VALUES (?, ?, ?, ?)'),
      events: db.prepare<[string, number], { seq: number; data: string }>(
        'SELECT seq, data FROM events WHERE workshop_id = ? AND seq > ? ORDER BY seq',
      ),
      lastEvents: db.prepare<[string, number], { seq: number; data: string }>(
        'SELECT seq, data FROM (SELECT seq, data FROM events WHERE workshop_id = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq',
      ),
      insertCommand: db.prepare('INSERT INTO commands (workshop_id, command_id, seq) VALUES (?, ?, ?)'),
      command: db.prepare<[string, string], { seq: number }>('SELECT seq FROM commands WHERE workshop_id = ? AND command_id = ?'),
      commands: db.prepare<[string], { command_id: string; seq: number }>(
        'SELECT command_id, seq FROM commands WHERE workshop_id = ?',
      ),
      insertCredential: db.prepare('INSERT INTO credentials (workshop_id, token_hash, participant_id) VALUES (?, ?, ?)'),
      credential: db.prepare<[string, string], { participant_id: string }>(
        'SELECT participant_id FROM credentials WHERE workshop_id = ? AND token_hash = ?',
      ),
      credentials: db.prepare<[string], { token_hash: string; participant_id: string }>(
        'SELECT token_hash, participant_id FROM credentials WHERE workshop_id = ?',
      ),
      snapshot: db.prepare<[string], { seq: number; data: string }>('SELECT seq, data FROM snapshots WHERE workshop_id = ?'),
      snapshotSeq: db.prepare<[string], { seq: number }>('SELECT seq FROM snapshots WHERE workshop_id = ?'),
      saveSnapshot: db.prepare(
        `INSERT INTO snapshots (workshop_id, seq, data) SELECT @id, @seq, @data WHERE EXISTS (SELECT 1 FROM workshops WHERE id = @id)
         ON CONFLICT (workshop_id) DO UPDATE SET seq = excluded.seq, data = excluded.data WHERE excluded.seq > snapshots.seq`,
      ),
    };
  }

  create(record: WorkshopRecord, events: WorkshopEvent[]): void {
    this.db.transaction(() => {
      this.#q.insertWorkshop.run(record.id, record.joinCode, record.keyHash, record.createdAt);
      events.forEach((event, i) => this.#q.insertEvent.run(record.id, i + 1, event.type, JSON.stringify(event)));
    })();
  }

  get(workshopId: string): WorkshopRecord | undefined {
    const row = this.#q.record.get(workshopId);
    return row && toRecord(row);
  }

  idForCode(joinCode: string): string | undefined {
    return this.#q.byCode.get(joinCode)?.id;
  }

  load(workshopId: string, afterSeq = 0): Sequenced[] {
    return this.#q.events.all(workshopId, afterSeq).map((row) => ({ seq: row.seq, event: JSON.parse(row.data) as WorkshopEvent }));
  }

  /** The state folded from the latest snapshot and the events after it. */
  state(workshopId: string): Workshop | null {
    return this.db.transaction(() => {
      const snapshot = this.#q.snapshot.get(workshopId);
      const from = snapshot ? (JSON.parse(snapshot.data) as Workshop) : null;
      return fold(this.load(workshopId, snapshot?.seq ?? 0), from);
    })();
  }

  open(workshopId: string, recent: number): OpenedWorkshop | undefined {
    // One read transaction: state, events, ids and tokens are of one moment.
    return this.db.transaction(() => {
      const row = this.#q.record.get(workshopId);
      const state = row && this.state(workshopId);
      if (!row || !state) return undefined;
      return {
        record: toRecord(row),
        state,
        recent: this.#q.lastEvents
          .all(workshopId, recent)
          .map((e) => ({ seq: e.seq, event: JSON.parse(e.data) as WorkshopEvent })),
        commands: new Map(this.#q.commands.all(workshopId).map((c) => [c.command_id, c.seq])),
        tokens: new Map(this.#q.credentials.all(workshopId).map((c) => [c.token_hash, c.participant_id])),
      };
    })();
  }

  append(workshopId: string, expectedSeq: number, events: WorkshopEvent[], options: AppendOptions = {}): number {
    return this.db.transaction(() => {
      if (!this.#q.record.get(workshopId)) throw new Error(`unknown workshop ${workshopId}`);
      const last = this.#q.lastSeq.get(workshopId)?.seq ?? 0;
      if (last !== expectedSeq) throw new SeqConflict(workshopId, expectedSeq, last);
      const seen = options.commandId ? this.#q.command.get(workshopId, options.commandId) : undefined;
      if (seen) throw new DuplicateCommand(options.commandId!, seen.seq);
      events.forEach((event, i) => this.#q.insertEvent.run(workshopId, last + i + 1, event.type, JSON.stringify(event)));
      const seq = last + events.length;
      if (options.commandId) this.#q.insertCommand.run(workshopId, options.commandId, seq);
      const c = options.credential;
      if (c) this.#q.insertCredential.run(workshopId, c.tokenHash, c.participantId);
      if (options.closedAt !== undefined) this.#q.setClosedAt.run(options.closedAt, workshopId);
      return seq;
    })();
  }

  commandSeq(workshopId: string, commandId: string): number | undefined {
    return this.#q.command.get(workshopId, commandId)?.seq;
  }

  participantForToken(workshopId: string, tokenHash: string): string | undefined {
    return this.#q.credential.get(workshopId, tokenHash)?.participant_id;
  }

  closedBefore(time: number): string[] {
    return this.#q.closedBefore.all(time).map((row) => row.id);
  }

  snapshotSeq(workshopId: string): number {
    return this.#q.snapshotSeq.get(workshopId)?.seq ?? 0;
  }

  /** A snapshot as JSON, kept only if the workshop still exists and it is newer than the last. */
  saveSnapshot(workshopId: string, seq: number, data: string): void {
    this.#q.saveSnapshot.run({ id: workshopId, seq, data });
  }

  delete(workshopId: string): boolean {
    return this.db.transaction(() => {
      for (const statement of this.#q.erase) statement.run(workshopId);
      return this.#q.eraseRecord.run(workshopId).changes > 0;
    })();
  }

  /** The WAL still holds pages as they were before a delete; copy back and empty it. */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
