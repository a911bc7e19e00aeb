// Valibot schemas for everything a client may send. All validation of the wire lives here.
import * as v from 'valibot';
import type { InvalidDetail } from './protocol.ts';
import { SCALE_MAXES } from './workshop/scale.ts';
import { ACTIVITY_KINDS, ASSIGNMENTS, LANGUAGES, LIMITS, ORG_KINDS } from './workshop/model.ts';
import { WORD_LIMITS } from './workshop/wordCloud.ts';

// Custom checks' messages, told apart by `parse` to say why in the reader's language.
const RESERVED = 'must not be a reserved name';
const DISTINCT = 'column ids must differ';

/** Client-made ids (nanoid and friends): url-safe, short, never a prototype key. */
export const Id = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9_-]{6,40}$/, 'must be an id of 6–40 url-safe characters'),
  // `state.notes[id]` must never find Object.prototype ("constructor", "__proto__", …).
  v.check((id) => !(id in Object.prototype), RESERVED),
);
const ColumnId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be a column id'));

const text = (max: number) =>
  v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(max, `must be at most ${max} characters`));
const optionalText = (max: number) =>
  v.pipe(v.string(), v.trim(), v.maxLength(max, `must be at most ${max} characters`));
const Index = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(LIMITS.activities));
/** A day that exists (no 30 February): the minutes print it as a weekday and date. */
function realDay(text: string): boolean {
  const day = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === text;
}
const DateText = v.pipe(
  v.string(),
  v.regex(/^(\d{4}-\d{2}-\d{2})?$/, 'must be a date YYYY-MM-DD'),
  v.check((text) => !text || realDay(text), 'must be a date that exists'),
);
const TimeText = v.pipe(v.string(), v.regex(/^(([01]\d|2[0-3]):[0-5]\d)?$/, 'must be a time HH:MM'));

/** When and where the group meets next: sent whole, every field may be empty. */
export const NextMeeting = v.pipe(
  v.strictObject({
    date: v.optional(DateText, ''),
    start: v.optional(TimeText, ''),
    end: v.optional(TimeText, ''),
    place: v.optional(optionalText(LIMITS.title), ''),
  }),
  // An end alone would read as the start ("kl. 16.00"); one before the start is a typo.
  v.check((m) => !m.end || (!!m.start && m.end > m.start), 'must end after it starts'),
);

export const Language = v.picklist(LANGUAGES);
export const OrgKind = v.picklist(ORG_KINDS);
export const ActivityKind = v.picklist(ACTIVITY_KINDS);

export const WorkshopInfoPatch = v.strictObject({
  title: v.optional(text(LIMITS.title)),
  date: v.optional(DateText),
  place: v.optional(optionalText(LIMITS.title)),
  purpose: v.optional(optionalText(LIMITS.longText)),
  goal: v.optional(optionalText(LIMITS.longText)),
  language: v.optional(Language),
  nextMeeting: v.optional(NextMeeting),
});

const Questions = v.pipe(v.array(text(LIMITS.title)), v.maxLength(LIMITS.columns));

export const Column = v.strictObject({ id: ColumnId, title: text(LIMITS.title) });
const Columns = v.pipe(v.array(Column), v.minLength(1), v.maxLength(LIMITS.columns));

export const ActivityDraft = v.strictObject({
  kind: ActivityKind,
  title: v.optional(optionalText(LIMITS.title)),
  questions: v.optional(Questions),
  withOptional: v.optional(v.boolean()),
  /** From an earlier meeting: its columns as they were set, and whether it was anonymous. */
  columns: v.optional(
    v.pipe(
      Columns,
      // activity.update's columns are checked by decide; a new workshop's here.
      v.check((cs) => new Set(cs.map((c) => c.id)).size === cs.length, DISTINCT),
    ),
  ),
  anonymous: v.optional(v.boolean()),
});

