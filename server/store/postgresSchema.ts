// The PostgreSQL store's tables, made and upgraded at start. Each server runs `migrate` when it
// starts; several may start at once (a rolling restart, a cluster coming up), so it runs under a
// transaction-level advisory lock: the first makes the tables, the others then find them made.
// Without the lock two concurrent CREATE TABLE IF NOT EXISTS can still fail on PostgreSQL's own
// catalogue (duplicate key in pg_type). DDL is transactional: a failed migration leaves nothing.
import type pg from 'pg';

/** Arbitrary, fixed: every Verkstad server takes this advisory lock to migrate ('vkst'). */
const MIGRATION_LOCK = 0x766b7374;

/**
 * Migrations in order; version n is MIGRATIONS[n - 1]. Only ever append: a server started from
 * older code on a newer schema keeps running (each step only adds), so a rolling upgrade works.
 */
const MIGRATIONS: string[] = [
  // 1: as the SQLite store, plus `last_seq`, the fence every append moves (postgresAppend.ts).
  // Event and snapshot data are JSON as text, not jsonb: stored exactly as written, and jsonb
  // refuses a \u0000 that a note may hold. Children cascade from `workshops`, so a delete is
  // one statement, and a snapshot saved by another server meanwhile cannot outlive it.
  `
  CREATE TABLE IF NOT EXISTS workshops (
    id text PRIMARY KEY,
    join_code text NOT NULL UNIQUE,
    key_hash text NOT NULL,
    created_at bigint NOT NULL,
    closed_at bigint,
    last_seq integer NOT NULL
  );
  CREATE INDEX IF NOT EXISTS workshops_closed_at ON workshops (closed_at) WHERE closed_at IS NOT NULL;
  CREATE TABLE IF NOT EXISTS events (
    workshop_id text NOT NULL REFERENCES workshops ON DELETE CASCADE,
    seq integer NOT NULL,
    type text NOT NULL,
    data text NOT NULL,
    PRIMARY KEY (workshop_id, seq)
  );
  CREATE TABLE IF NOT EXISTS commands (
    workshop_id text NOT NULL REFERENCES workshops ON DELETE CASCADE,
    command_id text NOT NULL,
    seq integer NOT NULL,
    PRIMARY KEY (workshop_id, command_id)
  );
  CREATE TABLE IF NOT EXISTS credentials (
    workshop_id text NOT NULL REFERENCES workshops ON DELETE CASCADE,
    token_hash text NOT NULL,
    participant_id text NOT NULL,
    PRIMARY KEY (workshop_id, token_hash)
  );
  CREATE TABLE IF NOT EXISTS snapshots (
    workshop_id text PRIMARY KEY REFERENCES workshops ON DELETE CASCADE,
    seq integer NOT NULL,
    data text NOT NULL
  );
  `,
];

/** Every table the store keeps, children first (for the tests and docs/operations.md). */
export const TABLES = ['events', 'commands', 'credentials', 'snapshots', 'workshops', 'verkstad_schema'] as const;

/** Bring the database to the newest schema; returns the version it is at. */
export async function migrate(pool: pg.Pool): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS verkstad_schema (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM verkstad_schema');
    const current = rows[0].version ?? 0;
    for (let version = current + 1; version <= MIGRATIONS.length; version++) {
      await client.query(MIGRATIONS[version - 1]);
      await client.query('INSERT INTO verkstad_schema (version) VALUES ($1)', [version]);
    }
    await client.query('COMMIT');
    if (current > MIGRATIONS.length)
      console.warn(`PostgreSQL schema is at version ${current}, newer than this server's ${MIGRATIONS.length}: running on it`);
    return Math.max(current, MIGRATIONS.length);
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
