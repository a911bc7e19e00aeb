// The UI language: the workshop's, unless this browser chose another. `t` reads it reactively.
// Swedish is bundled; other dictionaries load on demand to keep the phone's download small.
import { sv, type MessageKey } from '../../../shared/i18n/sv.ts';
import type { ErrorCode, Language } from '../../../shared/workshop/model.ts';
import { loadLanguage, saveLanguage } from './storage.ts';

type Dictionary = Record<MessageKey, string>;

const loaders: Record<Exclude<Language, 'sv'>, () => Promise<Dictionary>> = {
  en: () => import('../../../shared/i18n/en.ts').then((m) => m.en),
};

class I18n {
  #workshop = $state<Language | null>(null);
  #override = $state<Language | null>(loadLanguage());
  #dictionaries = $state.raw<Partial<Record<Language, Dictionary>>>({ sv });
  /** The language asked for: this browser's choice, else the workshop's, else Swedish. */
  wanted: Language = $derived(this.#override ?? this.#workshop ?? 'sv');
  /** The language shown: the wanted one once its dictionary is here. */
  lang: Language = $derived(this.#dictionaries[this.wanted] ? this.wanted : 'sv');

  constructor() {
    this.#load(this.wanted);
  }

  get workshopLanguage(): Language | null {
    return this.#workshop;
  }

  /** Set by the page from the workshop (or the join code's answer). */
  set workshopLanguage(lang: Language | null) {
    this.#workshop = lang;
    this.#load(this.wanted);
  }

  choose(lang: Language): void {
    this.#override = lang;
    saveLanguage(lang);
    this.#load(lang);
  }

  text(key: MessageKey, params: Record<string, string | number> = {}): string {
    const text = this.#dictionaries[this.lang]?.[key] ?? sv[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
  }

  #load(lang: Language): void {
    if (lang === 'sv' || this.#dictionaries[lang]) return;
    loaders[lang]()
      .then((dictionary) => (this.#dictionaries = { ...this.#dictionaries, [lang]: dictionary }))
      .catch(() => {
        // Offline before the dictionary came: stay in Swedish.
      });
  }
}

export const i18n = new I18n();

export function t(key: MessageKey, params?: Record<string, string | number>): string {
  return i18n.text(key, params);
}

/** Why a page cannot open its workshop, for a refused handshake. */
export function refusalText(error: ErrorCode): string {
  if (error === 'protocol') return t('error.protocol');
  if (error === 'not_found') return t('fac.notFound');
  if (error === 'removed') return t('conn.removed');
  if (error === 'deleted') return t('error.deleted');
  return t('conn.noAccess');
}

/** A refusal in the UI language; `invalid` keeps the server's detail. */
export function errorText(error: ErrorCode | 'network', message?: string, detail?: string): string {
  if (error === 'invalid' && message) return message;
  return t(`error.${error}`, { detail: detail ?? '' });
}
