// The one Socket.IO connection of a page: handshake with `since` for catch-up, and an outbox
// that keeps every command until the server acknowledges it and resends it, with the same id,
// after a reconnect or a reload. The server dedupes by id, so a resend is applied once.
import { nanoid } from 'nanoid';
import { io, type Socket } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  type Ack,
  type ClientToServerEvents,
  type CommandAck,
  type JoinAck,
  type Refused,
  type Command,
  type HandshakeAuth,
  type Presence,
  type Projection,
  type ServerToClientEvents,
  type Snapshot,
} from '../../../shared/protocol.ts';
import type { JoinRequest } from '../../../shared/schema.ts';
import type { Sequenced } from '../../../shared/workshop/events.ts';
import type { ErrorCode } from '../../../shared/workshop/model.ts';
import { Outbox } from './outbox.ts';
import { outboxPrefix } from './storage.ts';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type ConnectionStatus = 'connecting' | 'online' | 'offline';

/** A command as the UI makes it; the connection gives it its id. */
export type CommandInput = Command extends infer C ? (C extends Command ? Omit<C, 'id'> : never) : never;

export interface ConnectionListener {
  snapshot(snapshot: Snapshot): void;
  events(events: Sequenced[]): void;
  presence(presence: Presence): void;
  /** Vote results and hidden-note counts this page may know (sent apart from the events). */
  projection(projection: Projection): void;
  status(status: ConnectionStatus): void;
  /** The server refused the handshake (`removed`, `unauthorized`, `not_found`, `protocol` …). */
  refused(error: ErrorCode, message: string): void;
  /** The server ended this participant's access. */
  ended(error: ErrorCode, message: string): void;
  /** The outbox changed: these commands are not acknowledged yet. */
  outbox(pending: Command[]): void;
  /** The server applied a command; its events have (or will have) this sequence number. */
  accepted(command: Command, seq: number): void;
  /** The server refused a command; it left the outbox. `refusal.detail` narrows by its code. */
  rejected(command: Command, refusal: Refused): void;
}

export interface ConnectionOptions {
  workshopId: string;
  facilitatorKey?: string;
  participantToken?: string;
  /** The sequence number of the last event applied, sent at every (re)connect. */
  since: () => number | undefined;
  /** Server origin; the page's own by default. */
  url?: string;
  storage?: Storage | null;
  ackTimeout?: number;
}

/** Refusals that say "not now" rather than "no": the command stays queued. */
const RETRYABLE = new Set<ErrorCode>(['internal', 'rate_limited']);

const HANDSHAKE_ERRORS = new Set<string>(['removed', 'unauthorized', 'not_found', 'protocol', 'invalid']);

export class Connection {
  readonly socket: ClientSocket;
  readonly #outbox: Outbox;
  readonly #listener: ConnectionListener;
  readonly #timeout: number;
  /** Commands sent on the current connection whose ack has not come back. */
  readonly #inFlight = new Set<string>();
  #generation = 0;
  #retry: ReturnType<typeof setTimeout> | undefined;

  constructor(options: ConnectionOptions, listener: ConnectionListener) {
    this.#listener = listener;
    this.#timeout = options.ackTimeout ?? 10_000;
    const who = options.facilitatorKey ? 'facilitator' : options.participantToken ? 'participant' : 'public';
    this.#outbox = new Outbox(outboxPrefix(options.workshopId, who), options.storage ?? null);
    const auth = (): HandshakeAuth => ({
      protocol: PROTOCOL_VERSION,
      workshopId: options.workshopId,
      ...(options.facilitatorKey !== undefined && { facilitatorKey: options.facilitatorKey }),
      ...(options.participantToken !== undefined && { participantToken: options.participantToken }),
      since: options.since(),
    });
    const opts = {
      auth: (cb: (data: object) => void) => cb(auth()),
      // WebSocket first; where a proxy blocks it, fall back to long-polling at once.
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
      autoConnect: false,
      // On every polling and upgrade request: a load balancer in front of several servers keeps
      // a workshop's sockets on one of them by it (docs/operations.md, "Several servers").
      query: { w: options.workshopId },
    };
    this.socket = options.url ? io(options.url, opts) : io(opts);
    this.#wire();
  }

