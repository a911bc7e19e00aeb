// `npm run backup [file]`: a consistent copy of the store while the server runs, through
// SQLite's online backup API (never a file copy, which can catch a half-written page). The copy
// is as secret as the store: the file is the owner's alone (0600) before a page is written, and
// its folder 0700 when made here or the default `backups/`, whatever the umask.
import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const dataDir = resolve(process.env.DATA_DIR?.trim() || 'data');
const source = join(dataDir, 'verkstad.db');
if (!existsSync(source)) {
  console.error(`No store at ${source}`);
  process.exit(1);
}
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const chosen = process.argv[2];
const target = resolve(chosen ?? join('backups', `verkstad-${stamp}.db`));
const folder = dirname(target);
// A folder the operator names is theirs, left as it is unless made here; `backups/` is ours.
if (!chosen || !existsSync(folder)) {
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  chmodSync(folder, 0o700);
}
const fresh = !existsSync(target);
closeSync(openSync(target, 'a', 0o600));
chmodSync(target, 0o600);
const db = new Database(source, { readonly: true, fileMustExist: true });
try {
  await db.backup(target);
} catch (err) {
  if (fresh) rmSync(target, { force: true });
  throw err;
} finally {
  db.close();
}
const check = new Database(target, { readonly: true });
const ok = check.pragma('integrity_check', { simple: true });
check.close();
console.log(`Backup written to ${target} (integrity: ${ok})`);
