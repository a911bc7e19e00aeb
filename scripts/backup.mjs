// `npm run backup [file]`: a consistent copy of the store while the server runs, through
// SQLite's online backup API (never a file copy, which can catch a half-written page).
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const dataDir = resolve(process.env.DATA_DIR?.trim() || 'data');
const source = join(dataDir, 'verkstad.db');
if (!existsSync(source)) {
  console.error(`No store at ${source}`);
  process.exit(1);
}
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const target = resolve(process.argv[2] ?? join('backups', `verkstad-${stamp}.db`));
mkdirSync(dirname(target), { recursive: true });
const db = new Database(source, { readonly: true, fileMustExist: true });
await db.backup(target);
db.close();
const check = new Database(target, { readonly: true });
const ok = check.pragma('integrity_check', { simple: true });
check.close();
console.log(`Backup written to ${target} (integrity: ${ok})`);
