// The workshop summary as one structure, a pure function of the state: every format renders it.
import { DICTIONARIES, translate, type MessageKey } from '../../shared/i18n/index.ts';
import {
  FACILITATOR_ID,
  ORG_KINDS,
  notesOf,
  type Activity,
  type ActivityKind,
  type KindWithheld,
  type Language,
  type Note,
  type OrgKind,
  type Workshop,
} from '../../shared/workshop/model.ts';
import { averageRating, optionsOf, tally } from '../../shared/workshop/voting.ts';
import { boardOf, columnTitle, noteItem, type Board, type NoteItem, type Naming } from './board.ts';
import { wordCloudPart, type WordCloudPart } from './wordCloud.ts';
import { rankingPart, type RankingPart } from './ranking.ts';
import { scalePart, type ScalePart } from './scale.ts';

export type { Board, ColumnBlock, NoteItem, ThemeBlock } from './board.ts';

type ExportKey = Extract<MessageKey, `export.${string}`> extends `export.${infer K}` ? K : never;
export type Labels = Record<ExportKey, string>;

export interface OutlineOptions {
  /** Participants' names in attendance, rooms and on notes; off for GDPR-minded groups. */
  includeNames: boolean;
}

export interface AttendanceGroup {
  organisation: string;
  kind: OrgKind;
  kindLabel: string;
  /** Empty when names are left out. */
  names: string[];
  count: number;
}

/** Närvarande under one heading per kind (Kommuner, Region, …), organisations by name within. */
export interface AttendanceKind {
  kind: OrgKind;
  /** "Kommuner", "Region", "Brukarrepresentanter", "Övriga". */
  label: string;
  groups: AttendanceGroup[];
}

/** One line of "Anmält förhinder": "Anna Ek, Nybro kommun"; without names, the organisation. */
export interface AbsentLine {
  name: string;
  organisation: string;
  /** The line as the minutes print it. */
  text: string;
}

export interface RoomBlock {
  id: string;
  name: string;
  reporter: string | null;
  members: string[];
  summary: string;
  board: Board;
}

export interface RankingRow {
  rank: number;
  optionId: string;
  text: string;
  /** Where the option came from when it is a note (CSV rows tell it). */
  note: { column: string; room: string; theme: string; author: string | null } | null;
  votes: number;
  share: string;
  /** Every kind, in ORG_KINDS order: its dots, or why they are not given (`tally`), and the cell's text. */
  byKind: Array<{ kind: OrgKind; label: string; votes: number | KindWithheld; text: string }>;
}

export interface ActivitySection {
  number: number;
  id: string;
  kind: ActivityKind;
  title: string;
  /** A brainstorm's questions (its columns), or empty. */
  questions: string[];
  /** Notes written outside any room. Empty when the notes are the ranking's options. */
  board: Board;
  rooms: RoomBlock[];
  ranking: RankingRow[] | null;
  /** Under the ranking: what "färre än 3" and "redovisas inte" mean, when a kind's dots are not given. */
  rankingNote: string | null;
  /** A ranking activity's (rangordning) mean places, overall and by kind (ranking.ts). */
  ordering: RankingPart | null;
  /** A word cloud's (ordmoln) question, settings, respondents and words by kind (wordCloud.ts). */
  wordCloud?: WordCloudPart | null;
  /** A scale question's (skalfrågor) scale, respondents and figures per statement and kind (scale.ts). */
  scale?: ScalePart | null;
  /** Evaluation: "4,2 av 5 (7 svar)", or null. */
  rating: string | null;
  summary: string;
  /** The facilitator's introduction or background, with its links as written ("" if none). */
  intro: string;
}

export interface NextStep {
  id: string;
  column: string;
  what: string;
  who: string;
  when: string;
  author: string | null;
}

/** Decisions or next steps of one activity: the minutes' own parts, after the sections. */
export interface PartGroup<T> {
  id: string;
  title: string;
  summary: string;
  intro: string;
  items: T[];
}