/** A next step of the previous meeting, to follow up in this one. */
export const FollowUpItem = v.strictObject({
  text: text(LIMITS.noteText),
  owner: v.optional(optionalText(LIMITS.shortText), ''),
  due: v.optional(DateText, ''),
});
export type FollowUpItem = v.InferOutput<typeof FollowUpItem>;

/** What a client sends to create a workshop (`POST /api/workshops`). */
export const CreateWorkshop = v.strictObject({
  title: text(LIMITS.title),
  date: v.optional(DateText, ''),
  place: v.optional(optionalText(LIMITS.title), ''),
  purpose: v.optional(optionalText(LIMITS.longText), ''),
  goal: v.optional(optionalText(LIMITS.longText), ''),
  language: v.optional(Language, 'sv'),
  agenda: v.optional(
    v.union([v.literal('lgs'), v.pipe(v.array(ActivityDraft), v.maxLength(LIMITS.activities))]),
  ),
  /** Listed first, as "Uppföljning från föregående möte". */
  followUp: v.optional(v.pipe(v.array(FollowUpItem), v.maxLength(LIMITS.followUps))),
});
export type CreateWorkshop = v.InferOutput<typeof CreateWorkshop>;

/** A participant's secret, made by their browser and kept there; joining again with it resumes. */
export const Token = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{21,64}$/, 'must be a token of 21–64 url-safe characters'));

/** What a participant sends to join. */
export const JoinRequest = v.strictObject({
  token: Token,
  name: text(LIMITS.personName),
  organisation: text(LIMITS.shortText),
  /** Required, never assumed: a kind guessed wrong mixes the rooms and the tally wrong. */
  orgKind: OrgKind,
});
export type JoinRequest = v.InferOutput<typeof JoinRequest>;
export type JoinRequestInput = v.InferInput<typeof JoinRequest>;

const Dots = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(LIMITS.dots));
const Rating = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(5));
const Count = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000));
const Seconds = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(LIMITS.timerSeconds));
/** Only web links: a javascript: or data: URL must never become a clickable link. */
const VideoUrl = v.pipe(
  v.string(),
  v.trim(),
  v.maxLength(500),
  v.regex(/^(https?:\/\/\S+)?$/, 'must be an http(s) link'),
);
const RoomDraft = v.strictObject({
  id: Id,
  name: text(LIMITS.shortText),
  members: v.pipe(v.array(Id), v.maxLength(1000)),
  reporterId: v.optional(v.nullable(Id)),
  videoUrl: v.optional(VideoUrl),
});

/** One column, theme or room of an activity, for the projector to show alone. */
const ProjectorFocus = v.variant('kind', [
  v.strictObject({ activityId: Id, kind: v.literal('column'), id: ColumnId }),
  v.strictObject({ activityId: Id, kind: v.literal('theme'), id: Id }),
  v.strictObject({ activityId: Id, kind: v.literal('room'), id: Id }),
]);

const command = <T extends string, E extends v.ObjectEntries>(type: T, entries: E) =>
  v.strictObject({ id: Id, type: v.literal(type), ...entries });

