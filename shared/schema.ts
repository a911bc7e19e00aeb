// Valibot schemas for everything a client may send. All validation of the wire lives here.
import * as v from 'valibot';
import { ACTIVITY_KINDS, ASSIGNMENTS, LANGUAGES, LIMITS, ORG_KINDS } from './workshop/model.ts';

/** Client-made ids (nanoid and friends): url-safe, short, never a prototype key. */
export const Id = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9_-]{6,40}$/, 'must be an id of 6–40 url-safe characters'),
  // `state.notes[id]` must never find Object.prototype ("constructor", "__proto__", …).
  v.check((id) => !(id in Object.prototype), 'must not be a reserved name'),
);
const ColumnId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be a column id'));

const text = (max: number) =>
  v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(max, `must be at most ${max} characters`));
const optionalText = (max: number) =>
  v.pipe(v.string(), v.trim(), v.maxLength(max, `must be at most ${max} characters`));
const Index = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(LIMITS.activities));
const DateText = v.pipe(v.string(), v.regex(/^(\d{4}-\d{2}-\d{2})?$/, 'must be a date YYYY-MM-DD'));

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
      v.check((cs) => new Set(cs.map((c) => c.id)).size === cs.length, 'column ids must differ'),
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
  name: text(80),
  organisation: text(LIMITS.shortText),
  orgKind: OrgKind,
});
export type JoinRequest = v.InferOutput<typeof JoinRequest>;

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
  }),
  command('activity.move', { activityId: Id, index: Index }),
  command('activity.remove', { activityId: Id }),
  command('activity.focus', { activityId: v.nullable(Id) }),
  command('activity.lock', { activityId: Id, locked: v.boolean() }),
  command('note.add', {
    noteId: Id,
    activityId: Id,
    columnId: ColumnId,
    text: text(LIMITS.noteText),
    owner: v.optional(optionalText(LIMITS.shortText)),
    due: v.optional(DateText),
    /** Facilitators visiting a breakout room write into it; participants write in their own. */
    roomId: v.optional(v.nullable(Id)),
    rating: v.optional(Rating),
  }),
  command('note.edit', {
    noteId: Id,
    text: text(LIMITS.noteText),
    owner: v.optional(optionalText(LIMITS.shortText)),
    due: v.optional(DateText),
    rating: v.optional(Rating),
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
  }),
  command('voting.close', { activityId: Id }),
  command('voting.reopen', { activityId: Id }),
  command('results.reveal', { activityId: Id, revealed: v.boolean() }),
  command('vote.cast', { activityId: Id, optionId: Id, delta: v.picklist([1, -1]) }),
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
  command('note.delete', { noteId: Id }),
  command('participant.remove', { participantId: Id }),
]);

export type Command = v.InferOutput<typeof Command>;
export type CommandType = Command['type'];

export type Parsed<T> = { ok: true; value: T } | { ok: false; detail: string };

/** Validate untrusted input; never throws. */
export function parse<S extends v.GenericSchema>(schema: S, input: unknown): Parsed<v.InferOutput<S>> {
  try {
    const result = v.safeParse(schema, input);
    if (result.success) return { ok: true, value: result.output };
    const issue = result.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
    return { ok: false, detail: path ? `${path}: ${issue.message}` : issue.message };
  } catch {
    return { ok: false, detail: 'unreadable input' };
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
