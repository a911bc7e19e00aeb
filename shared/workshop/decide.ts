// decide(state, command, actor, ctx) -> events | refusal. Every rule of who may do what lives
// here, as guard clauses; failures are values, never throws. Clock comes in through `ctx`.
import type { Command } from '../schema.ts';
import { noteCount } from './apply.ts';
import { accept, emptiedColumn, findActivity, mayWrite, refuse, type DecideContext, type Decision } from './decision.ts';
import { LIMITS, actorId, newNote, takesOwner, type Actor, type NextMeeting, type Note, type Workshop } from './model.ts';
import { decideRooms, noteRoom } from './decideRooms.ts';
import { decideVoting } from './decideVoting.ts';
import { decideRanking, isRanking } from './ranking.ts';
import { decidePoints, isPoints } from './points.ts';
import { decideProjectorFocus } from './projectorFocus.ts';
import { decideScale } from './scale.ts';
import { decideWordCloud } from './wordCloud.ts';
import { answersShownByKind } from './kindShown.ts';

export type { DecideContext, Decision };

const FACILITATOR_ONLY = new Set<Command['type']>([
  'workshop.update',
  'workshop.close',
  'workshop.reopen',
  'activity.add',
  'activity.update',
  'activity.move',
  'activity.remove',
  'activity.focus',
  'activity.lock',
  'participant.remove',
  'absentee.add',
  'absentee.remove',
  'participant.update',
  'breakout.open',
  'breakout.close',
  'room.move',
  'timer.start',
  'timer.pause',
  'timer.resume',
  'timer.add',
  'timer.stop',
  'announcement.send',
  'announcement.clear',
  'projector.focus',
  'note.group',
  'theme.create',
  'theme.rename',
  'theme.delete',
  'voting.start',
  'voting.close',
  'voting.reopen',
  'results.reveal',
  'options.import',
  'scale.start',
  'scale.change',
  'wordcloud.start',
  'wordcloud.set',
  'word.hide',
]);

const NO_NEXT_MEETING: NextMeeting = { date: '', start: '', end: '', place: '' };

export function isFacilitatorOnly(type: Command['type']): boolean {
  return FACILITATOR_ONLY.has(type);
}

