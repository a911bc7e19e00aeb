// What a phone says when a change it made while away meets a workshop that moved on: the note
// it edited was deleted, the vote it cast was closed. The text the person wrote is given back.
import type { Command } from '../../../shared/schema.ts';
import type { MessageKey } from '../../../shared/i18n/sv.ts';
import type { ErrorCode } from '../../../shared/workshop/model.ts';

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** A readable reason for a refused command, or null when the plain error text says it well. */
export function conflictText(command: Command, error: ErrorCode, detail: string | undefined, t: Translate): string | null {
  if (error === 'not_found' && detail === 'note' && 'noteId' in command) {
    return command.type === 'note.edit'
      ? t('conflict.editGone', { text: command.text })
      : t('conflict.noteGone');
  }
  if (command.type === 'vote.cast' && command.delta === 1) {
    if (error === 'voting_closed' || (error === 'not_found' && detail === 'voting')) return t('conflict.voteClosed');
    if (error === 'not_found' && detail === 'option') return t('conflict.optionGone');
  }
  return null;
}
