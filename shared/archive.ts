// The JSON archive of a workshop, and the next meeting made from one: same agenda, with the
// next steps still open listed as "Uppföljning från föregående möte". Pure; the server writes
// archives, the browser reads them back (an archive is a file the user picks: untrusted).
import * as v from 'valibot';
import type { CreateWorkshop, FollowUpItem } from './schema.ts';
import { tally } from './workshop/voting.ts';
import { scaleTally, type ScaleResult } from './workshop/scale.ts';
import { isRanking, rankingTally, type RankingResult } from './workshop/ranking.ts';
import { isPoints, pointsTally, type PointsResult } from './workshop/points.ts';
import { tallyWords, type WordCloudResult } from './workshop/wordCloud.ts';
import {
  ACTIVITY_KINDS,
  LANGUAGES,
  LIMITS,
  takesOwner,
  type ActivityKind,
  type OptionResult,
  type Workshop,
} from './workshop/model.ts';

export const ARCHIVE_FORMAT = 'verkstad.workshop';
export const ARCHIVE_VERSION = 1;

export interface Archive {
  format: typeof ARCHIVE_FORMAT;
  version: typeof ARCHIVE_VERSION;
  workshop: Workshop;
  /** Each voted activity's tally: what the room saw, without who voted for what. */
  results: Record<string, OptionResult[]>;
  /** Each ranking's (rangordning) mean places, overall and by kind, without who ranked what. */
  rankings?: Record<string, RankingResult>;
  /** Each 100 poäng's points per option, overall and by kind, without who gave what. */
  points?: Record<string, PointsResult>;
  /** Each word cloud's tally as the room saw it (hidden words left out), without who wrote what. */
  wordClouds?: Record<string, WordCloudResult>;
  /** Each scale question's figures per statement and kind, without who answered what. */
  scales?: Record<string, ScaleResult>;
}

/**
 * The state as it may outlive the meeting. What was promised at the meeting still holds: the
 * authors of notes written anonymously and each person's dots are left out (the tally
 * stays). Without names, participants keep their organisation but lose their name. Keys and
 * tokens are never in the state (only their hashes, in the store).
 */
export function archive(state: Workshop, options: { includeNames: boolean }): Archive {
  const anonymous = new Set(state.activities.filter((a) => a.anonymous).map((a) => a.id));
  const notes = Object.fromEntries(
    Object.entries(state.notes).map(([id, n]) => [id, anonymous.has(n.activityId) || n.anonymous ? { ...n, authorId: null } : n]),
  );
  const participants = options.includeNames
    ? state.participants
    : Object.fromEntries(Object.entries(state.participants).map(([id, p]) => [id, { ...p, name: '' }]));
  // Those who sent apologies are named as the facilitator typed them: left out alike.
  const absentees = options.includeNames ? state.absentees : state.absentees?.map((a) => ({ ...a, name: '' }));
  const results = Object.fromEntries(
    state.activities.filter((a) => a.voting && !isRanking(a.kind) && !isPoints(a.kind)).map((a) => [a.id, tally(state, a.id)]),
  );
  return {
    format: ARCHIVE_FORMAT,
    version: ARCHIVE_VERSION,
    workshop: { ...state, notes, participants, ballots: {}, ...(absentees && { absentees }), ...withoutWords(state), ...(state.scaleAnswers && { scaleAnswers: {} }) },
    results,
    ...(state.activities.some((a) => a.voting && isRanking(a.kind)) && {
      rankings: Object.fromEntries(state.activities.filter((a) => a.voting && isRanking(a.kind)).map((a) => [a.id, rankingTally(state, a.id)])),
    }),
    ...(state.activities.some((a) => a.voting && isPoints(a.kind)) && {
      points: Object.fromEntries(state.activities.filter((a) => a.voting && isPoints(a.kind)).map((a) => [a.id, pointsTally(state, a.id)])),
    }),
    ...(state.activities.some((a) => a.scale) && {
      scales: Object.fromEntries(state.activities.filter((a) => a.scale).map((a) => [a.id, scaleTally(state, a.id)!])),
    }),
    ...(state.activities.some((a) => a.wordCloud) && {
      wordClouds: Object.fromEntries(state.activities.filter((a) => a.wordCloud).map((a) => [a.id, tallyWords(state, a.id)])),
    }),
  };
}


