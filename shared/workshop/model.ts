// The workshop's domain model: plain data, shared by server, client and exports.
import type { ScaleAnswers, ScaleSettings } from './scale.ts';
import type { WordCloud } from './wordCloud.ts';

export type Language = 'sv' | 'en';
export const LANGUAGES: readonly Language[] = ['sv', 'en'];

export type OrgKind = 'kommun' | 'region' | 'brukarrepresentant' | 'annan';
export const ORG_KINDS: readonly OrgKind[] = ['kommun', 'region', 'brukarrepresentant', 'annan'];

export type ActivityKind =
  | 'brainstorm'
  | 'swot'
  | 'startStopContinue'
  | 'evaluation'
  | 'actions'
  | 'decisions'
  | 'prioritise'
  | 'ranking'
  | 'points'
  | 'wordCloud'
  | 'followUp'
  | 'scale';
export const ACTIVITY_KINDS: readonly ActivityKind[] = [
  'brainstorm',
  'swot',
  'startStopContinue',
  'evaluation',
  'actions',
  'decisions',
  'prioritise',
  'ranking',
  'points',
  'wordCloud',
  'followUp',
  'scale',
];

/** Notes with who does it and by when: next steps, and the follow-up of the last meeting's. */
export const takesOwner = (kind: ActivityKind | undefined) => kind === 'actions' || kind === 'followUp';

export type Role = 'facilitator' | 'participant';

/** Author id of notes written by a facilitator (facilitators are not participants). */
export const FACILITATOR_ID = 'facilitator';

export interface Column {
  id: string;
  title: string;
}

export interface Activity {
  id: string;
  kind: ActivityKind;
  title: string;
  /** Empty columns may exist; a column holds notes through `Note.columnId`. */
  columns: Column[];
  /** Read-only for participants while locked. */
  locked: boolean;
  /** Author names hidden from other participants. */
  anonymous: boolean;
  /** Breakout rooms opened for this activity; kept after closing for the report-back. */
  breakout: Breakout | null;
  /** Silent brainstorming: notes seen only by their author and facilitators until revealed. */
  hidden: boolean;
  /** The facilitator's summary of the activity, for the export. */
  summary: string;
  /**
   * An introduction or background the facilitator gives (slides, a link to the plan discussed):
   * shown on phones and in the minutes; http(s) links in it become links. Absent before it existed.
   */
  intro?: string;
  /** Dot voting on the activity's notes (or themes). */
  voting: Voting | null;
  /** Scale question (kind `scale`): its columns are the statements; absent until started (scale.ts). */
  scale?: ScaleSettings | null;
  /** Word cloud (`wordCloud` activities): its settings and life once started (wordCloud.ts). */
  wordCloud?: WordCloud | null;
}

export interface Voting {
  /** What gets the dots: the notes of the activity, or its themes. */
  target: 'notes' | 'themes';
  dotsPerPerson: number;
  maxPerOption: number;
  /** Points (100 poäng): what each participant shares out; absent: 100 (points.ts). */
  budget?: number;
  /** Participants may vote, move and take back dots while open. */
  open: boolean;
  /** Results shown to everyone as they come in, not only after reveal. */
  live: boolean;
  revealed: boolean;
}

/** A named group of notes: the "Sammanfattning" a group agrees on. */
export interface Theme {
  id: string;
  activityId: string;
  name: string;
}

/**
 * Why a kind's dots on an option are not shown: 'fewerThan3' when only one or two of that kind
 * voted (their dots would be theirs alone); 'withheld' for the smallest kind with three or more
 * when the kinds with fewer held only one or two voters together (else the total less the
 * kinds shown would give theirs away).
 */
export type KindWithheld = 'fewerThan3' | 'withheld';

/** One option's result: dots in all and by organisation kind. */
export interface OptionResult {
  optionId: string;
  total: number;
  /** Dots by the voters' kind; the same kinds are withheld on every option of an activity. */
  byKind: Record<OrgKind, number | KindWithheld>;
  /** 1 for the most dots; options with equal dots share a rank. */
  rank: number;
  /** Of all dots cast in the activity, 0–1. */
  share: number;
}

