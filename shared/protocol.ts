// The wire, typed once: what client and server send each other over Socket.IO, each command's
// ack, and the closed set of refusal details a client can switch on.
import type { Command, CommandType, Field, FieldPath, JoinRequestInput } from './schema.ts';
import type { Sequenced } from './workshop/events.ts';
import type { Assignment, ErrorCode, Participant, Role, Workshop } from './workshop/model.ts';
import type { Projection } from './workshop/view.ts';

export type { Projection };

/** Bumped on any incompatible change; a client with another version is refused at handshake. */
export const PROTOCOL_VERSION = 1;

/**
 * The largest message a socket may send, as JSON, by role (projectors count as participants).
 * Nothing a participant sends comes near 16 KiB (a note is at most 500 characters); a
 * facilitator's breakout plan for a hall of a thousand lists every member.
 */
export const MAX_MESSAGE_BYTES = { participant: 16 * 1024, facilitator: 96 * 1024 } as const;

/**
 * What `detail` may say with each error code: a closed set, so a client switches on it and
 * words it in its own language (shared/refusal.ts). Codes not listed never carry a detail.
 * `detail` names the thing that was wrong (`not_found` + `note`: the note is gone), never a
 * free text. `invalid` adds the failing field's path (`InvalidDetail`).
 */
export const DETAILS = {
  invalid: [
    'payload', // the input is not an object at all
    'arguments', // a socket request with the wrong number of arguments
    'unknown_event', // a socket event name the server does not know
    'duplicate_columns', // `activity.update`: two columns with one id
    'duplicate_rooms', // `breakout.open`: two rooms with one id
    'member_twice', // `breakout.open`: someone in two rooms
    'unknown_member', // `breakout.open`: a member who is not (or no longer) a participant
    'reporter_not_member', // `breakout.open`, `room.update`: the reporter is not in the room
    'body_too_large', // HTTP: a body over 64 kB
  ],
  forbidden: [
    'facilitator_only', // a facilitator-only command from a participant
    'participant_only', // `join`, `room.join` or `vote.cast` from a facilitator
    'note', // a participant changing someone else's note
    'room', // a participant writing in a room not their own, or naming a room outside a breakout
    'reporter', // `room.update` by a participant who is not the room's reporter, or beyond `summary`
    'options', // a participant adding an option to a prioritisation
    'assignment', // `room.join` in a breakout that is not self-select
    'key', // HTTP: a wrong facilitator key
    'origin', // HTTP: a write from a page of another site
    'kind_shown', // `participant.update` of the kind of someone whose dots were shown by kind
  ],
  not_found: [
    'workshop',
    'activity',
    'column',
    'note',
    'theme',
    'breakout',
    'room',
    'participant',
    'voting',
    'option',
    'absentee', // `absentee.remove`: no one listed as absent with that id
    'format', // HTTP: an export format that does not exist
  ],
  exists: ['activity', 'note', 'theme', 'breakout', 'room', 'voting', 'absentee'],
  /** `activity`: not the current activity; `breakout`: its rooms are closed. */
  not_current: ['activity', 'breakout'],
  /** `participants`, `events`: the workshop's own size caps (LIMITS), not its facilitator's choice. */
  limit: ['activities', 'notes', 'themes', 'participants', 'events', 'absentees'],
  /**
   * `socket`: this connection sent too much, or asked for `sync` too often; `join_codes`: too many
   * wrong join codes (HTTP); `participant`, `workshop`: too many commands from this participant
   * (on all their sockets) or in this workshop; `joins`: too many new participants from this
   * address; `creations`: too many workshops created (HTTP); `sockets`: this participant has too
   * many sockets open; `address`: too many sockets from this address that have not joined.
   */
  rate_limited: ['socket', 'join_codes', 'participant', 'workshop', 'joins', 'creations', 'sockets', 'address'],
  /** Whose cap the message broke (`MAX_MESSAGE_BYTES`). */
  too_large: ['participant', 'facilitator'],
} as const satisfies Partial<Record<ErrorCode, readonly string[]>>;

type Listed = { [C in keyof typeof DETAILS]: (typeof DETAILS)[C][number] };
export type Details = Omit<Listed, 'invalid'> & { invalid: InvalidDetail };

/**
 * `invalid`'s detail. A schema failure names the failing field by its path as valibot gives it
 * (`text`, `info.title`, `rooms.2.videoUrl`): leaf paths cannot be listed (they hold indexes),
 * but their first segment is always a field a client sends, a closed set checked by the
 * compiler (`FieldPath`). A failure that is no one field's is one of the rule codes.
 */
export type InvalidDetail = FieldPath | Listed['invalid'];
/** Compiles only while no rule code is spelled like a field, which would make `invalid` ambiguous. */
export type RulesAreNoFields = [Extract<Listed['invalid'], Field>] extends [never] ? true : never;
const rulesAreNoFields: RulesAreNoFields = true;
void rulesAreNoFields;

export type DetailOf<C extends ErrorCode> = C extends keyof Details ? Details[C] : never;
/** Every detail any refusal can carry. */
export type Detail = Details[keyof Details];

/** A refusal, discriminated by its code: `detail` narrows with `error`. */
export type Refused = {
  [C in ErrorCode]: {
    ok: false;
    error: C;
    message: string;
    detail?: DetailOf<C>;
    /** `rate_limited`: seconds until the limit lets this through again. */
    retryAfter?: number;
  };
}[ErrorCode];
export type Ack<T> = { ok: true; data: T } | Refused;
export type AckCallback<T> = (ack: Ack<T>) => void;

/**
 * Each command's ack data. Every one is the workshop's seq after the command: ids are made by
 * the client, so nothing new comes back, and the effect itself arrives as events. A resent
 * command must get the very ack the first send got from its stored seq alone (§6.1), so a
 * richer ack would have to be kept with the command id.
 */
export type CommandAcks = { [T in CommandType]: { seq: number } };
export type CommandAck<T extends CommandType = CommandType> = CommandAcks[T];
export interface JoinAck {
  participant: Participant;
}
export interface SyncAck {
  /** The seq of the snapshot sent just before this ack. */
  seq: number;
}

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

/** What a client may send. The server still parses every payload: it trusts no type. */
export interface ClientToServerEvents {
  join: (request: JoinRequestInput, ack: AckCallback<JoinAck>) => void;
  command: (command: Command, ack: AckCallback<CommandAck>) => void;
  /** Ask for a fresh snapshot (e.g. after a failed command the client cannot reconcile). */
  sync: (ack: AckCallback<SyncAck>) => void;
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

export type { Command, CommandType };

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

/**
 * HTTP: what `POST /api/workshops/:id/breakout-preview` answers: the rooms `breakout.open`
 * would get with this split, members dealt by `assignRooms` from the participants present
 * (not removed, by join time) with `seed`. Give each room an id to send it as the plan.
 */
export interface BreakoutPreview {
  assignment: Assignment;
  /** Send it again to get the same split. */
  seed: number;
  rooms: Array<{ name: string; members: string[] }>;
  /** Present but in no room: everyone with `manual` and `selfSelect`, nobody otherwise. */
  unplaced: string[];
}
