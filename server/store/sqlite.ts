// SQLite EventStore (better-sqlite3, WAL). The default store: one file in DATA_DIR.
// synchronous=FULL: a commit is on disk before the ack goes out, so an acknowledged note
// survives a process crash and a power cut alike (NORMAL in WAL mode may lose the last
// commits on power loss). See docs/operations.md.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Sequenced, WorkshopEvent } from '../../shared/workshop/events.ts';
import { SeqConflict, type AppendOptions, type EventStore, type WorkshopRecord } from './store.ts';

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
`;

interface RecordRow {
  id: string;
  join_code: string;
  key_hash: string;
  created_at: number;
}

export class SqliteStore implements EventStore {
  readonly db: Database.Database;
  #q;

  constructor(dataDir: string, file = 'verkstad.db') {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, file));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    // Erasing a workshop must erase its text from the file too, not only unlink the pages.
    this.db.pragma('secure_delete = ON');
    this.db.exec(SCHEMA);
    // Data folders from before the retention setting lack the column.
    const columns = this.db.pragma('table_info(workshops)') as Array<{ name: string }>;
    if (!columns.some((c) => c.name === 'closed_at')) this.db.exec('ALTER TABLE workshops ADD COLUMN closed_at INTEGER');
    this.db.exec('CREATE INDEX IF NOT EXISTS workshops_closed_at ON workshops (closed_at) WHERE closed_at IS NOT NULL');
    const db = this.db;
    this.#q = {
      insertWorkshop: db.prepare(
        'INSERT INTO workshops (id, join_code, key_hash, created_at) VALUES (?, ?, ?, ?)',
      ),
      record: db.prepare<[string], RecordRow>(
        'SELECT id, join_code, key_hash, created_at FROM workshops WHERE id = ?',
      ),
      setClosedAt: db.prepare('UPDATE workshops SET closed_at = ? WHERE id = ?'),
      closedBefore: db.prepare<[number], { id: string }>('SELECT id FROM workshops WHERE closed_at < ?'),
      erase: ['events', 'commands', 'credentials'].map((table) =>
        db.prepare(`DELETE FROM ${table} WHERE workshop_id = ?`),
      ),
      eraseRecord: db.prepare('DELETE FROM workshops WHERE id = ?'),
      byCode: db.prepare<[string], { id: string }>('SELECT id FROM workshops WHERE join_code = ?'),
      lastSeq: db.prepare<[string], { seq: number | null }>(
        'SELECT MAX(seq) AS seq FROM events WHERE workshop_id = ?',
      ),
      insertEvent: db.prepare('INSERT INTO events (workshop_id, seq, type, data) VALUES (?, ?, ?, ?)'),
      events: db.prepare<[string, number], { seq: number; data: string }>(
        'SELECT seq, data FROM events WHERE workshop_id = ? AND seq > ? ORDER BY seq',
      ),
      insertCommand: db.prepare('INSERT INTO commands (workshop_id, command_id, seq) VALUES (?, ?, ?)'),
      command: db.prepare<[string, string], { seq: number }>(
        'SELECT seq FROM commands WHERE workshop_id = ? AND command_id = ?',
      ),
      insertCredential: db.prepare(
        'INSERT INTO credentials (workshop_id, token_hash, participant_id) VALUES (?, ?, ?)',
      ),
      credential: db.prepare<[string, string], { participant_id: string }>(
        'SELECT participant_id FROM credentials WHERE workshop_id = ? AND token_hash = ?',
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
    return row && { id: row.id, joinCode: row.join_code, keyHash: row.key_hash, createdAt: row.created_at };
  }

  idForCode(joinCode: string): string | undefined {
    return this.#q.byCode.get(joinCode)?.id;
  }

  load(workshopId: string, afterSeq = 0): Sequenced[] {
    return this.#q.events
      .all(workshopId, afterSeq)
      .map((row) => ({ seq: row.seq, event: JSON.parse(row.data) as WorkshopEvent }));
  }

  append(workshopId: string, expectedSeq: number, events: WorkshopEvent[], options: AppendOptions = {}): number {
    return this.db.transaction(() => {
      if (!this.#q.record.get(workshopId)) throw new Error(`unknown workshop ${workshopId}`);
      const last = this.#q.lastSeq.get(workshopId)?.seq ?? 0;
      if (last !== expectedSeq) throw new SeqConflict(workshopId, expectedSeq, last);
      events.forEach((event, i) =>
        this.#q.insertEvent.run(workshopId, last + i + 1, event.type, JSON.stringify(event)),
      );
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

  delete(workshopId: string): boolean {
    const deleted = this.db.transaction(() => {
      for (const statement of this.#q.erase) statement.run(workshopId);
      return this.#q.eraseRecord.run(workshopId).changes > 0;
    })();
    // The WAL still holds the pages as they were before; copy back and empty it.
    if (deleted) this.db.pragma('wal_checkpoint(TRUNCATE)');
    return deleted;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