export const Command = v.variant('type', [
  command('workshop.update', { info: WorkshopInfoPatch }),
  command('workshop.close', {}),
  command('workshop.reopen', {}),
  command('activity.add', {
    activityId: Id,
    kind: ActivityKind,
    title: v.optional(optionalText(LIMITS.title)),
    questions: v.optional(Questions),
    withOptional: v.optional(v.boolean()),
    index: v.optional(Index),
  }),
  command('activity.update', {
    activityId: Id,
    title: v.optional(text(LIMITS.title)),
    columns: v.optional(Columns),
    anonymous: v.optional(v.boolean()),
    hidden: v.optional(v.boolean()),
    summary: v.optional(optionalText(LIMITS.longText)),
    /** Shown on phones and in the minutes; http(s) links in it become links. */
    intro: v.optional(optionalText(LIMITS.longText)),
  }),
  command('activity.move', { activityId: Id, index: Index }),
  command('activity.remove', { activityId: Id }),
  command('activity.focus', { activityId: v.nullable(Id) }),
  command('activity.lock', { activityId: Id, locked: v.boolean() }),
  command('note.add', {
    noteId: Id,
    activityId: Id,
    columnId: ColumnId,
    /** Empty only for an evaluation's rating on its own (decide checks the activity's kind). */
    text: optionalText(LIMITS.noteText),
    owner: v.optional(optionalText(LIMITS.shortText)),
    due: v.optional(DateText),
    /** Facilitators visiting a breakout room write into it; participants write in their own. */
    roomId: v.optional(v.nullable(Id)),
    rating: v.optional(Rating),
  }),
  command('note.edit', {
    noteId: Id,
    text: optionalText(LIMITS.noteText),
    owner: v.optional(optionalText(LIMITS.shortText)),
    due: v.optional(DateText),
    /** null takes the rating away. */
    rating: v.optional(v.nullable(Rating)),
  }),
  command('note.move', { noteId: Id, columnId: ColumnId }),
  command('note.group', { noteId: Id, themeId: v.nullable(Id) }),
  command('theme.create', {
    themeId: Id,
    activityId: Id,
    name: text(LIMITS.title),
    noteIds: v.pipe(v.array(Id), v.maxLength(500)),
  }),
  command('theme.rename', { themeId: Id, name: text(LIMITS.title) }),
  command('theme.delete', { themeId: Id }),
  command('voting.start', {
    activityId: Id,
    target: v.optional(v.picklist(['notes', 'themes'])),
    dotsPerPerson: Dots,
    maxPerOption: Dots,
    live: v.optional(v.boolean()),
    /** 100 poäng: the points each participant shares out. */
    budget: v.optional(v.pipe(v.number(), v.integer(), v.minValue(10), v.maxValue(1000))),
  }),
  command('voting.close', { activityId: Id }),
  command('voting.reopen', { activityId: Id }),
  command('results.reveal', { activityId: Id, revealed: v.boolean() }),
  command('vote.cast', { activityId: Id, optionId: Id, delta: v.picklist([1, -1]) }),
  /** Skalfrågor (scale.ts): the scale is set until the first answer; then only opened, closed, revealed. */
  command('scale.start', {
    activityId: Id,
    max: v.picklist(SCALE_MAXES),
    minLabel: optionalText(LIMITS.shortText),
    maxLabel: optionalText(LIMITS.shortText),
    dontKnow: v.boolean(),
    live: v.optional(v.boolean()),
  }),
  command('scale.change', { activityId: Id, open: v.optional(v.boolean()), revealed: v.optional(v.boolean()) }),
  /** null takes the answer back. */
  command('scale.answer', {
    activityId: Id,
    statementId: ColumnId,
    value: v.nullable(v.union([v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10)), v.literal('dontKnow')])),
  }),
  command('wordcloud.start', {
    activityId: Id,
    maxWords: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(WORD_LIMITS.maxWords)),
    maxLength: v.pipe(v.number(), v.integer(), v.minValue(3), v.maxValue(WORD_LIMITS.maxLength)),
    live: v.optional(v.boolean()),
  }),
  command('wordcloud.set', {
    activityId: Id,
    open: v.optional(v.boolean()),
    revealed: v.optional(v.boolean()),
    live: v.optional(v.boolean()),
  }),
  command('words.send', {
    activityId: Id,
    words: v.pipe(v.array(optionalText(WORD_LIMITS.maxLength)), v.maxLength(WORD_LIMITS.maxWords)),
  }),
  command('word.hide', { activityId: Id, word: text(WORD_LIMITS.maxLength), hidden: v.boolean() }),
  /** Rangordning: every option of the activity, best first. */
  command('ranking.submit', { activityId: Id, order: v.pipe(v.array(Id), v.maxLength(200)) }),
  /** 100 poäng: points per option, every point of the budget given out. */
  command('points.submit', {
    activityId: Id,
    points: v.pipe(v.record(Id, v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1000))), v.check((r) => Object.keys(r).length <= 200, 'at most 200 options')),
  }),
  command('options.import', {
    activityId: Id,
    fromActivityId: Id,
    what: v.picklist(['notes', 'themes']),
    /** Only the notes of this column of the earlier activity (e.g. the SWOT's opportunities). */
    columnId: v.optional(ColumnId),
  }),
  command('breakout.open', {
    activityId: Id,
    assignment: v.picklist(ASSIGNMENTS),
    cap: v.optional(v.nullable(Count)),
    rooms: v.pipe(v.array(RoomDraft), v.minLength(1), v.maxLength(LIMITS.rooms)),
  }),
  command('breakout.close', { activityId: Id }),
  command('room.join', { activityId: Id, roomId: Id }),
  command('room.move', { activityId: Id, roomId: Id, participantId: Id }),
  command('room.update', {
    activityId: Id,
    roomId: Id,
    name: v.optional(text(LIMITS.shortText)),
    reporterId: v.optional(v.nullable(Id)),
    videoUrl: v.optional(VideoUrl),
    summary: v.optional(optionalText(LIMITS.longText)),
  }),
  command('timer.start', { seconds: Seconds }),
  command('timer.pause', {}),
  command('timer.resume', {}),
  command('timer.add', { seconds: v.pipe(v.number(), v.integer(), v.minValue(-3600), v.maxValue(3600)) }),
  command('timer.stop', {}),
  command('announcement.send', { text: text(LIMITS.announcement) }),
  command('announcement.clear', {}),
  command('projector.focus', { focus: v.nullable(ProjectorFocus) }),
  command('note.delete', { noteId: Id }),
  command('participant.remove', { participantId: Id }),
  command('absentee.add', {
    absenteeId: Id,
    name: text(LIMITS.personName),
    organisation: v.optional(optionalText(LIMITS.shortText), ''),
  }),
  command('absentee.remove', { absenteeId: Id }),
  command('participant.update', {
    participantId: Id,
    name: v.optional(text(LIMITS.personName)),
    organisation: v.optional(text(LIMITS.shortText)),
    orgKind: v.optional(OrgKind),
  }),
]);

