// Folds a workshop's stored snapshot and later events in a thread of its own (postgresFoldWorker.ts),
// for the PostgreSQL store's snapshots and for opening a big workshop. The thread starts on first
// use and does not keep the process alive while idle. A thread that dies fails only the folds it
// held (a snapshot is then due again later; an open is retried by the lane's next job) and the
// next fold starts a new one: unlike the SQLite threads, it holds no connection and no state.
import { Worker } from 'node:worker_threads';

export interface StoredEvent {
  seq: number;
  /** The event as stored: JSON text. */
  data: string;
}

export interface FoldRequest {
  id: number;
  snapshot: string | null;
  events: StoredEvent[];
}

/** The state at its last seq as JSON, or null when the events hold no workshop. */
export type Folded = { seq: number; data: string } | null;

export type FoldReply = { id: number; ok: true; folded: Folded } | { id: number; ok: false; message: string };

const THREAD = new URL('./postgresFoldThread.mjs', import.meta.url);

export class Folder {
  #worker: Worker | null = null;
  readonly #waiting = new Map<number, { resolve(folded: Folded): void; reject(err: Error): void }>();
  #next = 1;
  #closed = false;

  fold(snapshot: string | null, events: StoredEvent[]): Promise<Folded> {
    if (this.#closed) return Promise.reject(new Error('store closed'));
    const worker = this.#start();
    const id = this.#next++;
    // Held open while an answer is due, like the SQLite threads.
    if (!this.#waiting.size) worker.ref();
    return new Promise<Folded>((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      worker.postMessage({ id, snapshot, events } satisfies FoldRequest);
    });
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(THREAD);
    worker.unref();
    worker.on('message', (reply: FoldReply) => {
      const waiting = this.#waiting.get(reply.id);
      this.#waiting.delete(reply.id);
      if (!this.#waiting.size) worker.unref();
      if (reply.ok) waiting?.resolve(reply.folded);
      else waiting?.reject(new Error(reply.message));
    });
    const died = (err: Error) => {
      if (this.#worker !== worker) return;
      this.#worker = null;
      for (const waiting of this.#waiting.values()) waiting.reject(err);
      this.#waiting.clear();
    };
    worker.on('error', died);
    worker.on('exit', () => died(new Error('fold thread stopped')));
    this.#worker = worker;
    return worker;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    this.#worker = null;
    for (const waiting of this.#waiting.values()) waiting.reject(new Error('store closed'));
    this.#waiting.clear();
    await worker?.terminate();
  }
}