/** How participants are put in rooms. */
export type Assignment = 'mixed' | 'random' | 'manual' | 'selfSelect';
export const ASSIGNMENTS: readonly Assignment[] = ['mixed', 'random', 'manual', 'selfSelect'];

export interface Room {
  id: string;
  name: string;
  /** Participant ids, in the order they came in. */
  members: string[];
  /** The one who reports back to the plenary. */
  reporterId: string | null;
  /** A Teams/Zoom link for a digital breakout. */
  videoUrl: string;
  /** The room's short summary for the report-back. */
  summary: string;
}

export interface Breakout {
  rooms: Room[];
  assignment: Assignment;
  /** Self-select: the most members a room takes; null for no cap. */
  cap: number | null;
  /** While open, each participant sees only their own room's notes. */
  open: boolean;
  openedAt: number;
  closedAt: number | null;
}

/** A countdown on every screen. Times are the server's clock. */
export interface Timer {
  /** Set while running: when it reaches zero. */
  endsAt: number | null;
  /** Set while paused: what is left. */
  remainingMs: number;
  durationMs: number;
}

/**
 * What the projector shows alone, chosen by the facilitator: one column or theme of an
 * activity's board, or one room of its report-back. Phones do not follow it.
 */
export interface ProjectorFocus {
  activityId: string;
  kind: 'column' | 'theme' | 'room';
  id: string;
}

/** A message to everyone, shown prominently on phones ("2 minuter kvar"). */
export interface Announcement {
  text: string;
  at: number;
}

export interface Note {
  id: string;
  activityId: string;
  columnId: string;
  /** Participant id, FACILITATOR_ID, or null where the viewer may not know the author. */
  authorId: string | null;
  text: string;
  /** The breakout room it was written in; null in the plenary. */
  roomId: string | null;
  /** The theme it is grouped under, if any. */
  themeId: string | null;
  /** Evaluation: an optional 1–5 rating beside the comment. */
  rating?: number;
  /** Next steps (`actions`): who does it and by when. */
  owner?: string;
  due?: string;
  createdAt: number;
  updatedAt: number;
  /** Position in posting order: the seq of the event that added it, so the same for every viewer. */
  order: number;
  /**
   * Written while its activity promised anonymity: its author stays hidden from participants
   * even if anonymity is turned off later. Set by `apply` from the activity at the time.
   */
  anonymous?: true;
}

/** What a new note is made of; the kind of its activity decides which extra fields it keeps. */
export interface NoteInput {
  id: string;
  columnId: string;
  authorId: string;
  text: string;
  roomId?: string | null;
  rating?: number;
  owner?: string;
  due?: string;
}

/** A new note on an activity: owner and due on next steps, a rating on evaluations, in no group yet. */
export function newNote(activity: Pick<Activity, 'id' | 'kind'>, input: NoteInput, now: number): Omit<Note, 'order'> {
  return {
    id: input.id,
    activityId: activity.id,
    columnId: input.columnId,
    authorId: input.authorId,
    text: input.text,
    roomId: input.roomId ?? null,
    themeId: null,
    ...(activity.kind === 'evaluation' && input.rating !== undefined && { rating: input.rating }),
    ...(takesOwner(activity.kind) && { owner: input.owner ?? '', due: input.due ?? '' }),
    createdAt: now,
    updatedAt: now,
  };
}

export interface Participant {
  id: string;
  name: string;
  organisation: string;
  orgKind: OrgKind;
  joinedAt: number;
  removed: boolean;
}

export type WorkshopStatus = 'open' | 'closed';

/** When and where the group meets next, for the minutes; every field may be empty. */
export interface NextMeeting {
  /** "" or YYYY-MM-DD. */
  date: string;
  /** "" or HH:MM. */
  start: string;
  end: string;
  place: string;
}

/** Someone expected who sent apologies ("Anmält förhinder"), as the facilitator typed them. */
export interface Absentee {
  id: string;
  name: string;
  organisation: string;
}

export interface WorkshopInfo {
  title: string;
  date: string;
  place: string;
  purpose: string;
  goal: string;
  language: Language;
  /** Set by the facilitator for the minutes; absent until then (and in workshops made before). */
  nextMeeting?: NextMeeting;
}

