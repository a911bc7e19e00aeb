// i18n: one dictionary per language, Swedish the default and the source of keys. Each language
// comes in two parts (what a participant's phone needs, and the staff pages' rest) so that the
// client can load them apart; here, for the server and the exports, they are merged whole.
import type { Language } from '../workshop/model.ts';
import { sv, type MessageKey } from './sv.ts';
import { svStaff } from './sv-staff.ts';
import { en } from './en.ts';
import { enStaff } from './en-staff.ts';

export type { MessageKey };
export const DICTIONARIES: Record<Language, Record<MessageKey, string>> = {
  sv: { ...sv, ...svStaff },
  en: { ...en, ...enStaff },
};
export const DEFAULT_LANGUAGE: Language = 'sv';

/** The text for a key, with `{name}` placeholders filled in. */
export function translate(
  lang: Language,
  key: MessageKey,
  params: Record<string, string | number> = {},
): string {
  const text = (DICTIONARIES[lang] ?? DICTIONARIES.sv)[key] ?? DICTIONARIES.sv[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name: string) =>
    name in params ? String(params[name]) : m,
  );
}