export type Command = v.InferOutput<typeof Command>;
export type CommandType = Command['type'];

/** Why a field failed, for the message (`invalid.<reason>` in the dictionaries). */
export type InvalidReason =
  | 'missing'
  | 'type'
  | 'choice'
  | 'empty'
  | 'too_long'
  | 'too_many'
  | 'format'
  | 'range'
  | 'reserved'
  | 'duplicate'
  | 'unknown_key';

/** What was wrong with an input: `detail` goes on the wire, the rest into the message. */
export interface Invalid {
  detail: InvalidDetail;
  reason: InvalidReason;
  /** The bound a `too_long` or `too_many` broke. */
  max?: number;
  /** Valibot's own words, in English, for logs and developers. */
  issue: string;
}

export type Parsed<T> = { ok: true; value: T } | ({ ok: false } & Invalid);

type Issue = v.BaseIssue<unknown>;

function reasonOf(issue: Issue): InvalidReason {
  if (issue.type === 'strict_object' && issue.expected === 'never') return 'unknown_key';
  if (issue.kind === 'schema' && issue.input === undefined) return 'missing';
  switch (issue.type) {
    case 'variant':
      // Without a path the input was no object to look for a `type` in.
      return issue.path?.length ? 'choice' : 'type';
    case 'picklist':
    case 'literal':
      return 'choice';
    case 'min_length':
      return 'empty';
    case 'max_length':
      return typeof issue.input === 'string' ? 'too_long' : 'too_many';
    case 'integer':
    case 'min_value':
    case 'max_value':
      return 'range';
    case 'check':
      return issue.message === RESERVED ? 'reserved' : issue.message === DISTINCT ? 'duplicate' : 'format';
    case 'regex':
      return 'format';
    default:
      return 'type';
  }
}

