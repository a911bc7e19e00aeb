// The wire, typed once: what client and server send each other over Socket.IO.
import type { Command } from './schema.ts';
import type { Sequenced } from './workshop/events.ts';
import type { ErrorCode, Participant, Role, Workshop } from './workshop/model.ts';
import type { Projection } from './workshop/view.ts';

export type { Projection };

/** Bumped on any incompatible change; a client with another version is refused at handshake. */
export const PROTOCOL_VERSION = 1;

/** `detail` names what was wrong (a field, a column) where the code alone does not. */
export type Ack<T> =
  | { ok: true; data: T }
  | { ok: false; error: ErrorCode; message: string; detail?: string };
export type AckCallback<T> = (ack: Ack<T>) => void;

/** Handshake `auth`: who is connecting to which workshop, and what they saw last. */
export interface HandshakeAuth {
  protocol: number;
  workshopId: string;
  /** Facilitators: the secret from the facilitator link. */
  facilitatorKey?: string;
  /** Participants: the token `join` gave them, kept by the browser. */
  participantToken?: string;
  /** Sequence number of the last event the client applied, for catch-up. */
  since?: number;
}

export interface You {
  role: Role | 'public';
  participantId: string | null;
}

export interface Snapshot {
  protocol: number;
  workshop: Workshop;
  you: You;
  /** The server's clock when sent: clients use it to show timers in server time. */
  serverNow: number;
  /** Vote results and hidden-note counts this viewer may know without the data behind them. */
  projection: Projection;
  /** Closed workshops are erased this many days after closing; null: kept until deleted. */
  retentionDays: number | null;
}

export interface Presence {
  /** Participant ids with at least one open connection. */
  online: string[];
}

export interface ClientToServerEvents {
  join: (request: unknown, ack: AckCallback<{ participant: Participant }>) => void;
  command: (command: unknown, ack: AckCallback<{ seq: number }>) => void;
  /** Ask for a fresh snapshot (e.g. after a failed command the client cannot reconcile). */
  sync: (ack: AckCallback<{ seq: number }>) => void;
}

export interface ServerToClientEvents {
  snapshot: (snapshot: Snapshot) => void;
  events: (events: Sequenced[]) => void;
  /** Facilitators only: who is connected now (sent on connect, then coalesced on changes). */
  presence: (presence: Presence) => void;
  /** A new projection (results, hidden counts) after votes or notes changed it; coalesced. */
  projection: (projection: Projection) => void;
  /** The server ended this participant's access (removed, or workshop deleted). */
  ended: (reason: { error: ErrorCode; message: string }) => void;
}

export type { Command };

/** HTTP: what `POST /api/workshops` answers. */
export interface CreatedWorkshop extends Links {
  id: string;
  joinCode: string;
  facilitatorKey: string;
  /** `/f/<id>#<key>`: the key rides in the fragment, which browsers never send to a server. */
  facilitatorUrl: string;
}

/** HTTP: what `GET /api/join/:code` answers. */
export interface JoinInfo {
  workshopId: string;
  title: string;
  language: Workshop['language'];
  /** For the notice at join: how long what they write is kept (see Snapshot). */
  retentionDays: number | null;
}

/** HTTP: what `GET /api/workshops/:id/links` answers. */
export interface Links {
  participantUrl: string;
  projectorUrl: string;
  /** Set when the links use the machine's LAN address instead of localhost. */
  lanHost: string | null;
}

/**
 * The page of `/j/:code` carries the code's answer in `<script type="application/json"
 * id="join-info">`, so a phone need not ask for it after loading (a round trip less on a weak
 * line). Left out when the address is throttled: the page then asks `GET /api/join/:code`.
 * `code` is the code's digits.
 */
export type EmbeddedJoinInfo =
  | { code: string; ok: true; data: JoinInfo }
  | { code: string; ok: false; error: 'unknown_code' | 'closed'; message: string };