/** Who wrote which words is left out like the dots; the words the facilitator hid with it. */
function withoutWords(state: Workshop): Partial<Workshop> {
  if (!state.words && !state.hiddenWords) return {};
  return { words: {}, hiddenWords: {} };
}

// Reading an archive back: only the parts the next meeting needs are checked, loosely (other
// fields may come and go between versions); everything is checked again when the new workshop
// is created.
const Str = v.string();
const ArchivedActivity = v.looseObject({
  id: Str,
  kind: v.picklist(ACTIVITY_KINDS),
  title: Str,
  columns: v.array(v.looseObject({ id: Str, title: Str })),
  anonymous: v.boolean(),
});
const ArchivedNote = v.looseObject({
  activityId: Str,
  columnId: Str,
  text: Str,
  order: v.number(),
  owner: v.optional(Str),
  due: v.optional(Str),
});
const ArchiveFile = v.looseObject({
  format: v.literal(ARCHIVE_FORMAT),
  version: v.literal(ARCHIVE_VERSION),
  workshop: v.looseObject({
    title: Str,
    place: v.optional(Str, ''),
    purpose: v.optional(Str, ''),
    goal: v.optional(Str, ''),
    language: v.picklist(LANGUAGES),
    nextMeeting: v.optional(v.looseObject({ date: v.optional(Str, ''), place: v.optional(Str, '') })),
    activities: v.array(ArchivedActivity),
    notes: v.record(Str, ArchivedNote),
  }),
});
export type ArchiveFile = v.InferOutput<typeof ArchiveFile>;

/** What the next meeting is made from: a read archive's workshop, or a workshop itself. */
export interface Meeting {
  title: string;
  place: string;
  purpose: string;
  goal: string;
  language: Workshop['language'];
  /** Where this meeting said the next one would be, if it said. */
  nextMeeting?: { date: string; place: string };
  activities: ReadonlyArray<{ kind: ActivityKind; title: string; columns: ReadonlyArray<{ id: string; title: string }>; anonymous: boolean; id: string }>;
  notes: Record<string, { activityId: string; columnId: string; text: string; order: number; owner?: string; due?: string }>;
}

export function readArchive(data: unknown): { ok: true; archive: ArchiveFile } | { ok: false; detail: string } {
  const result = v.safeParse(ArchiveFile, data);
  if (result.success) return { ok: true, archive: result.output };
  const issue = result.issues[0];
  const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
  return { ok: false, detail: path ? `${path}: ${issue.message}` : issue.message };
}

/** Notes that are still to be done: every next step, and follow-ups not yet moved to "Klart". */
function openNextSteps(w: Pick<Meeting, 'activities' | 'notes'>): FollowUpItem[] {
  const notes = Object.values(w.notes).sort((a, b) => a.order - b.order);
  return w.activities
    .filter((a) => takesOwner(a.kind))
    .flatMap((a) => notes.filter((n) => n.activityId === a.id && (a.kind === 'actions' || n.columnId === 'open')))
    .map((n) => ({ text: n.text, owner: n.owner ?? '', due: n.due ?? '' }))
    .slice(0, LIMITS.followUps);
}

/**
 * What to create the next meeting from: the same title, place, purpose, goal and agenda
 * (without the last follow-up board: the new one takes its place). The date and place are the
 * ones this meeting set for the next ("Nästa möte"); without them the date is left to fill in.
 */
export function nextMeeting(w: Meeting): CreateWorkshop {
  return {
    title: w.title,
    date: w.nextMeeting?.date ?? '',
    place: w.nextMeeting?.place || w.place,
    purpose: w.purpose,
    goal: w.goal,
    language: w.language,
    agenda: w.activities
      .filter((a) => a.kind !== 'followUp')
      .slice(0, LIMITS.activities)
      .map((a) => ({
        kind: a.kind,
        title: a.title,
        columns: a.columns.slice(0, LIMITS.columns).map((c) => ({ id: c.id, title: c.title })),
        anonymous: a.anonymous,
      })),
    followUp: openNextSteps(w),
  };
}
