// A thread of the SQLite store (started by sqlite.ts). The writer commits in groups: every
// request that arrived while the last commit's fsync ran goes into the next transaction, each
// in its own savepoint, and all of them are answered once that one commit is durable. The
// reader answers reads and does the slow work (opening a big workshop, folding a snapshot) on
// a connection of its own, so the writer never waits for it (WAL: readers do not block it).
import { parentPort, workerData } from 'node:worker_threads';
import { SNAPSHOT_EVERY } from './store.ts';
import { SqliteDb } from './sqliteDb.ts';

export interface Request {
  id: number;
  op: string;
  args: unknown[];
}

export type Reply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { name: string; message: string; seq?: number } };

/** Sent by the writer after a commit: these workshops are due a new state snapshot. */
export interface SnapshotsDue {
  due: string[];
}

interface Options {
  dataDir: string;
  file: string;
  role: 'writer' | 'reader';
  /** Tests only: SIGKILL the process after this many commits, before answering (a crash between commit and ack). */
  crashAfterCommits?: number;
}

const { dataDir, file, role, crashAfterCommits } = workerData as Options;
const port = parentPort!;
const store = new SqliteDb(dataDir, file);

const failure = (id: number, err: unknown): Reply => {
  const e = err as Error & { seq?: number };
  return { id, ok: false, error: { name: e.constructor?.name ?? 'Error', message: e.message, seq: e.seq } };
};

const readOps: Record<string, (...args: never[]) => unknown> = {
  get: (id: string) => store.get(id),
  idForCode: (code: string) => store.idForCode(code),
  load: (id: string, after?: number) => store.load(id, after),
  open: (id: string, recent: number) => store.open(id, recent),
  commandSeq: (id: string, commandId: string) => store.commandSeq(id, commandId),
  participantForToken: (id: string, hash: string) => store.participantForToken(id, hash),
  closedBefore: (time: number) => store.closedBefore(time),
  /** The state at its latest seq as JSON, for the writer to keep as the new snapshot. */
  buildSnapshot: (id: string) => {
    const state = store.state(id);
    return state && { seq: state.seq, data: JSON.stringify(state) };
  },
};

const writeOps: Record<string, (...args: never[]) => unknown> = {
  create: (record: Parameters<SqliteDb['create']>[0], events: Parameters<SqliteDb['create']>[1]) => store.create(record, events),
  append: (...args: Parameters<SqliteDb['append']>) => store.append(...args),
  delete: (id: string) => store.delete(id),
  saveSnapshot: (id: string, seq: number, data: string) => store.saveSnapshot(id, seq, data),
  settings: () => ({
    journalMode: store.db.pragma('journal_mode', { simple: true }),
    synchronous: store.db.pragma('synchronous', { simple: true }),
  }),
};

let checkpoints: ReturnType<typeof setInterval> | undefined;

function close(request: Request) {
  clearInterval(checkpoints);
  store.close();
  port.postMessage({ id: request.id, ok: true, value: null } satisfies Reply);
  port.close();
}

/**
 * The writer never checkpoints: a commit that copies the WAL back into the database file syncs
 * that file too, and the notes in that group would wait for it. The reader copies it back every
 * second instead, beside the writer, which goes on appending to the WAL meanwhile.
 */
const CHECKPOINT_EVERY_MS = 1000;

if (role === 'reader') {
  checkpoints = setInterval(() => {
    try {
      store.db.pragma('wal_checkpoint(PASSIVE)');
    } catch (err) {
      console.error('checkpoint failed', (err as Error).message);
    }
  }, CHECKPOINT_EVERY_MS).unref();
  port.on('message', (request: Request) => {
    if (request.op === 'close') return close(request);
    let reply: Reply;
    try {
      reply = { id: request.id, ok: true, value: readOps[request.op](...(request.args as never[])) };
    } catch (err) {
      reply = failure(request.id, err);
    }
    port.postMessage(reply);
  });
} else {
  store.db.pragma('wal_autocheckpoint = 0');
  const queue: Request[] = [];
  let scheduled = false;
  let commits = 0;
  /** The seq each workshop's snapshot is at, or has been asked for. */
  const snapshotAt = new Map<string, number>();

  const commitGroup = () => {
    scheduled = false;
    const group = queue.splice(0);
    const closing = group.findIndex((r) => r.op === 'close');
    if (closing >= 0) queue.push(...group.splice(closing));
    const replies: Reply[] = [];
    const appended = new Map<string, number>();
    let deleted = false;
    try {
      store.db.exec('BEGIN IMMEDIATE');
    } catch (err) {
      // The lock or the disk refused: this group is answered so, the next may fare better.
      for (const request of group) port.postMessage(failure(request.id, err));
      return;
    }
    for (const request of group) {
      try {
        // Nested in the open transaction, better-sqlite3 makes this a savepoint: a failed
        // request leaves nothing behind and the others of the group still commit.
        const value = store.db.transaction(() => writeOps[request.op](...(request.args as never[])))();
        replies.push({ id: request.id, ok: true, value });
        if (request.op === 'append') appended.set(request.args[0] as string, value as number);
        if (request.op === 'delete' && value) {
          deleted = true;
          snapshotAt.delete(request.args[0] as string);
        }
      } catch (err) {
        replies.push(failure(request.id, err));
      }
    }
    try {
      store.db.exec('COMMIT');
    } catch (err) {
      if (store.db.inTransaction) store.db.exec('ROLLBACK');
      for (const [i, reply] of replies.entries()) if (reply.ok) replies[i] = failure(reply.id, err);
      appended.clear();
    }
    if (deleted) store.checkpoint();
    if (appended.size && crashAfterCommits && ++commits >= crashAfterCommits) process.kill(process.pid, 'SIGKILL');
    for (const reply of replies) port.postMessage(reply);
    const due: string[] = [];
    for (const [id, seq] of appended) {
      if (!snapshotAt.has(id)) snapshotAt.set(id, store.snapshotSeq(id));
      if (seq - snapshotAt.get(id)! < SNAPSHOT_EVERY) continue;
      snapshotAt.set(id, seq);
      due.push(id);
    }
    if (due.length) port.postMessage({ due } satisfies SnapshotsDue);
    if (queue[0]?.op === 'close') close(queue[0]);
  };

  port.on('message', (request: Request) => {
    queue.push(request);
    if (!scheduled) {
      scheduled = true;
      // After the messages already waiting are in the queue: they all join this group.
      setImmediate(commitGroup);
    }
  });
}
