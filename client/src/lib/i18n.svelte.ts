// The UI language: the workshop's, unless this browser chose another. `t` reads it reactively.
// Only the phone part of the Swedish dictionary is bundled: the staff part (for the facilitator,
// create, projector and accessibility pages) and English load on demand, to keep the phone's
// download small.
import { untrack } from 'svelte';
import { sv, type MessageKey } from '../../../shared/i18n/sv.ts';
import type { Detail } from '../../../shared/protocol.ts';
import { refusalMessage } from '../../../shared/refusal.ts';
import type { ErrorCode, Language } from '../../../shared/workshop/model.ts';
import { loadLanguage, saveLanguage } from './storage.ts';

/** A dictionary's parts: what a participant's page needs, and what only staff pages need. */
export type Part = 'phone' | 'staff';
type Strings = Partial<Record<MessageKey, string>>;

const loaders: Record<Language, Record<Part, () => Promise<Strings>>> = {
  sv: {
    phone: () => Promise.resolve(sv),
    staff: () => import('../../../shared/i18n/sv-staff.ts').then((m) => m.svStaff),
  },
  en: {
    phone: () => import('../../../shared/i18n/en.ts').then((m) => m.en),
    staff: () => import('../../../shared/i18n/en-staff.ts').then((m) => m.enStaff),
  },
};

class I18n {
  #workshop = $state<Language | null>(null);
  #override = $state<Language | null>(loadLanguage());
  #parts = $state.raw<Partial<Record<Language, Partial<Record<Part, Strings>>>>>({ sv: { phone: sv } });
  #shown = $state<Language>('sv');
  /** Parts asked for: every language wanted gets them. */
  #asked = new Set<Part>(['phone']);
  /** Parts pages may show now: the language shown has every one of them. */
  #inUse = new Set<Part>(['phone']);
  /** Loads started, by `lang.part`; a failed one is forgotten so that it is tried again. */
  #loading = new Map<string, Promise<void>>();
  /** The language asked for: this browser's choice, else the workshop's, else Swedish. */
  wanted: Language = $derived(this.#override ?? this.#workshop ?? 'sv');

  constructor() {
    this.#loadAll(this.wanted);
  }

  /**
   * The language shown: the wanted one once every part in use is here for it; until then the
   * one shown before, so a page never mixes two languages.
   */
  get lang(): Language {
    return this.#shown;
  }

  get workshopLanguage(): Language | null {
    return this.#workshop;
  }

  /** Set by the page from the workshop (or the join code's answer), often inside an effect. */
  set workshopLanguage(lang: Language | null) {
    this.#workshop = lang;
    untrack(() => this.#loadAll(this.wanted));
  }

  choose(lang: Language): void {
    this.#override = lang;
    saveLanguage(lang);
    this.#loadAll(lang);
  }

  /**
   * Brings a part into use, for a page that shows its strings: resolves once the Swedish part
   * (the fallback) is here and the wanted language's has come or failed; rejects if the Swedish
   * one cannot be had. Later language changes load it too.
   */
  need(part: Part): Promise<void> {
    this.#asked.add(part);
    const fallback = this.#load('sv', part);
    const wanted = this.#load(untrack(() => this.wanted), part).catch(() => {
      // Offline before it came: the page shows Swedish until it does.
    });
    return Promise.all([fallback, wanted]).then(() => {
      this.#inUse.add(part);
      this.#settle();
    });
  }

  text(key: MessageKey, params: Record<string, string | number> = {}): string {
    const text = this.#find(this.lang, key) ?? this.#find('sv', key) ?? key;
    return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
  }

  #find(lang: Language, key: MessageKey): string | undefined {
    const parts = this.#parts[lang];
    return parts?.phone?.[key] ?? parts?.staff?.[key];
  }

  /** Loads every part asked for in a language, and shows it if it is all here already. */
  #loadAll(lang: Language): void {
    for (const part of this.#asked) this.#load(lang, part);
    this.#settle();
  }

  #load(lang: Language, part: Part): Promise<void> {
    const id = `${lang}.${part}`;
    let loading = this.#loading.get(id);
    if (!loading) {
      loading = loaders[lang][part]().then((strings) => {
        this.#parts = { ...this.#parts, [lang]: { ...this.#parts[lang], [part]: strings } };
        this.#settle();
      });
      // Offline before the part came: stay in the language shown, and try again next time.
      loading.catch(() => this.#loading.delete(id));
      this.#loading.set(id, loading);
    }
    return loading;
  }

  /** Shows the wanted language if every part in use is here for it; else keeps a whole one. */
  #settle(): void {
    untrack(() => {
      const whole = (lang: Language) => [...this.#inUse].every((part) => this.#parts[lang]?.[part]);
      if (whole(this.wanted)) this.#shown = this.wanted;
      else if (!whole(this.#shown)) this.#shown = 'sv';
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

/**
 * A refusal in the UI language, worded from its code and detail. `invalid` keeps the server's
 * message, which says why the field failed; the detail names only the field.
 */
export function errorText(error: ErrorCode | 'network', message?: string, detail?: Detail, title?: string): string {
  if (error === 'network') return t('error.network');
  if (error === 'invalid' && message) return message;
  return refusalMessage(t, { error, detail, title });
}
