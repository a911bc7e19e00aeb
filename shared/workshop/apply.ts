// apply(state, event) -> state: the one fold used by server, client and exports. Pure and total:
// an event that no longer fits (its note or activity is gone from this view) changes nothing.
// `applyInPlace` is the same rules for a state only its owner holds (the server's cache, a
// store folding a snapshot): the big records (notes, participants, ballots) are changed where
// they are instead of copied, so an event costs the same in a workshop of 20,000 notes as in
// one of 20. The state passed in must not be used again afterwards.
import type { WorkshopEvent } from './events.ts';
import type { Activity, Breakout, Note, Room, Workshop } from './model.ts';
import { applyScale } from './scale.ts';

/** How one entry of a record is set or removed: copying (the default) or in place. */
interface Put {
  <T>(record: Record<string, T>, key: string, value: T | undefined): Record<string, T>;
}

const copying: Put = (record, key, value) => {
  if (value !== undefined) return { ...record, [key]: value };
  const { [key]: _gone, ...rest } = record;
  return rest;
};

/**
 * How many notes each notes record holds, once counted: adding a note must check the
 * workshop's limit, and counting the keys of 20,000 notes costs milliseconds each time.
 * `apply` keeps the count of the record it makes; a record made otherwise is counted anew.
 */
const noteCounts = new WeakMap<object, number>();

export function noteCount(state: Pick<Workshop, 'notes'>): number {
  let count = noteCounts.get(state.notes);
  if (count === undefined) noteCounts.set(state.notes, (count = Object.keys(state.notes).length));
  return count;
}

function countedNotes(before: Workshop['notes'], after: Workshop['notes'], delta: number): Workshop['notes'] {
  const count = noteCounts.get(before);
  if (count !== undefined) noteCounts.set(after, count + delta);
  return after;
}

const inPlace: Put = (record, key, value) => {
  if (value === undefined) delete record[key];
  else record[key] = value;
  return record;
};

export function initialState(event: Extract<WorkshopEvent, { type: 'workshop.created' }>): Workshop {
  return {
    ...event.workshop,
    closedAt: null,
    timer: null,
    announcement: null,
    themes: {},
    ballots: {},
    participants: {},
    notes: {},
    seq: 0,
  };
}

function mapActivity(state: Workshop, id: string, f: (a: Activity) => Activity): Workshop {
  if (!state.activities.some((a) => a.id === id)) return state;
  return { ...state, activities: state.activities.map((a) => (a.id === id ? f(a) : a)) };
}

function mapBreakout(state: Workshop, activityId: string, f: (b: Breakout) => Breakout): Workshop {
  return mapActivity(state, activityId, (a) => (a.breakout ? { ...a, breakout: f(a.breakout) } : a));
}

function mapRooms(state: Workshop, activityId: string, f: (r: Room) => Room): Workshop {
  return mapBreakout(state, activityId, (b) => ({ ...b, rooms: b.rooms.map(f) }));
}

/** Dots on an option that is gone go back to the voters. */
function withoutOption(state: Workshop, activityId: string, optionId: string, put: Put): Workshop {
  const activityBallots = state.ballots[activityId];
  if (!activityBallots) return state;
  const cleaned = Object.fromEntries(
    Object.entries(activityBallots).map(([pid, ballot]) => [pid, without(ballot, () => true, optionId)]),
  );
  return { ...state, ballots: put(state.ballots, activityId, cleaned) };
}

function mapNote(state: Workshop, id: string, f: (n: Note) => Note, put: Put): Workshop {
  const note = state.notes[id];
  return note ? { ...state, notes: put(state.notes, id, f(note)) } : state;
}

function without<T>(record: Record<string, T>, keep: (value: T) => boolean, dropKey?: string): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter(([key, value]) => key !== dropKey && keep(value)));
}

function moveItem<T>(items: T[], from: number, to: number): T[] {
  const copy = items.slice();
  const [item] = copy.splice(from, 1);
  copy.splice(Math.max(0, Math.min(to, copy.length)), 0, item);
  return copy;
}

