// The rules of dot voting, themes and options: the part of `decide` that turns a wall of notes
// into priorities. Same contract as decide.ts: guard clauses, refusals as values.
import type { Command } from '../schema.ts';
import { noteCount } from './apply.ts';
import { accept, findActivity, mayWrite, refuse, type DecideContext, type Decision } from './decision.ts';
import type { WorkshopEvent } from './events.ts';
import { FACILITATOR_ID, LIMITS, type Actor, type Workshop } from './model.ts';
import { isRanking } from './ranking.ts';
import { isPoints } from './points.ts';
import { canSee } from './view.ts';
import { dotsUsed, optionsOf } from './voting.ts';

type VotingCommand = Extract<
  Command,
  { type: 'note.group' | `theme.${string}` | `voting.${string}` | 'results.reveal' | 'vote.cast' | 'options.import' }
>;

export function decideVoting(state: Workshop, command: VotingCommand, actor: Actor, ctx: DecideContext): Decision {
  switch (command.type) {
    case 'note.group': {
      const note = state.notes[command.noteId];
      if (!note) return refuse('not_found', 'note');
      if (command.themeId !== null && state.themes[command.themeId]?.activityId !== note.activityId)
        return refuse('not_found', 'theme');
      if (note.themeId === command.themeId) return accept();
      return accept({ type: 'note.grouped', noteId: note.id, activityId: note.activityId, themeId: command.themeId });
    }
    case 'theme.create': {
      if (!findActivity(state, command.activityId)) return refuse('not_found', 'activity');
      if (state.themes[command.themeId]) return refuse('exists', 'theme');
      if (Object.keys(state.themes).length >= LIMITS.themes) return refuse('limit', 'themes');
      const notes = command.noteIds.map((id) => state.notes[id]);
      if (notes.some((n) => !n || n.activityId !== command.activityId)) return refuse('not_found', 'note');
      const theme = { id: command.themeId, activityId: command.activityId, name: command.name };
      return accept(
        { type: 'theme.created', theme },
        ...notes.map((n): WorkshopEvent => ({ type: 'note.grouped', noteId: n!.id, activityId: n!.activityId, themeId: theme.id })),
      );
    }
    case 'theme.rename': {
      const theme = state.themes[command.themeId];
      if (!theme) return refuse('not_found', 'theme');
      return theme.name === command.name ? accept() : accept({ type: 'theme.renamed', themeId: theme.id, name: command.name });
    }
    case 'theme.delete':
      if (!state.themes[command.themeId]) return refuse('not_found', 'theme');
      return accept({ type: 'theme.deleted', themeId: command.themeId });
    case 'voting.start': {
      const activity = findActivity(state, command.activityId);
      if (!activity) return refuse('not_found', 'activity');
      // Settings can be corrected until the first dot is placed; after that the vote stands.
      const dotsPlaced = Object.values(state.ballots[activity.id] ?? {}).some((b) => Object.keys(b).length > 0);
      if (activity.voting && dotsPlaced) return refuse('exists', 'voting');
      const voting = {
        target: command.target ?? 'notes',
        dotsPerPerson: command.dotsPerPerson,
        maxPerOption: Math.min(command.maxPerOption, command.dotsPerPerson),
        open: true,
        live: command.live ?? false,
        revealed: false,
        ...(command.budget !== undefined && { budget: command.budget }),
      } as const;
      return accept({ type: 'voting.started', activityId: activity.id, voting });
    }
    case 'voting.close':
    case 'voting.reopen': {
      const voting = findActivity(state, command.activityId)?.voting;
      if (!voting) return refuse('not_found', 'voting');
      const open = command.type === 'voting.reopen';
      return voting.open === open ? accept() : accept({ type: 'voting.changed', activityId: command.activityId, open });
    }
    case 'results.reveal': {
      const voting = findActivity(state, command.activityId)?.voting;
      if (!voting) return refuse('not_found', 'voting');
      if (voting.revealed === command.revealed) return accept();
      return accept({ type: 'voting.changed', activityId: command.activityId, revealed: command.revealed });
    }
    case 'vote.cast':
      return castVote(state, command, actor);
    case 'options.import':
      return importOptions(state, command, ctx);
  }
}

function castVote(state: Workshop, command: Extract<Command, { type: 'vote.cast' }>, actor: Actor): Decision {
  if (actor.role !== 'participant') return refuse('forbidden', 'participant_only');
  const activity = findActivity(state, command.activityId);
  const voting = activity?.voting;
  // A ranking or points are answered whole (`ranking.submit`, `points.submit`), never a dot at a time.
  if (!activity || !voting || isRanking(activity.kind) || isPoints(activity.kind)) return refuse('not_found', 'voting');
  // A dot is a write like a note: only on what the room is doing now, never once it is locked.
  const denied = mayWrite(state, activity, actor);
  if (denied) return denied;
  if (!voting.open) return refuse('voting_closed');
  // Checked against the options as they are now: a dot never lands on a removed option.
  if (!optionsOf(state, activity).some((o) => o.id === command.optionId)) return refuse('not_found', 'option');
  // A note the voter may not see (hidden, or in another room) is not theirs to vote on.
  const note = state.notes[command.optionId];
  if (note && !canSee(state, note, actor)) return refuse('not_found', 'option');
  const mine = state.ballots[activity.id]?.[actor.participantId]?.[command.optionId] ?? 0;
  if (command.delta === -1 && mine === 0) return accept();
  if (command.delta === 1) {
    if (dotsUsed(state, activity.id, actor.participantId) >= voting.dotsPerPerson) return refuse('no_dots_left');
    if (mine >= voting.maxPerOption) return refuse('option_full');
  }
  return accept({
    type: 'vote.cast',
    activityId: activity.id,
    participantId: actor.participantId,
    optionId: command.optionId,
    delta: command.delta,
  });
}

/** Copies of an earlier activity's notes or themes become options (e.g. the SWOT's opportunities). */
function importOptions(state: Workshop, command: Extract<Command, { type: 'options.import' }>, ctx: DecideContext): Decision {
  const target = findActivity(state, command.activityId);
  const source = findActivity(state, command.fromActivityId);
  if (!target || !source) return refuse('not_found', 'activity');
  const columnId = target.columns[0].id;
  const texts =
    command.what === 'themes'
      ? Object.values(state.themes).filter((t) => t.activityId === source.id).map((t) => ({ id: t.id, text: t.name }))
      : Object.values(state.notes)
          .filter((n) => n.activityId === source.id && (!command.columnId || n.columnId === command.columnId))
          .sort((a, b) => a.order - b.order)
          .map((n) => ({ id: n.id, text: n.text }));
  // Ids made from the pair (option list, source), so importing twice adds nothing twice.
  const events: WorkshopEvent[] = texts
    .map(({ id, text }) => ({ id: `${target.id.slice(0, 18)}-${id}`.slice(0, 40), text }))
    .filter(({ id }) => !state.notes[id])
    .map(({ id, text }) => ({
      type: 'note.added',
      note: {
        id,
        activityId: target.id,
        columnId,
        authorId: FACILITATOR_ID,
        text,
        roomId: null,
        themeId: null,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      },
    }));
  if (noteCount(state) + events.length > LIMITS.notesPerWorkshop) return refuse('limit', 'notes');
  return accept(...events);
}