export interface Outline {
  language: Language;
  labels: Labels;
  title: string;
  /** Date, place, purpose and goal, those that are filled in. */
  info: Array<{ label: string; value: string }>;
  /** `groups` in order of kind, then organisation; `byKind` the same under a heading per kind present. */
  attendance: { groups: AttendanceGroup[]; byKind: AttendanceKind[]; total: number; namesLeftOut: boolean };
  /** Expected but absent ("Anmält förhinder"), in the order the facilitator listed them. */
  absent: AbsentLine[];
  /** When and where the group meets next (date, time, place: those set), for the minutes' end. */
  nextMeeting: Array<{ label: string; value: string }>;
  /** The previous meeting's next steps gone through, each with its status (its column). */
  followUp: PartGroup<NextStep>[];
  sections: ActivitySection[];
  decisions: PartGroup<NoteItem>[];
  nextSteps: PartGroup<NextStep>[];
}

/** The export's labels in a language, from the dictionaries' `export.*` keys. */
export function labelsFor(lang: Language): Labels {
  const keys = Object.keys(DICTIONARIES.sv).filter((k) => k.startsWith('export.')) as MessageKey[];
  return Object.fromEntries(keys.map((k) => [k.slice('export.'.length), translate(lang, k)])) as Labels;
}

/**
 * A room's heading: "Grupp: Norra länet", but a name that already says it is a group ("Grupp 1",
 * "Grupprum Norr") stands alone rather than "Grupp: Grupp 1".
 */
export function roomHeading(labels: Labels, name: string): string {
  const label = labels.room.toLocaleLowerCase();
  return name.trim().toLocaleLowerCase().startsWith(label) ? name : `${labels.room}: ${name}`;
}

const LOCALES: Record<Language, string> = { sv: 'sv-SE', en: 'en-GB' };
const percent = (lang: Language, share: number) =>
  new Intl.NumberFormat(LOCALES[lang], { style: 'percent', maximumFractionDigits: 0 }).format(share);
