// What each viewer may see. The server sends every socket only this, never all of it for the
// client to hide. Facilitators see everything. Participants and the projector do not see:
// authors of notes written in anonymous activities (except their own notes), also once the
// activity is no longer anonymous, and in no event, a deletion included; notes of hidden (silent
// brainstorming) activities but their own, until revealed; notes of other breakout rooms while
// the rooms are open; anyone's dots but their own. Tallies and hidden-note counts reach them
// as a `Projection`, and tallies only once results are revealed or live.
import type { WorkshopEvent } from './events.ts';
import { roomOf, type Note, type OptionResult, type Viewer, type Workshop } from './model.ts';
import { resultsVisible, tally, voterCount } from './voting.ts';
import { secretWords, visibleClouds, wordRespondents, type WordCloudResult } from './wordCloud.ts';
import { ownScaleAnswers, scaleRespondents, scaleResultsVisible, scaleTally, type ScaleResult } from './scale.ts';
import { isRanking, rankingTally, type RankingResult } from './ranking.ts';
import { isPoints, pointsTally, type PointsResult } from './points.ts';

type NoteRef = Pick<Note, 'activityId' | 'roomId' | 'authorId'> & Pick<Partial<Note>, 'anonymous'>;

function viewerId(viewer: Viewer): string | null {
  return viewer.role === 'participant' ? viewer.participantId : null;
}

function activityOf(state: Workshop, activityId: string) {
  return state.activities.find((a) => a.id === activityId);
}

/** The open breakout a room belongs to, if it is open. */
function openBreakoutOfRoom(state: Workshop, roomId: string | null) {
  if (!roomId) return undefined;
  return state.activities.find((a) => a.breakout?.open && a.breakout.rooms.some((r) => r.id === roomId))?.breakout;
}

function inOtherRoom(state: Workshop, roomId: string | null, viewer: Viewer): boolean {
  const breakout = openBreakoutOfRoom(state, roomId);
  if (!breakout) return false;
  const id = viewerId(viewer);
  return !id || roomOf(breakout, id)?.id !== roomId;
}

function isHidden(state: Workshop, note: NoteRef): boolean {
  return activityOf(state, note.activityId)?.hidden ?? false;
}

/** Whether a note is the viewer's own (the projector and visitors own none). */
function isOwn(note: NoteRef, viewer: Viewer): boolean {
  const me = viewerId(viewer);
  return me !== null && note.authorId === me;
}

/** Whether a viewer may see a note at all. */
export function canSee(state: Workshop, note: NoteRef, viewer: Viewer): boolean {
  if (viewer.role === 'facilitator') return true;
  if (inOtherRoom(state, note.roomId, viewer)) return false;
  return !isHidden(state, note) || isOwn(note, viewer);
}

/** Whether a note's author is kept from other participants: written anonymously, or in an anonymous activity. */
function isAnonymous(state: Workshop, note: NoteRef): boolean {
  // An activity this state no longer knows is treated as anonymous: the safe side.
  return !!note.anonymous || (activityOf(state, note.activityId)?.anonymous ?? true);
}

function redactNote<N extends NoteRef>(state: Workshop, note: N, viewer: Viewer): N {
  if (viewer.role === 'facilitator') return note;
  if (isOwn(note, viewer) || !isAnonymous(state, note)) return note;
  return { ...note, authorId: null };
}

/** The whole workshop as a viewer may see it. */
export function view(state: Workshop, viewer: Viewer): Workshop {
  if (viewer.role === 'facilitator') return state;
  const notes: Record<string, Note> = {};
  for (const note of Object.values(state.notes))
    if (canSee(state, note, viewer)) notes[note.id] = redactNote(state, note, viewer);
  const me = viewerId(viewer);
  const ballots = Object.fromEntries(
    Object.entries(state.ballots).map(([activityId, byVoter]) => [
      activityId,
      me && byVoter[me] ? { [me]: byVoter[me] } : {},
    ]),
  );
  return { ...state, notes, ballots, ...(state.scaleAnswers && { scaleAnswers: ownScaleAnswers(state.scaleAnswers, me) }), ...secretWords(state, me) };
}

/**
 * What every participant who is in room `roomId` of the open breakout (null: in none) may see of
 * the notes of others; with `roomId` null it is also the projector's whole view. Built once per
 * seq and room for a crowd of snapshots, then made personal with `personalView`.
 */
export function sharedView(state: Workshop, roomId: string | null): Workshop {
  const notes: Record<string, Note> = {};
  for (const note of Object.values(state.notes)) {
    const room = openBreakoutOfRoom(state, note.roomId) ? note.roomId : null;
    if ((room === null || room === roomId) && !isHidden(state, note))
      notes[note.id] = isAnonymous(state, note) ? { ...note, authorId: null } : note;
  }
  const ballots = Object.fromEntries(Object.keys(state.ballots).map((activityId) => [activityId, {}]));
  return { ...state, notes, ballots, ...(state.scaleAnswers && { scaleAnswers: ownScaleAnswers(state.scaleAnswers, null) }), ...secretWords(state, null) };
}