export interface Workshop extends WorkshopInfo {
  id: string;
  joinCode: string;
  createdAt: number;
  status: WorkshopStatus;
  /** When it was closed (server clock); null while open. Retention counts from here. */
  closedAt: number | null;
  activities: Activity[];
  currentActivityId: string | null;
  timer: Timer | null;
  announcement: Announcement | null;
  themes: Record<string, Theme>;
  /** Dots per activity, per participant, per option. Secret: participants see only their own. */
  ballots: Record<string, Record<string, Record<string, number>>>;
  /** Scale answers per activity, per participant, per statement. Secret like ballots (scale.ts). */
  scaleAnswers?: ScaleAnswers;
  /** Word cloud: words per activity, per participant. Secret like ballots (wordCloud.ts). */
  words?: Record<string, Record<string, string[]>>;
  /** Word cloud: merged words (keys) the facilitator hid, per activity. Facilitators only. */
  hiddenWords?: Record<string, string[]>;
  participants: Record<string, Participant>;
  notes: Record<string, Note>;
  /** The projector's focus; absent or null: the whole activity. Cleared when the activity changes. */
  projectorFocus?: ProjectorFocus | null;
  /** Expected but absent, in the order they were added; absent in workshops made before. */
  absentees?: Absentee[];
  /** Sequence number of the last event applied. */
  seq: number;
}

/** Who sends a command or looks at the state. */
export type Actor =
  | { role: 'facilitator' }
  | { role: 'participant'; participantId: string };

/** A viewer additionally includes the read-only projector and not-yet-joined visitors. */
export type Viewer = Actor | { role: 'public' };

export const LIMITS = {
  noteText: 500,
  title: 200,
  shortText: 120,
  /** A participant's display name. */
  personName: 80,
  longText: 2000,
  activities: 50,
  columns: 12,
  notesPerWorkshop: 20000,
  rooms: 60,
  announcement: 200,
  timerSeconds: 4 * 60 * 60,
  dots: 50,
  themes: 200,
  /** Next steps carried over to the next meeting. */
  followUps: 100,
  /** Those listed as absent with apologies. */
  absentees: 200,
  /** Participants who may join one workshop (a hall of 1,000 five times over). */
  participants: 5000,
  /**
   * Events one workshop may hold from its participants: ten times what a hall of 1,000 makes in
   * a day. With notes of at most 500 characters it bounds the workshop's disk (docs/operations.md).
   */
  events: 200_000,
} as const;

export function actorId(actor: Actor): string {
  return actor.role === 'facilitator' ? FACILITATOR_ID : actor.participantId;
}

export function currentActivity(state: Workshop): Activity | undefined {
  return state.activities.find((a) => a.id === state.currentActivityId);
}

/** The open breakout of an activity, if any. */
export function openBreakout(state: Workshop, activityId: string): Breakout | null {
  const breakout = state.activities.find((a) => a.id === activityId)?.breakout;
  return breakout?.open ? breakout : null;
}

/** The room a participant is in for an activity's breakout, open or closed. */
export function roomOf(breakout: Breakout | null | undefined, participantId: string): Room | undefined {
  return breakout?.rooms.find((r) => r.members.includes(participantId));
}

export function notesOf(state: Workshop, activityId: string): Note[] {
  return Object.values(state.notes)
    .filter((n) => n.activityId === activityId)
    .sort((a, b) => a.order - b.order);
}

/** Why a command or request was refused. Messages for each are in the i18n dictionaries. */
export type ErrorCode =
  | 'invalid'
  | 'forbidden'
  | 'not_found'
  | 'locked'
  | 'not_current'
  | 'closed'
  | 'exists'
  | 'column_not_empty'
  | 'one_per_person'
  | 'limit'
  | 'unknown_code'
  | 'not_joined'
  | 'removed'
  | 'deleted'
  | 'unauthorized'
  | 'protocol'
  | 'internal'
  | 'rate_limited'
  | 'too_large'
  | 'no_room'
  | 'room_full'
  | 'breakout_open'
  | 'voting_closed'
  | 'no_dots_left'
  | 'option_full';