export function decide(state: Workshop, command: Command, actor: Actor, ctx: DecideContext): Decision {
  if (actor.role === 'participant') {
    const me = state.participants[actor.participantId];
    if (!me) return refuse('not_joined');
    if (me.removed) return refuse('removed');
    if (FACILITATOR_ONLY.has(command.type)) return refuse('forbidden', 'facilitator_only');
    if (state.status === 'closed') return refuse('closed');
  }
  switch (command.type) {
    case 'workshop.update': {
      // A workshop without a next meeting has an empty one: sending that again changes nothing.
      const info = changed({ ...state, nextMeeting: state.nextMeeting ?? NO_NEXT_MEETING }, command.info);
      return info ? accept({ type: 'workshop.updated', info }) : accept();
    }
    case 'workshop.close':
      return state.status === 'closed' ? accept() : accept({ type: 'workshop.closed', at: ctx.now });
    case 'workshop.reopen':
      return state.status === 'open' ? accept() : accept({ type: 'workshop.reopened' });
    case 'activity.add': {
      if (state.activities.some((a) => a.id === command.activityId)) return refuse('exists', 'activity');
      if (state.activities.length >= LIMITS.activities) return refuse('limit', 'activities');
      if (!ctx.makeActivity) return refuse('internal');
      const activity = ctx.makeActivity(command.activityId, command.kind, state.language, command);
      const index = command.index ?? state.activities.length;
      return accept({ type: 'activity.added', activity, index: Math.min(index, state.activities.length) });
    }
    case 'activity.update': {
      const activity = findActivity(state, command.activityId);
      if (!activity) return refuse('not_found', 'activity');
      if (command.columns) {
        const ids = new Set(command.columns.map((c) => c.id));
        if (ids.size !== command.columns.length) return refuse('invalid', 'duplicate_columns');
        // Which column: the client knows what it left out (see emptiedColumn).
        if (emptiedColumn(state, activity, command.columns)) return refuse('column_not_empty');
      }
      const { title, columns, anonymous, hidden, summary, intro } = command;
      const change = changed({ ...activity, intro: activity.intro ?? '' }, { title, columns, anonymous, hidden, summary, intro });
      // An unchanged `anonymous` must not reach the event: it would resend every view.
      return change ? accept({ type: 'activity.updated', activityId: activity.id, ...change }) : accept();
    }
    case 'activity.move': {
      const from = state.activities.findIndex((a) => a.id === command.activityId);
      if (from < 0) return refuse('not_found', 'activity');
      const index = Math.min(command.index, state.activities.length - 1);
      if (index === from) return accept();
      return accept({ type: 'activity.moved', activityId: command.activityId, index });
    }
    case 'activity.remove':
      if (!findActivity(state, command.activityId)) return refuse('not_found', 'activity');
      return accept({ type: 'activity.removed', activityId: command.activityId });
    case 'activity.focus':
      if (command.activityId !== null && !findActivity(state, command.activityId))
        return refuse('not_found', 'activity');
      if (command.activityId === state.currentActivityId) return accept();
      return accept({ type: 'activity.focused', activityId: command.activityId });
    case 'activity.lock': {
      const activity = findActivity(state, command.activityId);
      if (!activity) return refuse('not_found', 'activity');
      if (activity.locked === command.locked) return accept();
      return accept({ type: 'activity.locked', activityId: activity.id, locked: command.locked });
    }
    case 'note.add':
      return addNote(state, command, actor, ctx);
    case 'note.edit': {
      const note = state.notes[command.noteId];
      const denied = mayChangeNote(state, note, actor);
      if (denied) return denied;
      const kind = findActivity(state, note.activityId)?.kind;
      const isAction = takesOwner(kind);
      const rating = kind === 'evaluation' ? command.rating : undefined;
      const rated = rating === undefined ? note.rating !== undefined : rating !== null;
      if (!command.text && !(kind === 'evaluation' && rated)) return refuse('invalid', 'text');
      const same =
        note.text === command.text &&
        (rating === undefined || rating === (note.rating ?? null)) &&
        (!isAction || ((command.owner ?? note.owner) === note.owner && (command.due ?? note.due) === note.due));
      if (same) return accept();
      return accept({
        type: 'note.edited',
        noteId: note.id,
        activityId: note.activityId,
        roomId: note.roomId,
        text: command.text,
        ...(isAction && { owner: command.owner, due: command.due }),
        ...(rating !== undefined && { rating }),
        at: ctx.now,
      });
    }
    case 'note.move': {
      const note = state.notes[command.noteId];
      const denied = mayChangeNote(state, note, actor);
      if (denied) return denied;
      if (!findActivity(state, note.activityId)?.columns.some((c) => c.id === command.columnId))
        return refuse('not_found', 'column');
      if (note.columnId === command.columnId) return accept();
      return accept({
        type: 'note.moved',
        noteId: note.id,
        activityId: note.activityId,
        roomId: note.roomId,
        columnId: command.columnId,
        at: ctx.now,
      });
    }
    case 'note.delete': {
      const note = state.notes[command.noteId];
      const denied = mayChangeNote(state, note, actor);
      return (
        denied ??
        accept({ type: 'note.deleted', noteId: note.id, activityId: note.activityId, roomId: note.roomId, authorId: note.authorId })
      );
    }
    case 'note.group':
    case 'theme.create':
    case 'theme.rename':
    case 'theme.delete':
    case 'voting.start':
    case 'voting.close':
    case 'voting.reopen':
    case 'results.reveal':
    case 'vote.cast':
    case 'options.import':
      return decideVoting(state, command, actor, ctx);
    case 'ranking.submit':
      return decideRanking(state, command, actor);
    case 'points.submit':
      return decidePoints(state, command, actor);
    case 'breakout.open':
    case 'breakout.close':
    case 'room.join':
    case 'room.move':
    case 'room.update':
    case 'timer.start':
    case 'timer.pause':
    case 'timer.resume':
    case 'timer.add':
    case 'timer.stop':
    case 'announcement.send':
    case 'announcement.clear':
      return decideRooms(state, command, actor, ctx);
    case 'wordcloud.start':
    case 'wordcloud.set':
    case 'words.send':
    case 'word.hide':
      return decideWordCloud(state, command, actor);
    case 'scale.start':
    case 'scale.change':
    case 'scale.answer':
      return decideScale(state, command, actor);
    case 'projector.focus':
      return decideProjectorFocus(state, command);
    case 'absentee.add': {
      const absentees = state.absentees ?? [];
      if (absentees.some((a) => a.id === command.absenteeId)) return refuse('exists', 'absentee');
      if (absentees.length >= LIMITS.absentees) return refuse('limit', 'absentees');
      const { absenteeId: id, name, organisation } = command;
      return accept({ type: 'absentee.added', absentee: { id, name, organisation } });
    }
    case 'absentee.remove':
      if (!state.absentees?.some((a) => a.id === command.absenteeId)) return refuse('not_found', 'absentee');
      return accept({ type: 'absentee.removed', absenteeId: command.absenteeId });
    case 'participant.remove': {
      const p = state.participants[command.participantId];
      if (!p) return refuse('not_found', 'participant');
      return p.removed ? accept() : accept({ type: 'participant.removed', participantId: p.id });
    }
    case 'participant.update': {
      const p = state.participants[command.participantId];
      // Someone removed is no longer listed anywhere: nothing of theirs to correct.
      if (!p || p.removed) return refuse('not_found', 'participant');
      const { name, organisation, orgKind } = command;
      if (orgKind !== undefined && orgKind !== p.orgKind && answersShownByKind(state, p.id)) return refuse('forbidden', 'kind_shown');
      const change = changed(p, { name, organisation, orgKind });
      return change ? accept({ type: 'participant.updated', participantId: p.id, ...change }) : accept();
    }
  }
}

