// PostgreSQL EventStore (node-postgres), selected by DATABASE_URL: the one store that several
// servers can share. Its tables are made at start (postgresSchema.ts); appends are fenced on the
// workshop's last seq and grouped per workshop (postgresAppend.ts), so each workshop has one
// order whichever server writes; big folds run in a thread (postgresFold.ts). Like the SQLite
// store it keeps a state snapshot every SNAPSHOT_EVERY events, so opening a big workshop folds
// a snapshot and at most that many events, not its whole history.
import pg from 'pg';
import type { Sequenced, WorkshopEvent } from '../../shared/workshop/events.ts';
import type { Workshop } from '../../shared/workshop/model.ts';
import { fold } from '../../shared/workshop/apply.ts';
import { Appender } from './postgresAppend.ts';
import { Folder, type StoredEvent } from './postgresFold.ts';
import { migrate } from './postgresSchema.ts';
import {
  SNAPSHOT_EVERY,
  type AppendOptions,
  type EventStore,
  type OpenedWorkshop,
  type WorkshopRecord,
} from './store.ts';

interface RecordRow {
  id: string;
  join_code: string;
  key_hash: string;
  /** bigint: node-postgres gives it as a string. */
  created_at: string;
}

const RECORD = 'SELECT id, join_code, key_hash, created_at FROM workshops WHERE id = $1';
const EVENTS_AFTER = 'SELECT seq, data FROM events WHERE workshop_id = $1 AND seq > $2 ORDER BY seq';
const SNAPSHOT = 'SELECT seq, data FROM snapshots WHERE workshop_id = $1';
/** Kept only if newer than the one stored; the foreign key refuses it for a deleted workshop. */
const SAVE_SNAPSHOT = `INSERT INTO snapshots (workshop_id, seq, data) VALUES ($1, $2, $3)
  ON CONFLICT (workshop_id) DO UPDATE SET seq = excluded.seq, data = excluded.data WHERE excluded.seq > snapshots.seq`;
const FOREIGN_KEY_VIOLATION = '23503';

/** Folded on the event loop when this small (a few ms); bigger folds go to the fold thread. */
const FOLD_HERE = { events: 200, snapshotChars: 256 * 1024 };

const toRecord = (row: RecordRow): WorkshopRecord => ({
  id: row.id,
  joinCode: row.join_code,
  keyHash: row.key_hash,
  createdAt: Number(row.created_at),
});

const parsed = (rows: StoredEvent[]): Sequenced[] => rows.map((row) => ({ seq: row.seq, event: JSON.parse(row.data) as WorkshopEvent }));

/** Where a DATABASE_URL points, without its password, for the log. */
export function describeDatabase(url: string): string {
  const u = new URL(url);
  const host = u.hostname || u.searchParams.get('host') || 'localhost';
  return `PostgreSQL ${u.username ? `${decodeURIComponent(u.username)}@` : ''}${host}${u.port ? `:${u.port}` : ''}${u.pathname}`;
}

export class PostgresStore implements EventStore {
  readonly #pool: pg.Pool;
  readonly #appender: Appender;
  readonly #folder = new Folder();
  /** The seq each workshop's snapshot is at, or has been asked for, as far as this server knows. */
  readonly #snapshotAt = new Map<string, number>();
  #closed = false;

  private constructor(pool: pg.Pool) {
    this.#pool = pool;
    this.#appender = new Appender(pool, (id, lastSeq, snapshotSeq) => this.#committed(id, lastSeq, snapshotSeq));
  }

