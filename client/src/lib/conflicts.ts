// What a phone says when a change it made while away meets a workshop that moved on: the note
// it edited was deleted, the vote it cast was closed. The text the person wrote is given back.
// Refusals are told apart by their code and detail, a closed set (shared/protocol.ts).
import type { Refused } from '../../../shared/protocol.ts';
import type { Translate } from '../../../shared/refusal.ts';
import type { Command } from '../../../shared/schema.ts';
import { emptiedColumn } from '../../../shared/workshop/decision.ts';
import type { Workshop } from '../../../shared/workshop/model.ts';

/** A refusal's code and detail: what the page keeps of it. */
export type Refusal = Pick<Refused, 'error' | 'detail'>;

/** A readable reason for a refused command, or null when the plain error text says it well. */
export function conflictText(command: Command, refusal: Refusal, t: Translate): string | null {
  if (refusal.error === 'not_found' && refusal.detail === 'note' && 'noteId' in command) {
    return command.type === 'note.edit'
      ? t('conflict.editGone', { text: command.text })
      : t('conflict.noteGone');
  }
  if (command.type === 'ranking.submit') {
    if (refusal.error === 'voting_closed' || (refusal.error === 'not_found' && refusal.detail === 'voting'))
      return t('conflict.rankingClosed');
    if (refusal.error === 'invalid') return t('conflict.rankingOptions');
  }
  if (command.type === 'points.submit') {
    if (refusal.error === 'voting_closed' || (refusal.error === 'not_found' && refusal.detail === 'voting'))
      return t('conflict.pointsClosed');
    if (refusal.error === 'invalid') return t('conflict.pointsOptions');
  }
  if (command.type === 'vote.cast' && command.delta === 1) {
    if (refusal.error === 'voting_closed' || (refusal.error === 'not_found' && refusal.detail === 'voting'))
      return t('conflict.voteClosed');
    if (refusal.error === 'not_found' && refusal.detail === 'option') return t('conflict.optionGone');
  }
  return null;
}

/** The title of the column a refused `activity.update` would have emptied, as this page sees it. */
export function emptiedTitle(command: Command, workshop: Workshop | null): string | undefined {
  if (command.type !== 'activity.update' || !command.columns || !workshop) return undefined;
  const activity = workshop.activities.find((a) => a.id === command.activityId);
  return activity && emptiedColumn(workshop, activity, command.columns)?.title;
}