/** The room a participant is in during an open breakout, the key of their `sharedView`. */
export function sharedRoomOf(state: Workshop, participantId: string): string | null {
  const breakout = state.activities.find((a) => a.breakout?.open)?.breakout;
  return roomOf(breakout, participantId)?.id ?? null;
}

/**
 * `view(state, viewer)` for a participant, from the `sharedView` of their room and the ids of
 * the notes they wrote: their own hidden notes, their own names on anonymous notes, their dots.
 */
export function personalView(state: Workshop, shared: Workshop, viewer: Viewer, own: readonly string[]): Workshop {
  const me = viewerId(viewer);
  if (!me) return shared;
  let notes = shared.notes;
  for (const id of own) {
    const note = state.notes[id];
    if (!note || shared.notes[id] === note || !canSee(state, note, viewer)) continue;
    if (notes === shared.notes) notes = { ...shared.notes };
    notes[id] = note;
  }
  const ballots = Object.fromEntries(
    Object.entries(state.ballots).map(([activityId, byVoter]) => [activityId, byVoter[me] ? { [me]: byVoter[me] } : {}]),
  );
  return { ...shared, notes, ballots, ...(state.scaleAnswers && { scaleAnswers: ownScaleAnswers(state.scaleAnswers, me) }), ...secretWords(state, me) };
}

/** The note an event is about, as far as visibility goes (as it is now, if it still is); null if not a note event. */
function noteRefOf(state: Workshop, event: WorkshopEvent): NoteRef | null {
  switch (event.type) {
    case 'note.added':
      return state.notes[event.note.id] ?? event.note;
    case 'note.deleted':
      return event;
    case 'note.edited':
    case 'note.moved':
    case 'note.grouped':
      // A note gone since is judged like its deletion: its own activity and room, no author.
      return state.notes[event.noteId] ?? { activityId: event.activityId, roomId: 'roomId' in event ? event.roomId : null, authorId: null };
    default:
      return null;
  }
}

const noteIdOf = (event: WorkshopEvent): string | null =>
  event.type === 'note.added' ? event.note.id : 'noteId' in event ? event.noteId : null;

/** A deletion says which note went, never who wrote it: removing an anonymous note must not unmask it. */
const withoutAuthor = (event: Extract<WorkshopEvent, { type: 'note.deleted' }>): WorkshopEvent =>
  event.authorId === null ? event : { ...event, authorId: null };

/**
 * One event of the past as a viewer may see it, judged on the state now; null if not at all.
 * The state now cannot say what the viewer could see of a note that is gone (deleted, or its
 * activity removed): its text, edits and author are not sent, only its deletion, which a
 * client that had the note needs. What else changes what a participant may see (anonymity,
 * hiding, rooms) needs a new view (`needsResync`), so catch-up over it is a snapshot.
 */
export function viewEvent(state: Workshop, event: WorkshopEvent, viewer: Viewer): WorkshopEvent | null {
  if (viewer.role === 'facilitator') return event;
  if (event.type === 'vote.cast' || event.type === 'ballot.set') return viewerId(viewer) === event.participantId ? event : null;
  if (event.type === 'scale.answered') return viewerId(viewer) === event.participantId ? event : null;
  if (event.type === 'words.sent') return viewerId(viewer) === event.participantId ? event : null;
  if (event.type === 'word.hidden') return null;
  const ref = noteRefOf(state, event);
  if (!ref) return event;
  if (event.type === 'note.deleted')
    return activityOf(state, event.activityId) && canSee(state, ref, viewer) ? withoutAuthor(event) : null;
  if (!state.notes[noteIdOf(event)!] || !canSee(state, ref, viewer)) return null;
  if (event.type === 'note.added' && !isOwn(ref, viewer) && isAnonymous(state, ref))
    return { ...event, note: { ...event.note, authorId: null } };
  return event;
}

/** Who receives an event. `public` is every participant and projector of the workshop. */
export type Audience =
  | { kind: 'everyone' }
  | { kind: 'facilitators' }
  | { kind: 'public'; except?: string }
  | { kind: 'room'; roomId: string; except?: string }
  | { kind: 'participant'; participantId: string };

export type Delivery =
  | { to: Audience; event: WorkshopEvent }
  /** What the audience may see changed wholesale: each of them gets a fresh `view`. */
  | { to: Audience; resync: true };

/** Whether an event changes what participants may see so much that they need a new view. */
export function needsResync(event: WorkshopEvent): boolean {
  return (
    (event.type === 'activity.updated' && (event.anonymous !== undefined || event.hidden !== undefined)) ||
    event.type === 'breakout.closed' ||
    event.type === 'room.joined'
  );
}