  /** Connect and bring the tables up to date; rejects (with PostgreSQL's reason) if it cannot. */
  static async open(url: string): Promise<PostgresStore> {
    const pool = new pg.Pool({
      connectionString: url,
      application_name: 'verkstad',
      // A server cut off mid-append must not hold its workshop's lock for long: PostgreSQL
      // ends the session, and the other servers' appends to that workshop go on.
      idle_in_transaction_session_timeout: 60_000,
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
    });
    // A pooled connection that PostgreSQL ends (a restart, a terminated backend) is dropped by
    // the pool and replaced on next use; unhandled, the error would end the process.
    const lost = (err: Error) => console.error('PostgreSQL connection lost:', err.message);
    pool.on('error', lost);
    // The pool hears only of idle connections; one checked out between two queries would throw.
    pool.on('connect', (client) => client.on('error', lost));
    try {
      await migrate(pool);
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PostgresStore(pool);
  }

  async #transaction<T>(begin: string, run: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(begin);
      const value = await run(client);
      await client.query('COMMIT');
      return value;
    } catch (err) {
      await client.query('ROLLBACK').catch((rollbackFailed: Error) => (broken = rollbackFailed));
      throw err;
    } finally {
      client.release(broken);
    }
  }

  create(record: WorkshopRecord, events: WorkshopEvent[]): Promise<void> {
    return this.#transaction('BEGIN', async (client) => {
      await client.query('INSERT INTO workshops (id, join_code, key_hash, created_at, last_seq) VALUES ($1, $2, $3, $4, $5)', [
        record.id,
        record.joinCode,
        record.keyHash,
        record.createdAt,
        events.length,
      ]);
      await client.query(
        `INSERT INTO events (workshop_id, seq, type, data)
         SELECT $1, e.seq, e.type, e.data FROM unnest($2::int[], $3::text[], $4::text[]) AS e(seq, type, data)`,
        [record.id, events.map((_, i) => i + 1), events.map((e) => e.type), events.map((e) => JSON.stringify(e))],
      );
    });
  }

  append(workshopId: string, expectedSeq: number, events: WorkshopEvent[], options: AppendOptions = {}): Promise<number> {
    if (this.#closed) return Promise.reject(new Error('store closed'));
    return this.#appender.append(workshopId, expectedSeq, events, options);
  }

  async get(workshopId: string): Promise<WorkshopRecord | undefined> {
    const { rows } = await this.#pool.query<RecordRow>(RECORD, [workshopId]);
    return rows[0] && toRecord(rows[0]);
  }

  async idForCode(joinCode: string): Promise<string | undefined> {
    const { rows } = await this.#pool.query<{ id: string }>('SELECT id FROM workshops WHERE join_code = $1', [joinCode]);
    return rows[0]?.id;
  }

  async load(workshopId: string, afterSeq = 0): Promise<Sequenced[]> {
    const { rows } = await this.#pool.query<StoredEvent>(EVENTS_AFTER, [workshopId, afterSeq]);
    return parsed(rows);
  }

  async open(workshopId: string, recent: number): Promise<OpenedWorkshop | undefined> {
    // One snapshot of the database: state, events, ids and tokens are of one moment.
    const read = await this.#transaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', async (client) => {
      const record = await client.query<RecordRow & { last_seq: number }>(
        'SELECT id, join_code, key_hash, created_at, last_seq FROM workshops WHERE id = $1',
        [workshopId],
      );
      if (!record.rows.length) return undefined;
      const snapshot = (await client.query<StoredEvent>(SNAPSHOT, [workshopId])).rows[0];
      // The events after the snapshot and the last `recent`, in one read.
      const from = Math.min(snapshot?.seq ?? 0, Math.max(0, record.rows[0].last_seq - recent));
      const events = (await client.query<StoredEvent>(EVENTS_AFTER, [workshopId, from])).rows;
      const commands = await client.query<{ command_id: string; seq: number }>(
        'SELECT command_id, seq FROM commands WHERE workshop_id = $1',
        [workshopId],
      );
      const tokens = await client.query<{ token_hash: string; participant_id: string }>(
        'SELECT token_hash, participant_id FROM credentials WHERE workshop_id = $1',
        [workshopId],
      );
      return { record: record.rows[0], snapshot, events, commands: commands.rows, tokens: tokens.rows };
    });
    if (!read) return undefined;
    const after = read.events.filter((e) => e.seq > (read.snapshot?.seq ?? 0));
    const state = await this.#fold(read.snapshot ?? null, after);
    if (!state) return undefined;
    return {
      record: toRecord(read.record),
      state,
      // Parsed apart from the state's: the state is folded in place later, these are sent as stored.
      recent: recent > 0 ? parsed(read.events.slice(-recent)) : [],
      commands: new Map(read.commands.map((c) => [c.command_id, c.seq])),
      tokens: new Map(read.tokens.map((t) => [t.token_hash, t.participant_id])),
    };
  }

  async #fold(snapshot: StoredEvent | null, events: StoredEvent[]): Promise<Workshop | null> {
    if (events.length <= FOLD_HERE.events && (snapshot?.data.length ?? 0) <= FOLD_HERE.snapshotChars)
      return fold(parsed(events), snapshot && (JSON.parse(snapshot.data) as Workshop));
    const folded = await this.#folder.fold(snapshot?.data ?? null, events);
    return folded && (JSON.parse(folded.data) as Workshop);
  }

  /** After a commit: keep a new snapshot once SNAPSHOT_EVERY events have come since the last. */
  #committed(workshopId: string, lastSeq: number, storedSnapshotSeq: number) {
    const at = Math.max(this.#snapshotAt.get(workshopId) ?? 0, storedSnapshotSeq);
    this.#snapshotAt.set(workshopId, at);
    if (lastSeq - at < SNAPSHOT_EVERY) return;
    // Asked for once; should it fail, the next is due SNAPSHOT_EVERY events later.
    this.#snapshotAt.set(workshopId, lastSeq);
    this.#snapshot(workshopId).catch((err: Error) => this.#closed || console.error('snapshot failed', workshopId, err.message));
  }

  async #snapshot(workshopId: string) {
    // Not one transaction: stored events never change, so any snapshot and the events after it fold right.
    const snapshot = (await this.#pool.query<StoredEvent>(SNAPSHOT, [workshopId])).rows[0];
    const events = (await this.#pool.query<StoredEvent>(EVENTS_AFTER, [workshopId, snapshot?.seq ?? 0])).rows;
    const folded = await this.#folder.fold(snapshot?.data ?? null, events);
    if (!folded || this.#closed) return;
    await this.#pool.query(SAVE_SNAPSHOT, [workshopId, folded.seq, folded.data]).catch((err: Error & { code?: string }) => {
      if (err.code !== FOREIGN_KEY_VIOLATION) throw err; // deleted meanwhile: nothing to keep
    });
  }

  async commandSeq(workshopId: string, commandId: string): Promise<number | undefined> {
    const { rows } = await this.#pool.query<{ seq: number }>('SELECT seq FROM commands WHERE workshop_id = $1 AND command_id = $2', [
      workshopId,
      commandId,
    ]);
    return rows[0]?.seq;
  }

  async commandsAfter(workshopId: string, seq: number): Promise<Array<[string, number]>> {
    const { rows } = await this.#pool.query<{ command_id: string; seq: number }>(
      'SELECT command_id, seq FROM commands WHERE workshop_id = $1 AND seq >= $2',
      [workshopId, seq],
    );
    return rows.map((row) => [row.command_id, row.seq]);
  }

  async participantForToken(workshopId: string, tokenHash: string): Promise<string | undefined> {
    const { rows } = await this.#pool.query<{ participant_id: string }>(
      'SELECT participant_id FROM credentials WHERE workshop_id = $1 AND token_hash = $2',
      [workshopId, tokenHash],
    );
    return rows[0]?.participant_id;
  }

  async closedBefore(time: number): Promise<string[]> {
    const { rows } = await this.#pool.query<{ id: string }>('SELECT id FROM workshops WHERE closed_at < $1', [time]);
    return rows.map((row) => row.id);
  }

  /**
   * One statement, so one transaction: the events, command ids, credentials and snapshot go with
   * the record (ON DELETE CASCADE). An append of another server holds the row's lock, so the
   * delete waits for it, and appends after it find no workshop. The rows are gone for every
   * query at once; their bytes stay in the table files and WAL until VACUUM and checkpoints
   * (docs/operations.md, "PostgreSQL").
   */
  async delete(workshopId: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query('DELETE FROM workshops WHERE id = $1', [workshopId]);
    this.#snapshotAt.delete(workshopId);
    return (rowCount ?? 0) > 0;
  }

  /** Appends already asked for are committed (or fail) first; then the pool ends. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#appender.idle();
    await this.#folder.close();
    await this.#pool.end();
  }
}