/** The fields of `patch` that differ from `current`, or null when nothing would change. */
function changed<T extends object>(current: T, patch: Partial<T>): Partial<T> | null {
  const diff = Object.fromEntries(
    Object.entries(patch).filter(
      ([key, value]) =>
        value !== undefined && JSON.stringify(value) !== JSON.stringify(current[key as keyof T]),
    ),
  ) as Partial<T>;
  return Object.keys(diff).length ? diff : null;
}

function notesIn(state: Workshop, activityId: string): Note[] {
  return Object.values(state.notes).filter((n) => n.activityId === activityId);
}

function mayChangeNote(state: Workshop, note: Note | undefined, actor: Actor): Decision | null {
  if (!note) return refuse('not_found', 'note');
  if (actor.role === 'participant' && note.authorId !== actor.participantId) return refuse('forbidden', 'note');
  const activity = findActivity(state, note.activityId);
  return activity ? mayWrite(state, activity, actor) : refuse('not_found', 'activity');
}

function addNote(
  state: Workshop,
  command: Extract<Command, { type: 'note.add' }>,
  actor: Actor,
  ctx: DecideContext,
): Decision {
  const activity = findActivity(state, command.activityId);
  if (!activity) return refuse('not_found', 'activity');
  const denied = mayWrite(state, activity, actor);
  if (denied) return denied;
  if (!activity.columns.some((c) => c.id === command.columnId)) return refuse('not_found', 'column');
  // A rating counts on its own; any other note needs words.
  if (!command.text && !(activity.kind === 'evaluation' && command.rating !== undefined)) return refuse('invalid', 'text');
  if (state.notes[command.noteId]) return refuse('exists', 'note');
  if (noteCount(state) >= LIMITS.notesPerWorkshop) return refuse('limit', 'notes');
  const author = actorId(actor);
  if (
    activity.kind === 'evaluation' &&
    actor.role === 'participant' &&
    notesIn(state, activity.id).some((n) => n.authorId === author)
  )
    return refuse('one_per_person');
  // The options of a prioritisation are the facilitator's to set.
  if ((activity.kind === 'prioritise' || isRanking(activity.kind) || isPoints(activity.kind)) && actor.role === 'participant')
    return refuse('forbidden', 'options');
  // A word cloud's words are secret answers (words.send), never notes everyone sees.
  if (activity.kind === 'wordCloud' && actor.role === 'participant') return refuse('forbidden', 'options');
  const room = noteRoom(activity, command.roomId, actor);
  if (!room.ok) return room;
  const { noteId: id, columnId, text, rating, owner, due } = command;
  return accept({
    type: 'note.added',
    note: newNote(activity, { id, columnId, authorId: author, text, roomId: room.roomId, rating, owner, due }, ctx.now),
  });
}