/**
 * A union's issue names the union; the branch that got furthest into the input says what is
 * wrong in it (its path is the union's, then its own).
 */
function deepest(issue: Issue, outer: string[] = []): { issue: Issue; path: string[] } {
  const path = [...outer, ...(issue.path?.map((p) => String(p.key)) ?? [])];
  const inner = issue.type === 'union' ? (issue.issues ?? []) : [];
  const furthest = inner.reduce<Issue | undefined>((best, i) => ((i.path?.length ?? 0) > (best?.path?.length ?? 0) ? i : best), undefined);
  return furthest?.path?.length ? deepest(furthest, path) : { issue, path };
}

/** Validate untrusted input; never throws. */
export function parse<S extends v.GenericSchema>(schema: S, input: unknown): Parsed<v.InferOutput<S>> {
  try {
    const result = v.safeParse(schema, input);
    if (result.success) return { ok: true, value: result.output };
    const { issue, path } = deepest(result.issues[0]);
    const reason = reasonOf(issue);
    // An unknown key is not a field the client may send: the object holding it is at fault.
    const keys = reason === 'unknown_key' ? path.slice(0, -1) : path;
    const max = reason === 'too_long' || reason === 'too_many' ? Number(issue.requirement) : undefined;
    return {
      ok: false,
      // The schemas' keys are the fields of `FieldPath`; no path means the input as a whole.
      detail: keys.length ? (keys.join('.') as FieldPath) : 'payload',
      reason,
      ...(max !== undefined && { max }),
      issue: path.length ? `${path.join('.')}: ${issue.message}` : issue.message,
    };
  } catch {
    return { ok: false, detail: 'payload', reason: 'type', issue: 'unreadable input' };
  }
}

export const parseCommand = (input: unknown) => parse(Command, input);

/** Handshake `auth` of a Socket.IO connection. */
export const HandshakeAuth = v.object({
  protocol: v.number(),
  workshopId: Id,
  facilitatorKey: v.optional(v.pipe(v.string(), v.maxLength(100))),
  participantToken: v.optional(Token),
  since: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});

/**
 * `POST /api/workshops/:id/breakout-preview`: a split into `rooms` (how many, or their names),
 * or into rooms of about `size` people, as the facilitator's page deals it.
 */
export const BreakoutPreviewRequest = v.pipe(
  v.strictObject({
    activityId: Id,
    assignment: v.picklist(ASSIGNMENTS),
    rooms: v.optional(
      v.union([
        v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(LIMITS.rooms)),
        v.pipe(v.array(text(LIMITS.shortText)), v.minLength(1), v.maxLength(LIMITS.rooms)),
      ]),
    ),
    size: v.optional(Count),
    /** The page deals with `Date.now()`; any whole number gives its own split. */
    seed: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER))),
  }),
  v.forward(
    v.check((r) => (r.rooms === undefined) !== (r.size === undefined), 'give either rooms or size'),
    ['rooms'],
  ),
);
export type BreakoutPreviewRequest = v.InferOutput<typeof BreakoutPreviewRequest>;

type KeysOf<T> = T extends unknown ? Extract<keyof T, string> : never;
/** Every field a client sends, in a command, a join, the handshake or an HTTP body. */
export type Field =
  | KeysOf<Command | JoinRequest | CreateWorkshop | v.InferOutput<typeof HandshakeAuth> | BreakoutPreviewRequest>
  | 'confirmTitle';
/** A field, or a path inside one (`rooms.2.videoUrl`): `invalid`'s detail for a schema failure. */
export type FieldPath = Field | `${Field}.${string}`;
