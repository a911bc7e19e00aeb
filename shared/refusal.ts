// A refusal in words: the one place that turns an error code and its detail into a sentence,
// for the server's `message` (in the workshop's language) and the client's own texts (in the
// page's). Codes and details are closed sets (protocol.ts), so every pair has its wording here.
import { sv, type MessageKey } from './i18n/sv.ts';
import { MAX_MESSAGE_BYTES, type Detail } from './protocol.ts';
import type { InvalidReason } from './schema.ts';
import { LIMITS, type ErrorCode } from './workshop/model.ts';

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** What a text is made from: the refusal, and what only the sender knows of it. */
export interface Wording {
  error: ErrorCode;
  detail?: Detail;
  /** `invalid` on a field: why (from `parse`); without it the text names the field only. */
  reason?: InvalidReason;
  max?: number;
  /** `column_not_empty`: the column's title, where the sender knows which one. */
  title?: string;
}

const LIMIT_OF = {
  activities: LIMITS.activities,
  notes: LIMITS.notesPerWorkshop,
  themes: LIMITS.themes,
  participants: LIMITS.participants,
  absentees: LIMITS.absentees,
} as const;

const isKey = (key: string): key is MessageKey => Object.hasOwn(sv, key);

export function refusalMessage(t: Translate, wording: Wording): string {
  const { error, detail } = wording;
  if (error === 'invalid') return invalidText(t, wording);
  if (error === 'column_not_empty' && wording.title) return t('error.column_not_empty.named', { title: wording.title });
  const params = {
    detail: '',
    ...(error === 'too_large' && detail && detail in MAX_MESSAGE_BYTES && { kib: MAX_MESSAGE_BYTES[detail as keyof typeof MAX_MESSAGE_BYTES] / 1024 }),
    ...(error === 'limit' && detail && detail in LIMIT_OF && { max: LIMIT_OF[detail as keyof typeof LIMIT_OF] }),
  };
  const specific = `error.${error}.${detail}`;
  return t(detail && isKey(specific) ? specific : `error.${error}`, params);
}

/** A rule the input breaks, or a field people type, has its own sentence; any other field is named with why it failed. */
function invalidText(t: Translate, { detail, reason, max }: Wording): string {
  const rule = `error.invalid.${detail}`;
  if (detail && detail !== 'payload' && isKey(rule)) return t(rule);
  if (!detail || detail === 'payload') return t('error.invalid.payload');
  if (!reason) return t('error.invalid.named', { field: detail });
  return t('error.invalid.field', { field: detail, reason: t(`invalid.${reason}`, { max: max ?? '' }) });
}
