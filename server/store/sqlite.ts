// SQLite EventStore (better-sqlite3, WAL, synchronous=FULL): the default store, one file in
// DATA_DIR. The server's thread only sends requests: a writer thread commits them in groups
// (one fsync for all that arrived meanwhile) and a reader thread answers reads, so no command
// and no other workshop ever waits on the event loop for a disk (sqliteWorker.ts).
import { Worker } from 'node:worker_threads';
import type { Sequenced, WorkshopEvent } from '../../shared/workshop/events.ts';
import { openDatabase } from './sqliteDb.ts';
import type { Reply, Request, SnapshotsDue } from './sqliteWorker.ts';
import {
  DuplicateCommand,
  SeqConflict,
  type AppendOptions,
  type EventStore,
  type OpenedWorkshop,
  type WorkshopRecord,
} from './store.ts';

const WORKER = new URL('./sqliteThread.mjs', import.meta.url);

function revive(error: Extract<Reply, { ok: false }>['error']): Error {
  if (error.name === 'DuplicateCommand' && error.seq !== undefined) return new DuplicateCommand('', error.seq);
  if (error.name === 'SeqConflict') return Object.assign(new SeqConflict('', 0, 0), { message: error.message });
  return new Error(error.message);
}

/** One thread and the requests waiting for its answers. */
class Thread {
  readonly #worker: Worker;
  readonly #waiting = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();
  #next = 1;
  #failed: Error | null = null;
  #closing = false;

  constructor(workerData: object, onOther: (message: unknown) => void) {
    this.#worker = new Worker(WORKER, { workerData });
    this.#worker.unref();
    this.#worker.on('message', (message: Reply | object) => {
      if (!('id' in message)) return onOther(message);
      const waiting = this.#waiting.get(message.id);
      this.#waiting.delete(message.id);
      if (!this.#waiting.size) this.#worker.unref();
      if (message.ok) waiting?.resolve(message.value);
      else waiting?.reject(revive(message.error));
    });
    this.#worker.on('error', (err) => this.#died(err));
    this.#worker.on('exit', () => this.#died(new Error('store thread stopped')));
  }

  /**
   * A store thread that stops unasked leaves a server that can neither store nor read: it
   * ends the process, for its supervisor to start again. Nothing acknowledged is lost (it is
   * on disk), and clients resend what was not (their outbox; the command ids dedupe).
   */
  #died(err: Error) {
    if (this.#failed) return;
    this.#fail(err);
    if (this.#closing) return;
    console.error('store thread failed:', err.message);
    process.exit(70);
  }

  #fail(err: Error) {
    this.#failed ??= err;
    for (const waiting of this.#waiting.values()) waiting.reject(err);
    this.#waiting.clear();
  }

  ask<T>(op: string, ...args: unknown[]): Promise<T> {
    if (this.#failed) return Promise.reject(this.#failed);
    const id = this.#next++;
    // Held open while an answer is due: a script awaiting a commit must not exit before it.
    if (!this.#waiting.size) this.#worker.ref();
    return new Promise<T>((resolve, reject) => {
      this.#waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#worker.postMessage({ id, op, args } satisfies Request);
    });
  }

  async close(): Promise<void> {
    if (this.#failed || this.#closing) return;
    // From here the thread may stop before its answer is read: that is no death.
    this.#closing = true;
    await this.ask('close').catch(() => {});
    this.#fail(new Error('store closed'));
    await this.#worker.terminate();
  }
}

export class SqliteStore implements EventStore {
  readonly #writer: Thread;
  readonly #reader: Thread;
  #closed = false;

  constructor(dataDir: string, file = 'verkstad.db') {
    // Tables first, once, so that both threads find them.
    openDatabase(dataDir, file).close();
    const crashAfterCommits = Number(process.env.VERKSTAD_CRASH_AFTER_COMMIT) || undefined;
    this.#writer = new Thread({ dataDir, file, role: 'writer', crashAfterCommits }, (message) =>
      this.#snapshot((message as SnapshotsDue).due),
    );
    this.#reader = new Thread({ dataDir, file, role: 'reader' }, () => {});
  }

  /** Fold the new snapshot on the reader, keep it through the writer; a failure only waits for the next. */
  #snapshot(due: string[]) {
    for (const id of due) {
      this.#reader
        .ask<{ seq: number; data: string } | null>('buildSnapshot', id)
        .then((built) => built && !this.#closed && this.#writer.ask('saveSnapshot', id, built.seq, built.data))
        .catch((err: Error) => this.#closed || console.error('snapshot failed', id, err.message));
    }
  }

  create(record: WorkshopRecord, events: WorkshopEvent[]): Promise<void> {
    return this.#writer.ask('create', record, events);
  }

  append(workshopId: string, expectedSeq: number, events: WorkshopEvent[], options: AppendOptions = {}): Promise<number> {
    return this.#writer.ask('append', workshopId, expectedSeq, events, options);
  }

  delete(workshopId: string): Promise<boolean> {
    return this.#writer.ask('delete', workshopId);
  }

  get(workshopId: string): Promise<WorkshopRecord | undefined> {
    return this.#reader.ask('get', workshopId);
  }

  idForCode(joinCode: string): Promise<string | undefined> {
    return this.#reader.ask('idForCode', joinCode);
  }

  load(workshopId: string, afterSeq = 0): Promise<Sequenced[]> {
    return this.#reader.ask('load', workshopId, afterSeq);
  }

  open(workshopId: string, recent: number): Promise<OpenedWorkshop | undefined> {
    return this.#reader.ask('open', workshopId, recent);
  }

  commandSeq(workshopId: string, commandId: string): Promise<number | undefined> {
    return this.#reader.ask('commandSeq', workshopId, commandId);
  }

  participantForToken(workshopId: string, tokenHash: string): Promise<string | undefined> {
    return this.#reader.ask('participantForToken', workshopId, tokenHash);
  }

  closedBefore(time: number): Promise<string[]> {
    return this.#reader.ask('closedBefore', time);
  }

  /** How the writer's connection commits (for the tests and the operator). */
  settings(): Promise<{ journalMode: string; synchronous: number }> {
    return this.#writer.ask('settings');
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([this.#writer.close(), this.#reader.close()]);
  }
}