const personal = (participantId: string | null, state: Workshop, event: WorkshopEvent): Delivery[] =>
  participantId && state.participants[participantId]
    ? [{ to: { kind: 'participant', participantId }, event }]
    : [];

/**
 * How to fan an event out so that each socket gets `viewEvent` for itself with as few
 * emits as possible. Pure; the server maps audiences to Socket.IO rooms.
 */
export function deliveries(state: Workshop, event: WorkshopEvent): Delivery[] {
  const facilitators: Delivery = { to: { kind: 'facilitators' }, event };
  if (event.type === 'room.joined')
    // Everyone learns who is where; the one who moved gets their new room's board.
    return [
      { to: { kind: 'everyone' }, event },
      { to: { kind: 'participant', participantId: event.participantId }, resync: true },
    ];
  if (needsResync(event)) return [facilitators, { to: { kind: 'public' }, resync: true }];
  if (event.type === 'vote.cast' || event.type === 'ballot.set') return [facilitators, ...personal(event.participantId, state, event)];
  if (event.type === 'scale.answered') return [facilitators, ...personal(event.participantId, state, event)];
  if (event.type === 'words.sent') return [facilitators, ...personal(event.participantId, state, event)];
  if (event.type === 'word.hidden') return [facilitators];
  const ref = noteRefOf(state, event);
  if (!ref) return [{ to: { kind: 'everyone' }, event }];
  // A hidden activity's notes go to their author alone (and the facilitators).
  if (isHidden(state, ref))
    return [facilitators, ...personal(ref.authorId, state, event.type === 'note.deleted' ? withoutAuthor(event) : event)];
  const inOpenRoom = !!openBreakoutOfRoom(state, ref.roomId);
  const crowd: Audience = inOpenRoom ? { kind: 'room', roomId: ref.roomId! } : { kind: 'public' };
  const author = ref.authorId;
  if (event.type === 'note.deleted' && author !== null) return [facilitators, { to: crowd, event: withoutAuthor(event) }];
  const anonymous = event.type === 'note.added' && author !== null && isAnonymous(state, ref);
  if (!anonymous) return inOpenRoom ? [facilitators, { to: crowd, event }] : [{ to: { kind: 'everyone' }, event }];
  const redacted: WorkshopEvent = event.type === 'note.added' ? { ...event, note: { ...event.note, authorId: null } } : event;
  return [facilitators, { to: { ...crowd, except: author ?? undefined }, event: redacted }, ...personal(author, state, event)];
}

/** What participants and the projector get instead of what they may not see. */
export interface Projection {
  /** Rankings of activities whose results are revealed or live. */
  results: Record<string, OptionResult[]>;
  /** How many notes hidden activities hold. */
  hiddenCounts: Record<string, number>;
  /** How many have placed a dot in votes that are open: for the projector, never who. */
  voters: Record<string, number>;
  /** Scale questions (skalfrågor) whose results are revealed or live: figures per statement, never an answer. */
  scales?: Record<string, ScaleResult>;
  /** Rankings (rangordning) whose results are revealed or live: mean places, never a ballot. */
  rankings?: Record<string, RankingResult>;
  /** 100 poäng whose results are revealed or live: points per option, never a ballot. */
  points?: Record<string, PointsResult>;
  /** Word clouds (ordmoln) revealed or live, without the words the facilitator hid (wordCloud.ts). */
  wordClouds?: Record<string, WordCloudResult>;
}

export const NO_PROJECTION: Projection = { results: {}, hiddenCounts: {}, voters: {} };

export function projection(state: Workshop): Projection {
  const out: Projection = { results: {}, hiddenCounts: {}, voters: {} };
  for (const activity of state.activities) {
    if (resultsVisible(activity) && isRanking(activity.kind)) (out.rankings ??= {})[activity.id] = rankingTally(state, activity.id);
    else if (resultsVisible(activity) && isPoints(activity.kind)) (out.points ??= {})[activity.id] = pointsTally(state, activity.id);
    else if (resultsVisible(activity)) out.results[activity.id] = tally(state, activity.id);
    if (activity.voting?.open) out.voters[activity.id] = voterCount(state, activity.id);
    // A scale question's respondents count like voters: how many, never who.
    if (activity.scale?.open) out.voters[activity.id] = scaleRespondents(state, activity.id);
    if (scaleResultsVisible(activity)) (out.scales ??= {})[activity.id] = scaleTally(state, activity.id)!;
    // A word cloud's respondents count like voters too.
    if (activity.wordCloud?.open) out.voters[activity.id] = wordRespondents(state, activity.id);
    if (activity.hidden)
      out.hiddenCounts[activity.id] = Object.values(state.notes).filter((n) => n.activityId === activity.id).length;
  }
  const clouds = visibleClouds(state);
  if (Object.keys(clouds).length) out.wordClouds = clouds;
  return out;
}
