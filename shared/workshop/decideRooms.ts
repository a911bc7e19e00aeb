// The rules of breakout rooms, the timer and announcements: the part of `decide` that runs a
// workshop in small groups. Same contract as decide.ts: guard clauses, refusals as values.
import type { Command } from '../schema.ts';
import { accept, findActivity, refuse, type DecideContext, type Decision, type Refusal } from './decision.ts';
import type { WorkshopEvent } from './events.ts';
import { roomOf, type Activity, type Actor, type Breakout, type Room, type Timer, type Workshop } from './model.ts';
import { placeLateJoiner } from './rooms.ts';

type RoomCommand = Extract<
  Command,
  { type: `breakout.${string}` | `room.${string}` | `timer.${string}` | `announcement.${string}` }
>;

export function decideRooms(state: Workshop, command: RoomCommand, actor: Actor, ctx: DecideContext): Decision {
  switch (command.type) {
    case 'breakout.open':
      return openRooms(state, command, ctx);
    case 'breakout.close': {
      const activity = findActivity(state, command.activityId);
      if (!activity) return refuse('not_found', 'activity');
      if (!activity.breakout?.open) return accept();
      return accept({ type: 'breakout.closed', activityId: activity.id, at: ctx.now });
    }
    case 'room.join': {
      if (actor.role !== 'participant') return refuse('forbidden', 'participant_only');
      const found = findRoom(state, command.activityId, command.roomId);
      if ('error' in found) return found;
      const { breakout, room } = found;
      if (!breakout.open) return refuse('not_current', 'breakout');
      if (breakout.assignment !== 'selfSelect') return refuse('forbidden', 'assignment');
      if (room.members.includes(actor.participantId)) return accept();
      if (breakout.cap !== null && room.members.length >= breakout.cap) return refuse('room_full');
      return accept({ type: 'room.joined', activityId: command.activityId, roomId: room.id, participantId: actor.participantId });
    }
    case 'room.move': {
      const found = findRoom(state, command.activityId, command.roomId);
      if ('error' in found) return found;
      // After closing, the rooms are the record of who was where: they no longer change.
      if (!found.breakout.open) return refuse('not_current', 'breakout');
      const p = state.participants[command.participantId];
      if (!p || p.removed) return refuse('not_found', 'participant');
      if (found.room.members.includes(p.id)) return accept();
      return accept({ type: 'room.joined', activityId: command.activityId, roomId: found.room.id, participantId: p.id });
    }
    case 'room.update': {
      const found = findRoom(state, command.activityId, command.roomId);
      if ('error' in found) return found;
      const { room } = found;
      const { name, reporterId, videoUrl, summary } = command;
      if (actor.role === 'participant') {
        // The reporter writes the room's summary; everything else is the facilitator's.
        const onlySummary = name === undefined && reporterId === undefined && videoUrl === undefined;
        if (room.reporterId !== actor.participantId || !onlySummary) return refuse('forbidden', 'reporter');
      }
      if (reporterId && !room.members.includes(reporterId)) return refuse('invalid', 'reporter_not_member');
      const change = Object.fromEntries(
        Object.entries({ name, reporterId, videoUrl, summary }).filter(
          ([key, value]) => value !== undefined && value !== room[key as keyof Room],
        ),
      );
      if (!Object.keys(change).length) return accept();
      return accept({ type: 'room.updated', activityId: command.activityId, roomId: room.id, ...change });
    }
    case 'timer.start':
    case 'timer.pause':
    case 'timer.resume':
    case 'timer.add':
    case 'timer.stop': {
      const timer = nextTimer(state.timer, command, ctx.now);
      return timer === state.timer ? accept() : accept({ type: 'timer.set', timer });
    }
    case 'announcement.send':
      return accept({ type: 'announcement.set', announcement: { text: command.text, at: ctx.now } });
    case 'announcement.clear':
      return state.announcement ? accept({ type: 'announcement.set', announcement: null }) : accept();
  }
}