const decimal = (lang: Language, value: number) =>
  new Intl.NumberFormat(LOCALES[lang], { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value);

/** Activities whose notes are the minutes' own parts rather than a numbered section. */
const OWN_PART: ReadonlySet<ActivityKind> = new Set(['decisions', 'actions', 'followUp']);

interface Context {
  state: Workshop;
  lang: Language;
  labels: Labels;
  includeNames: boolean;
}

/** The summary of a workshop: what every export format renders. */
export function outline(state: Workshop, options: OutlineOptions): Outline {
  const lang = state.language;
  const ctx: Context = { state, lang, labels: labelsFor(lang), includeNames: options.includeNames };
  const boards = state.activities.filter((a) => !OWN_PART.has(a.kind));
  const step = (n: Note, naming: Naming, a: Activity): NextStep => ({
    id: n.id,
    column: columnTitle(a, n.columnId),
    what: n.text,
    who: n.owner ?? '',
    when: n.due ?? '',
    author: naming.authorOf(n),
  });
  return {
    language: lang,
    labels: ctx.labels,
    title: state.title,
    info: info(ctx),
    attendance: attendance(ctx),
    absent: absent(ctx),
    nextMeeting: nextMeeting(ctx),
    followUp: ownPart(ctx, 'followUp', step),
    sections: boards.map((a, i) => section(ctx, a, i + 1)),
    decisions: ownPart(ctx, 'decisions', (n, naming, a) => noteItem(n, naming, columnTitle(a, n.columnId))),
    nextSteps: ownPart(ctx, 'actions', step),
  };
}

function info({ state, labels }: Context): Outline['info'] {
  const rows = [
    { label: labels.date, value: state.date },
    { label: labels.place, value: state.place },
    { label: labels.purpose, value: state.purpose },
    { label: labels.goal, value: state.goal },
  ];
  return rows.filter((r) => r.value.trim() !== '');
}

/** Närvarande: by kind of organisation (kommun, region, …), then organisation by name. */
function attendance({ state, lang, includeNames }: Context): Outline['attendance'] {
  const groups = new Map<string, AttendanceGroup>();
  const present = Object.values(state.participants).filter((p) => !p.removed);
  for (const p of present.sort((a, b) => a.joinedAt - b.joinedAt)) {
    const key = `${p.orgKind}\u0000${p.organisation.trim().toLocaleLowerCase(lang)}`;
    const group = groups.get(key) ?? {
      organisation: p.organisation.trim(),
      kind: p.orgKind,
      kindLabel: translate(lang, `orgKind.${p.orgKind}`),
      names: [],
      count: 0,
    };
    if (includeNames) group.names.push(p.name);
    group.count += 1;
    groups.set(key, group);
  }
  const order = (g: AttendanceGroup) => ORG_KINDS.indexOf(g.kind);
  const sorted = [...groups.values()].sort(
    (a, b) => order(a) - order(b) || a.organisation.localeCompare(b.organisation, LOCALES[lang]),
  );
  const byKind = ORG_KINDS.map((kind) => ({
    kind,
    label: translate(lang, KIND_HEADINGS[kind]),
    groups: sorted.filter((g) => g.kind === kind),
  })).filter((k) => k.groups.length > 0);
  return { groups: sorted, byKind, total: present.length, namesLeftOut: !includeNames };
}

const KIND_HEADINGS: Record<OrgKind, MessageKey> = {
  kommun: 'export.kindsKommun',
  region: 'export.kindsRegion',
  brukarrepresentant: 'export.kindsBrukarrepresentant',
  annan: 'export.kindsAnnan',
};

/** Anmält förhinder: as typed; without names, each one's organisation (or that the name is left out). */
function absent({ state, labels, includeNames }: Context): AbsentLine[] {
  return (state.absentees ?? []).map((a) => {
    const name = includeNames ? a.name.trim() : '';
    const organisation = a.organisation.trim();
    const text = [name, organisation].filter(Boolean).join(', ') || labels.nameLeftOut;
    return { name, organisation, text };
  });
}

/** "fredag 15 maj 2026", "kl. 13.00–16.00": dates and times as the minutes write them. */
function nextMeeting({ state, lang, labels }: Context): Outline['nextMeeting'] {
  const next = state.nextMeeting;
  if (!next) return [];
  const clock = (time: string) => (lang === 'sv' ? time.replace(':', '.') : time);
  const span = [next.start, next.end].filter(Boolean).map(clock).join('–');
  const rows = [
    { label: labels.date, value: longDate(lang, next.date) },
    { label: labels.time, value: span && labels.timeValue.replace('{time}', span) },
    { label: labels.place, value: next.place },
  ];
  return rows.filter((r) => r.value.trim() !== '');
}

function longDate(lang: Language, date: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return date;
  const day = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  if (Number.isNaN(day.getTime())) return date;
  const options = { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' } as const;
  return new Intl.DateTimeFormat(LOCALES[lang], options).format(day);
}

function nameOf({ state, lang }: Context, participantId: string | null): string | null {
  if (!participantId) return null;
  if (participantId === FACILITATOR_ID) return translate(lang, 'role.facilitator');
  return state.participants[participantId]?.name ?? null;
}

function naming(ctx: Context, activity: Activity, votes: Map<string, number> | null): Naming {
  const named = ctx.includeNames && !activity.anonymous;
  return {
    // A note written while the activity was anonymous stays so (Note.anonymous).
    authorOf: (note) => (named && !note.anonymous ? nameOf(ctx, note.authorId) : null),
    votesOf: (optionId) => (votes ? (votes.get(optionId) ?? 0) : null),
    ratingOf: (rating) => translate(ctx.lang, 'rating.line', { n: rating, word: translate(ctx.lang, `rating.${rating}` as MessageKey) }),
  };
}

function ranking(ctx: Context, activity: Activity): RankingRow[] | null {
  // A ranking's or 100 poäng's ballots are places and points, not dots: `ordering` has them.
  if (!activity.voting || activity.kind === 'ranking' || activity.kind === 'points') return null;
  const texts = new Map(optionsOf(ctx.state, activity).map((o) => [o.id, o.text]));
  const names = naming(ctx, activity, null);
  return tally(ctx.state, activity.id).map((r) => ({
    rank: r.rank,
    optionId: r.optionId,
    text: texts.get(r.optionId) ?? '',
    note: optionNote(ctx, activity, r.optionId, names),
    votes: r.total,
    share: percent(ctx.lang, r.share),
    byKind: ORG_KINDS.map((kind) => ({ kind, label: translate(ctx.lang, `orgKind.${kind}`), votes: r.byKind[kind], text: kindText(ctx, r.byKind[kind]) })),
  }));
}

const kindText = ({ labels }: Context, votes: number | KindWithheld) =>
  votes === 'fewerThan3' ? labels.kindFewer : votes === 'withheld' ? labels.kindWithheld : String(votes);

function rankingNote({ labels }: Context, rows: RankingRow[] | null): string | null {
  const shown = new Set(rows?.[0]?.byKind.map((k) => k.votes));
  const notes = [shown.has('fewerThan3') ? labels.kindFewerNote : '', shown.has('withheld') ? labels.kindWithheldNote : ''];
  return notes.filter(Boolean).join(' ') || null;
}

function optionNote(ctx: Context, activity: Activity, optionId: string, names: Naming): RankingRow['note'] {
  const note = activity.voting?.target === 'notes' ? ctx.state.notes[optionId] : undefined;
  if (!note) return null;
  const room = activity.breakout?.rooms.find((r) => r.id === note.roomId);
  return {
    column: columnTitle(activity, note.columnId),
    room: room?.name ?? '',
    theme: (note.themeId && ctx.state.themes[note.themeId]?.name) || '',
    author: names.authorOf(note),
  };
}

function section(ctx: Context, activity: Activity, number: number): ActivitySection {
  const { state } = ctx;
  const rows = ranking(ctx, activity);
  const votes = rows ? new Map(rows.map((r) => [r.optionId, r.votes])) : null;
  const names = naming(ctx, activity, votes);
  // Voted-on notes are the ranking's rows: listing them on the board too would say them twice.
  // A word cloud's column is its question, which its own part states: no empty board under it.
  const listed = activity.voting?.target !== 'notes' && activity.kind !== 'wordCloud';
  const notes = listed ? notesOf(state, activity.id) : [];
  const themes = Object.values(state.themes).filter((t) => t.activityId === activity.id);
  const rooms = activity.breakout?.rooms ?? [];
  const roomIds = new Set(rooms.map((r) => r.id));
  const plenary = notes.filter((n) => !n.roomId || !roomIds.has(n.roomId));
  const rated = averageRating(notesOf(state, activity.id));
  return {
    number,
    id: activity.id,
    kind: activity.kind,
    title: activity.title,
    questions: activity.kind === 'brainstorm' ? activity.columns.map((c) => c.title) : [],
    // A scale question's columns are its statements, reported with its results, not as empty boards.
    board: boardOf(activity, themes, plenary, names, listed && rooms.length === 0 && activity.kind !== 'scale'),
    rooms: rooms.map((room) => ({
      id: room.id,
      name: room.name,
      reporter: ctx.includeNames ? nameOf(ctx, room.reporterId) : null,
      members: ctx.includeNames ? room.members.map((id) => nameOf(ctx, id) ?? '').filter(Boolean) : [],
      summary: room.summary,
      board: boardOf(activity, themes, notes.filter((n) => n.roomId === room.id), names, listed),
    })),
    ranking: rows,
    rankingNote: rankingNote(ctx, rows),
    wordCloud: wordCloudPart(state, activity, ctx.lang, ctx.labels),
    scale: scalePart(state, activity, ctx.lang, ctx.labels),
    ordering: rankingPart(state, activity, ctx.labels),
    rating: rated
      ? translate(ctx.lang, 'export.ratingValue', { average: decimal(ctx.lang, rated.average), count: rated.count })
      : null,
    summary: activity.summary,
    intro: activity.intro ?? '',
  };
}

/** Decisions or next steps: every such activity with its notes, in agenda order. */
function ownPart<T>(
  ctx: Context,
  kind: ActivityKind,
  item: (note: Note, naming: Naming, activity: Activity) => T,
): PartGroup<T>[] {
  return ctx.state.activities
    .filter((a) => a.kind === kind)
    .map((a) => ({
      id: a.id,
      title: a.title,
      summary: a.summary,
      intro: a.intro ?? '',
      items: notesOf(ctx.state, a.id).map((n) => item(n, naming(ctx, a, null), a)),
    }));
}
