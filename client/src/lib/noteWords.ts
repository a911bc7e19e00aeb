// A note in words for a screen or a label: a rating on its own has no text, so it is told by its
// rating ("Betyg: 5 – Mycket bra"), never as an empty line or an empty quote.
import type { MessageKey } from '../../../shared/i18n/sv.ts';
import { t } from './i18n.svelte.ts';

/** "Betyg: 5 – Mycket bra". */
export const ratingLine = (rating: number) => t('rating.line', { n: rating, word: t(`rating.${rating}` as MessageKey) });

/** The note's text, shortened to `max` characters, or its rating when it has no text. */
export function noteWords(note: { text: string; rating?: number }, max: number): string {
  const text = note.text.trim();
  if (!text) return note.rating ? ratingLine(note.rating) : '';
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
