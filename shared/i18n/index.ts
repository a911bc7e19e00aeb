// i18n: one dictionary per language, Swedish the default and the source of keys.
import type { Language } from '../workshop/model.ts';
import { sv, type MessageKey } from './sv.ts';
import { en } from './en.ts';

export type { MessageKey };
export const DICTIONARIES: Record<Language, Record<MessageKey, string>> = { sv, en };
export const DEFAULT_LANGUAGE: Language = 'sv';

/** The text for a key, with `{name}` placeholders filled in. */
export function translate(
  lang: Language,
  key: MessageKey,
  params: Record<string, string | number> = {},
): string {
  const text = (DICTIONARIES[lang] ?? sv)[key] ?? sv[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name: string) =>
    name in params ? String(params[name]) : m,
  );
}
