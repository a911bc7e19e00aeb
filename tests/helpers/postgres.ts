// A PostgreSQL database of its own for one test run: made on the server DATABASE_URL names (else
// the one CI and the dev machines run on 127.0.0.1:5432), dropped at the end, never a database
// the tests did not make. Without DATABASE_URL and with no PostgreSQL answering, the tests that
// need one are skipped, saying why; with DATABASE_URL set, not reaching it is a failure.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const LOCAL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** The fresh database's URL, for the stores under test. */
  url: string;
  /** Another fresh, empty database on the same server (dropped with this one). */
  another(): Promise<string>;
  /** A connection to `url` for looking at the tables themselves. */
  query<R extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  drop(): Promise<void>;
}

const withDatabase = (url: string, name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

export async function testDatabase(): Promise<TestDatabase | { skipped: string }> {
  const explicit = process.env.DATABASE_URL?.trim();
  const server = new pg.Client({ connectionString: explicit || LOCAL, connectionTimeoutMillis: 3000 });
  try {
    await server.connect();
  } catch (err) {
    if (explicit) throw err;
    return { skipped: `no PostgreSQL answers on 127.0.0.1:5432 and DATABASE_URL is not set (${(err as Error).message})` };
  }
  const made: string[] = [];
  const make = async () => {
    const name = `verkstad_test_${randomBytes(6).toString('hex')}`;
    await server.query(`CREATE DATABASE ${name}`);
    made.push(name);
    return withDatabase(explicit || LOCAL, name);
  };
  const url = await make();
  const look = new pg.Client({ connectionString: url });
  await look.connect();
  return {
    url,
    another: make,
    query: async <R extends pg.QueryResultRow>(sql: string, params?: unknown[]) => (await look.query<R>(sql, params)).rows,
    drop: async () => {
      await look.end();
      for (const name of made.splice(0)) await server.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await server.end();
    },
  };
}
