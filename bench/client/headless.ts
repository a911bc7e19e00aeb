// A phone without a screen: the web client's own WorkshopState (client/src/lib, its Connection,
// outbox, acks, resends and catch-up by `since`), run headless in Node by the hooks in
// register.ts, with its socket observed from outside. The bench never sends or folds anything
// itself: commands go through the class's domain methods and events are folded by its code.
// What is observed, per phone: `snapshot` messages received, `sync` requests sent, commands sent
// again (no ack within the client's 10 s, a retryable refusal, or a reconnect) and the bytes
// that arrive (every Engine.IO packet, as its payload's UTF-8 length plus the type byte).
import { Manager, type Socket } from 'socket.io-client';
import { WorkshopState, type WorkshopOptions } from '../../client/src/lib/workshop.svelte.ts';
import type { Command } from '../../shared/protocol.ts';
import { clock } from '../latency.ts';
import { watch } from './watch.svelte.ts';

// The page's Connection keeps its socket private. Every socket is made by a Manager, and
// WorkshopState makes its one synchronously in its constructor: the last one made is the phone's.
let made: Socket | null = null;
const makeSocket = Manager.prototype.socket;
Manager.prototype.socket = function (this: Manager, ...args: Parameters<Manager['socket']>) {
  made = makeSocket.apply(this, args);
  return made;
};

export interface Wire {
  snapshots: number;
  syncs: number;
  resends: number;
  bytesIn: number;
}

export type Outcome = { ok: true; ms: number; command: Command | null } | { ok: false; error: string; ms: number; command: Command | null };

const emptyWire = (): Wire => ({ snapshots: 0, syncs: 0, resends: 0, bytesIn: 0 });

export class HeadlessPhone {
  readonly state: WorkshopState;
  readonly socket: Socket;
  wire = emptyWire();
  readonly #sent = new Set<string>();
  /** Commands sent through `send`, until they leave the outbox. */
  readonly #waiting = new Map<string, { at: number; command: Command; done: (o: Outcome) => void }>();
  readonly #stop: () => void;

  constructor(options: WorkshopOptions) {
    made = null;
    // No `board`: the kept board (boardCache.ts) needs window and document, and only changes
    // what a reopened page paints first, never what goes over the wire.
    this.state = new WorkshopState(options);
    if (!made) throw new Error('WorkshopState made no socket');
    this.socket = made;
    this.#observe();
    // As a component would see it: a command that leaves the outbox has its answer.
    this.#stop = watch(
      () => this.state.pending,
      (pending) => this.#answered(pending),
    );
  }

  #observe(): void {
    const s = this.socket;
    s.onAny((event: string) => {
      if (event === 'snapshot') this.wire.snapshots++;
    });
    s.onAnyOutgoing((event: string, ...args: unknown[]) => {
      if (event === 'sync') this.wire.syncs++;
      if (event !== 'command') return;
      const id = (args[0] as { id: string }).id;
      if (this.#sent.has(id)) this.wire.resends++;
      else this.#sent.add(id);
    });
    const count = (packet: { data?: unknown }) => {
      const data = packet.data;
      this.wire.bytesIn += 1 + (typeof data === 'string' ? Buffer.byteLength(data) : ((data as ArrayBuffer | undefined)?.byteLength ?? 0));
    };
    // Each (re)connection opens a new Engine.IO socket.
    s.io.on('open', () => s.io.engine.on('packet', count));
  }

  resetWire(): void {
    this.wire = emptyWire();
  }

  /**
   * Call one of the state's domain methods (addNote, castVote, openBreakout …); resolves when
   * its command has left the outbox: acked, or refused for good. Methods that send nothing
   * resolve at once.
   */
  send(call: (state: WorkshopState) => unknown): Promise<Outcome> {
    const before = this.state.pending.at(-1);
    const at = clock();
    call(this.state);
    const command = this.state.pending.at(-1);
    if (!command || command === before) return Promise.resolve({ ok: true, ms: 0, command: null });
    return new Promise((done) => this.#waiting.set(command.id, { at, command, done }));
  }

  #answered(pending: Command[]): void {
    if (!this.#waiting.size) return;
    const still = new Set(pending.map((c) => c.id));
    for (const [id, { at, command, done }] of this.#waiting) {
      if (still.has(id)) continue;
      this.#waiting.delete(id);
      const failure = this.state.failures.find((f) => f.command.id === id);
      const ms = clock() - at;
      done(failure ? { ok: false, error: failure.refusal.error, ms, command } : { ok: true, ms, command });
    }
  }

  /** Resolves once `ready` holds on the state; rejects with the server's refusal. */
  until(ready: (state: WorkshopState) => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      let stop: (() => void) | null = null;
      let settled = false;
      const finish = (refusal: string | null) => {
        settled = true;
        queueMicrotask(() => stop?.());
        if (refusal) reject(new Error(refusal));
        else resolve();
      };
      stop = watch(
        () => this.state.refusal ?? ready(this.state),
        (value) => {
          if (settled || value === false) return;
          finish(value === true ? null : value);
        },
      );
    });
  }

  destroy(): void {
    this.#stop();
    this.state.destroy();
  }
}