  get pending(): Command[] {
    return this.#outbox.commands;
  }

  connect(): void {
    this.#listener.outbox(this.pending);
    this.#listener.status('connecting');
    this.socket.connect();
  }

  close(): void {
    clearTimeout(this.#retry);
    this.socket.removeAllListeners();
    this.socket.close();
  }

  /** Queue a command and send it as soon as the server can hear it. */
  send(input: CommandInput): Command {
    const command = { ...input, id: nanoid() } as Command;
    this.#outbox.add(command);
    this.#listener.outbox(this.pending);
    this.#flush();
    return command;
  }

  /**
   * Join as a participant. Not queued: the answer decides what the page shows. The join form
   * shows while the first connection is still being made (a slow phone), so that is waited for.
   */
  async join(request: JoinRequest): Promise<Ack<JoinAck>> {
    if (!(await this.#firstConnection())) return { ok: false, error: 'internal', message: 'offline' };
    try {
      return await this.socket.timeout(this.#timeout).emitWithAck('join', request);
    } catch {
      return { ok: false, error: 'internal', message: 'timeout' };
    }
  }

  /** Whether the socket is connected, once a connection under way has succeeded or failed. */
  #firstConnection(): Promise<boolean> {
    const s = this.socket;
    if (s.connected || !s.active) return Promise.resolve(s.connected);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        s.off('connect', done).off('connect_error', done);
        resolve(s.connected);
      };
      const timer = setTimeout(done, this.#timeout);
      s.once('connect', done).once('connect_error', done);
    });
  }

  #wire(): void {
    const s = this.socket;
    s.on('connect', () => {
      this.#generation++;
      this.#inFlight.clear();
      this.#listener.status('online');
      this.#flush();
    });
    s.on('disconnect', () => {
      this.#generation++;
      this.#inFlight.clear();
      this.#listener.status('offline');
    });
    s.on('connect_error', (err: Error & { data?: { error?: string } }) => {
      const code = err.data?.error;
      if (code && HANDSHAKE_ERRORS.has(code)) {
        s.disconnect();
        this.#listener.refused(code as ErrorCode, err.message);
      } else if (!s.active) {
        // Refused for a passing reason (e.g. rate limit): try again in a moment.
        this.#retry = setTimeout(() => s.connect(), 3000);
      }
      this.#listener.status('offline');
    });
    s.on('snapshot', (snapshot) => this.#listener.snapshot(snapshot));
    s.on('events', (events) => this.#listener.events(events));
    s.on('presence', (presence) => this.#listener.presence(presence));
    s.on('projection', (projection) => this.#listener.projection(projection));
    s.on('ended', ({ error, message }) => {
      s.disconnect();
      this.#listener.ended(error, message);
    });
  }

  /** Send, in order, every queued command that is not already on its way. */
  #flush(): void {
    if (!this.socket.connected) return;
    clearTimeout(this.#retry);
    for (const command of this.#outbox.commands) {
      if (this.#inFlight.has(command.id)) continue;
      this.#inFlight.add(command.id);
      const generation = this.#generation;
      this.socket.timeout(this.#timeout).emit('command', command, (err: Error | null, ack?: Ack<CommandAck>) => {
        if (generation !== this.#generation) return; // a reconnect already resent it
        this.#inFlight.delete(command.id);
        if (err || !ack || (!ack.ok && RETRYABLE.has(ack.error))) {
          // No answer in time, or a passing failure: keep it and try again (when a limit says it
          // will let it through, if it says); the server dedupes by id.
          const wait = Math.max(2000, (ack && !ack.ok ? (ack.retryAfter ?? 0) : 0) * 1000);
          clearTimeout(this.#retry);
          this.#retry = setTimeout(() => this.#flush(), wait);
          return;
        }
        if (!this.#outbox.remove(command.id)) return;
        this.#listener.outbox(this.pending);
        if (ack.ok) this.#listener.accepted(command, ack.data.seq);
        else this.#listener.rejected(command, ack);
      });
    }
  }
}