function openRooms(state: Workshop, command: Extract<Command, { type: 'breakout.open' }>, ctx: DecideContext): Decision {
  const activity = findActivity(state, command.activityId);
  if (!activity) return refuse('not_found', 'activity');
  if (state.currentActivityId !== activity.id) return refuse('not_current', 'activity');
  if (state.activities.some((a) => a.breakout?.open)) return refuse('breakout_open');
  if (activity.breakout) return refuse('exists', 'breakout');
  const roomIds = new Set(command.rooms.map((r) => r.id));
  if (roomIds.size !== command.rooms.length) return refuse('invalid', 'duplicate_rooms');
  // Visibility goes by room id: a reused id would hide an earlier breakout's report-back.
  if (state.activities.some((a) => a.breakout?.rooms.some((r) => roomIds.has(r.id)))) return refuse('exists', 'room');
  const placed = new Set<string>();
  for (const draft of command.rooms) {
    for (const id of draft.members) {
      const p = state.participants[id];
      if (!p || p.removed) return refuse('invalid', 'unknown_member');
      if (placed.has(id)) return refuse('invalid', 'member_twice');
      placed.add(id);
    }
    if (draft.reporterId && !draft.members.includes(draft.reporterId))
      return refuse('invalid', 'reporter_not_member');
  }
  const rooms: Room[] = command.rooms.map((r) => ({
    id: r.id,
    name: r.name,
    members: [...r.members],
    reporterId: r.reporterId ?? null,
    videoUrl: r.videoUrl ?? '',
    summary: '',
  }));
  const breakout: Breakout = {
    rooms,
    assignment: command.assignment,
    cap: command.assignment === 'selfSelect' ? (command.cap ?? null) : null,
    open: true,
    openedAt: ctx.now,
    closedAt: null,
  };
  // Whoever joined after the facilitator's preview is placed by the same rule as a latecomer.
  for (const p of Object.values(state.participants)) {
    if (p.removed || placed.has(p.id)) continue;
    const roomId = placeLateJoiner(breakout.rooms, breakout.assignment, p, (id) => state.participants[id]);
    breakout.rooms.find((r) => r.id === roomId)?.members.push(p.id);
  }
  return accept({ type: 'breakout.opened', activityId: activity.id, breakout });
}

function findRoom(state: Workshop, activityId: string, roomId: string): { breakout: Breakout; room: Room } | Refusal {
  const breakout = findActivity(state, activityId)?.breakout;
  if (!breakout) return refuse('not_found', 'breakout');
  const room = breakout.rooms.find((r) => r.id === roomId);
  return room ? { breakout, room } : refuse('not_found', 'room');
}

/** The events that put a newly joined participant in a room, if a breakout is open. */
export function placeNewcomer(state: Workshop, participantId: string): WorkshopEvent[] {
  const activity = state.activities.find((a) => a.breakout?.open);
  const p = state.participants[participantId];
  if (!activity?.breakout || !p || roomOf(activity.breakout, p.id)) return [];
  const roomId = placeLateJoiner(activity.breakout.rooms, activity.breakout.assignment, p, (id) => state.participants[id]);
  return roomId ? [{ type: 'room.joined', activityId: activity.id, roomId, participantId: p.id }] : [];
}

/** Which room a new note goes in: the author's own during a breakout, else the plenary. */
export function noteRoom(
  activity: Activity,
  requested: string | null | undefined,
  actor: Actor,
): { ok: true; roomId: string | null } | Refusal {
  const breakout = activity.breakout;
  if (actor.role === 'facilitator') {
    if (!requested) return { ok: true, roomId: null };
    return breakout?.rooms.some((r) => r.id === requested) ? { ok: true, roomId: requested } : refuse('not_found', 'room');
  }
  if (!breakout?.open) return requested ? refuse('forbidden', 'room') : { ok: true, roomId: null };
  const mine = roomOf(breakout, actor.participantId);
  if (!mine) return refuse('no_room');
  if (requested && requested !== mine.id) return refuse('forbidden', 'room');
  return { ok: true, roomId: mine.id };
}

type TimerCommand = Extract<Command, { type: `timer.${string}` }>;

/** The timer after a command; the same object when nothing changes. Server clock only. */
export function nextTimer(timer: Timer | null, command: TimerCommand, now: number): Timer | null {
  const left = (t: Timer) => (t.endsAt === null ? t.remainingMs : Math.max(0, t.endsAt - now));
  switch (command.type) {
    case 'timer.start': {
      const ms = command.seconds * 1000;
      return { endsAt: now + ms, remainingMs: ms, durationMs: ms };
    }
    case 'timer.pause':
      return timer?.endsAt != null ? { ...timer, endsAt: null, remainingMs: left(timer) } : timer;
    case 'timer.resume':
      return timer && timer.endsAt === null ? { ...timer, endsAt: now + timer.remainingMs } : timer;
    case 'timer.add': {
      if (!timer) return timer;
      const remaining = Math.max(0, left(timer) + command.seconds * 1000);
      return {
        durationMs: Math.max(0, timer.durationMs + command.seconds * 1000),
        remainingMs: remaining,
        endsAt: timer.endsAt === null ? null : now + remaining,
      };
    }
    case 'timer.stop':
      return timer ? null : timer;
  }
}
