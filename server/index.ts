// Entry point: read the environment, open the store, serve. `npm start` runs this.
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { readConfig } from './config.ts';
import { lanAddress } from './links.ts';
import { createServer } from './server.ts';
import { describeDatabase, PostgresStore } from './store/postgres.ts';
import { SqliteStore } from './store/sqlite.ts';

const config = readConfig();
const store = config.databaseUrl ? await openPostgres(config.databaseUrl) : new SqliteStore(config.dataDir);
// On PostgreSQL any number of servers may share the store: they talk through its database too.
const clusterPool = config.databaseUrl ? new pg.Pool({ connectionString: config.databaseUrl, max: 4, application_name: 'verkstad-cluster' }) : null;
const server = createServer({
  ...(clusterPool && { cluster: { pool: clusterPool } }),
  store,
  publicUrl: config.publicUrl,
  trustProxy: config.trustProxy,
  retentionDays: config.retentionDays,
  allowedOrigins: config.allowedOrigins,
  quotas: config.quotas,
  clientDir: fileURLToPath(new URL('../dist/client', import.meta.url)),
});
const url = await server.listen(config.port, config.host);
const lan = lanAddress();
console.log(`Verkstad is running on ${url} (data in ${config.databaseUrl ? describeDatabase(config.databaseUrl) : config.dataDir})`);
console.log(
  config.retentionDays
    ? `Closed workshops are erased ${config.retentionDays} days after closing (RETENTION_DAYS)`
    : 'Closed workshops are kept until deleted (RETENTION_DAYS is not set)',
);
if (config.publicUrl) console.log(`Join links use ${config.publicUrl}`);
else if (lan) console.log(`Phones on the same network reach it at http://${lan}:${config.port}`);

/** The store of DATABASE_URL, or the reason it cannot be used and an exit: never a half-started server. */
async function openPostgres(databaseUrl: string) {
  try {
    return await PostgresStore.open(databaseUrl);
  } catch (err) {
    console.error(`Cannot use ${describeDatabase(databaseUrl)} (DATABASE_URL): ${(err as Error).message}`);
    process.exit(1);
  }
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    server
      .close()
      // Not waited for longer than a moment: a connection the database dropped must not keep the server up.
      .then(() => Promise.race([clusterPool?.end(), new Promise((resolve) => setTimeout(resolve, 2000).unref())]))
      .finally(() => process.exit(0));
  });
}