function step(state: Workshop, event: WorkshopEvent, seq: number, put: Put): Workshop {
  switch (event.type) {
    case 'workshop.created':
      return initialState(event);
    case 'workshop.updated':
      return { ...state, ...event.info };
    case 'workshop.closed':
      return { ...state, status: 'closed', closedAt: event.at };
    case 'workshop.reopened':
      return { ...state, status: 'open', closedAt: null };
    case 'participant.joined':
      return {
        ...state,
        participants: put(state.participants, event.participant.id, event.participant),
      };
    case 'participant.removed': {
      const p = state.participants[event.participantId];
      if (!p) return state;
      return { ...state, participants: put(state.participants, p.id, { ...p, removed: true }) };
    }
    case 'participant.updated': {
      const p = state.participants[event.participantId];
      if (!p) return state;
      const corrected = {
        ...p,
        ...(event.name !== undefined && { name: event.name }),
        ...(event.organisation !== undefined && { organisation: event.organisation }),
        ...(event.orgKind !== undefined && { orgKind: event.orgKind }),
      };
      return { ...state, participants: put(state.participants, p.id, corrected) };
    }
    case 'activity.added': {
      if (state.activities.some((a) => a.id === event.activity.id)) return state;
      const activities = state.activities.slice();
      activities.splice(Math.min(event.index, activities.length), 0, event.activity);
      return { ...state, activities };
    }
    case 'activity.updated':
      return mapActivity(state, event.activityId, (a) => ({
        ...a,
        ...(event.title !== undefined && { title: event.title }),
        ...(event.columns !== undefined && { columns: event.columns }),
        ...(event.anonymous !== undefined && { anonymous: event.anonymous }),
        ...(event.hidden !== undefined && { hidden: event.hidden }),
        ...(event.summary !== undefined && { summary: event.summary }),
        ...(event.intro !== undefined && { intro: event.intro }),
      }));
    case 'activity.moved': {
      const from = state.activities.findIndex((a) => a.id === event.activityId);
      if (from < 0) return state;
      return { ...state, activities: moveItem(state.activities, from, event.index) };
    }
    case 'activity.removed':
      return {
        ...state,
        activities: state.activities.filter((a) => a.id !== event.activityId),
        notes: without(state.notes, (n) => n.activityId !== event.activityId),
        themes: without(state.themes, (t) => t.activityId !== event.activityId),
        ballots: without(state.ballots, () => true, event.activityId),
        ...(state.scaleAnswers && { scaleAnswers: without(state.scaleAnswers, () => true, event.activityId) }),
        ...(state.words && { words: without(state.words, () => true, event.activityId) }),
        ...(state.hiddenWords && { hiddenWords: without(state.hiddenWords, () => true, event.activityId) }),
        currentActivityId:
          state.currentActivityId === event.activityId ? null : state.currentActivityId,
        ...(state.projectorFocus?.activityId === event.activityId && { projectorFocus: null }),
      };
    case 'activity.focused':
      // Another activity on every screen: the projector shows it whole.
      return { ...state, currentActivityId: event.activityId, ...(state.projectorFocus && { projectorFocus: null }) };
    case 'activity.locked':
      return mapActivity(state, event.activityId, (a) => ({ ...a, locked: event.locked }));
    case 'note.added': {
      if (state.notes[event.note.id]) return state;
      // The promise made when it was written holds (see Note.anonymous).
      const anonymous = state.activities.find((a) => a.id === event.note.activityId)?.anonymous;
      return {
        ...state,
        notes: countedNotes(
          state.notes,
          put(state.notes, event.note.id, {
            ...event.note,
            roomId: event.note.roomId ?? null,
            themeId: event.note.themeId ?? null,
            order: seq,
            ...((anonymous || event.note.anonymous) && { anonymous: true as const }),
          }),
          1,
        ),
      };
    }
    case 'note.edited':
      return mapNote(state, event.noteId, (n) => {
        // `rating: null` takes the rating away.
        const { rating: _, ...unrated } = n;
        return {
          ...(event.rating === null ? unrated : n),
          text: event.text,
          ...(event.owner !== undefined && { owner: event.owner }),
          ...(event.due !== undefined && { due: event.due }),
          ...(typeof event.rating === 'number' && { rating: event.rating }),
          updatedAt: event.at,
        };
      }, put);
    case 'note.moved':
      return mapNote(state, event.noteId, (n) => ({ ...n, columnId: event.columnId, updatedAt: event.at }), put);
    case 'note.deleted':
      return state.notes[event.noteId]
        ? {
            ...withoutOption(state, event.activityId, event.noteId, put),
            notes: countedNotes(state.notes, put(state.notes, event.noteId, undefined), -1),
          }
        : state;
    case 'note.grouped':
      return mapNote(state, event.noteId, (n) => ({ ...n, themeId: event.themeId }), put);
    case 'theme.created':
      return { ...state, themes: { ...state.themes, [event.theme.id]: event.theme } };
    case 'theme.renamed': {
      const theme = state.themes[event.themeId];
      return theme ? { ...state, themes: { ...state.themes, [theme.id]: { ...theme, name: event.name } } } : state;
    }
    case 'theme.deleted': {
      const theme = state.themes[event.themeId];
      if (!theme) return state;
      // Ungrouping keeps the notes; they go back to their columns.
      const notes = Object.fromEntries(
        Object.entries(state.notes).map(([id, n]) => [id, n.themeId === theme.id ? { ...n, themeId: null } : n]),
      );
      return {
        ...withoutOption(state, theme.activityId, theme.id, put),
        notes,
        themes: without(state.themes, (t) => t.id !== theme.id),
      };
    }
    case 'voting.started':
      return mapActivity(
        { ...state, ballots: put(state.ballots, event.activityId, {}) },
        event.activityId,
        (a) => ({ ...a, voting: event.voting }),
      );
    case 'voting.changed': {
      const { type: _type, activityId, ...change } = event;
      return mapActivity(state, activityId, (a) => (a.voting ? { ...a, voting: { ...a.voting, ...change } } : a));
    }
    case 'vote.cast': {
      const activityBallots = state.ballots[event.activityId] ?? {};
      const mine = activityBallots[event.participantId] ?? {};
      const dots = Math.max(0, (mine[event.optionId] ?? 0) + event.delta);
      const ballot = without({ ...mine, [event.optionId]: dots }, (n) => n > 0);
      return { ...state, ballots: put(state.ballots, event.activityId, put(activityBallots, event.participantId, ballot)) };
    }
    case 'ballot.set': {
      const activityBallots = state.ballots[event.activityId] ?? {};
      return { ...state, ballots: put(state.ballots, event.activityId, put(activityBallots, event.participantId, event.ballot)) };
    }
    case 'wordcloud.started':
      return mapActivity(state, event.activityId, (a) => ({ ...a, wordCloud: event.wordCloud }));
    case 'wordcloud.changed': {
      const { type: _type, activityId, ...change } = event;
      return mapActivity(state, activityId, (a) => (a.wordCloud ? { ...a, wordCloud: { ...a.wordCloud, ...change } } : a));
    }
    case 'words.sent': {
      if (!state.activities.some((a) => a.id === event.activityId)) return state;
      const words = state.words ?? {};
      const activityWords = put(words[event.activityId] ?? {}, event.participantId, event.words);
      return { ...state, words: put(words, event.activityId, activityWords) };
    }
    case 'word.hidden': {
      const hidden = (state.hiddenWords?.[event.activityId] ?? []).filter((w) => w !== event.word);
      if (event.hidden) hidden.push(event.word);
      return { ...state, hiddenWords: { ...state.hiddenWords, [event.activityId]: hidden } };
    }
    case 'breakout.opened':
      return mapActivity(state, event.activityId, (a) => ({ ...a, breakout: event.breakout }));
    case 'breakout.closed':
      return mapBreakout(state, event.activityId, (b) => ({ ...b, open: false, closedAt: event.at }));
    case 'room.joined':
      return mapRooms(state, event.activityId, (r) => {
        const others = r.members.filter((id) => id !== event.participantId);
        if (r.id === event.roomId) return { ...r, members: [...others, event.participantId] };
        // A reporter who moves out no longer reports for the room they left.
        return { ...r, members: others, reporterId: r.reporterId === event.participantId ? null : r.reporterId };
      });
    case 'room.updated': {
      const { type: _type, activityId, roomId, ...fields } = event;
      return mapRooms(state, activityId, (r) => (r.id === roomId ? { ...r, ...fields } : r));
    }
    case 'scale.started':
    case 'scale.changed':
    case 'scale.answered':
      return applyScale(state, event);
    case 'timer.set':
      return { ...state, timer: event.timer };
    case 'announcement.set':
      return { ...state, announcement: event.announcement };
    case 'projector.focused':
      return { ...state, projectorFocus: event.focus };
    case 'absentee.added': {
      const absentees = state.absentees ?? [];
      if (absentees.some((a) => a.id === event.absentee.id)) return state;
      return { ...state, absentees: [...absentees, event.absentee] };
    }
    case 'absentee.removed':
      return state.absentees?.some((a) => a.id === event.absenteeId)
        ? { ...state, absentees: state.absentees.filter((a) => a.id !== event.absenteeId) }
        : state;
  }
}

/** Apply one event with its sequence number. Events at or below the state's seq are skipped. */
export function apply(state: Workshop, event: WorkshopEvent, seq: number): Workshop {
  if (seq <= state.seq) return state;
  return { ...step(state, event, seq, copying), seq };
}

/** `apply` for a state nobody else holds: its records change in place (see the top of the file). */
export function applyInPlace(state: Workshop, event: WorkshopEvent, seq: number): Workshop {
  if (seq <= state.seq) return state;
  return { ...step(state, event, seq, inPlace), seq };
}

/**
 * Rebuild a workshop from its history: all of it, or the events after a state saved earlier
 * (which is then consumed, as with `applyInPlace`).
 */
export function fold(events: Array<{ seq: number; event: WorkshopEvent }>, from: Workshop | null = null): Workshop | null {
  let state: Workshop | null = from;
  for (const { seq, event } of events) {
    if (!state) {
      if (event.type !== 'workshop.created') return null;
      state = { ...initialState(event), seq };
    } else state = applyInPlace(state, event, seq);
  }
  return state;
}
