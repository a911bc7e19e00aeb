// What this browser remembers: participant tokens, facilitator keys, the last profile, the
// language choice. localStorage can be missing or full (private mode): every access is guarded.
import { nanoid } from 'nanoid';
import type { JoinInfo } from '../../../shared/protocol.ts';
import type { Language, OrgKind } from '../../../shared/workshop/model.ts';

const PREFIX = 'verkstad:';
/** A participant's last board (boardCache.ts), by workshop id. */
export const BOARD_PREFIX = `${PREFIX}board:`;

export function browserStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export function readJson<T>(key: string, storage = browserStorage()): T | null {
  try {
    const raw = storage?.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

export function writeJson(key: string, value: unknown, storage = browserStorage()): void {
  try {
    storage?.setItem(key, JSON.stringify(value));
  } catch {
    // Full or forbidden storage: the app keeps working, it only forgets more on reload.
  }
}

export function removeKey(key: string, storage = browserStorage()): void {
  try {
    storage?.removeItem(key);
  } catch {
    // ignore
  }
}

/** Every key that starts with `prefix`. */
export function keysWith(prefix: string, storage = browserStorage()): string[] {
  const keys: string[] = [];
  try {
    for (let i = 0; storage && i < storage.length; i++) {
      const key = storage.key(i);
      if (key?.startsWith(prefix)) keys.push(key);
    }
  } catch {
    // ignore
  }
  return keys;
}

const participantKey = (workshopId: string) => `${PREFIX}participant:${workshopId}`;
const TOKEN = /^[A-Za-z0-9_-]{21,64}$/;
const storedToken = (workshopId: string) => {
  const known = readJson<string>(participantKey(workshopId));
  return typeof known === 'string' && TOKEN.test(known) ? known : null;
};

/** Whether this browser has been in the workshop before (a newcomer has no usable token yet). */
export const hasParticipantToken = (workshopId: string) => storedToken(workshopId) !== null;

/** The participant's secret for a workshop, made once by this browser and kept. */
export function participantToken(workshopId: string): string {
  const known = storedToken(workshopId);
  if (known) return known;
  const token = nanoid(24);
  writeJson(participantKey(workshopId), token);
  return token;
}

const codeKey = (code: string) => `${PREFIX}code:${code}`;

/** What a join code opened on this browser before: a reload needs no lookup (and works offline). */
export const loadJoinInfo = (code: string) => readJson<JoinInfo>(codeKey(code));
export const saveJoinInfo = (code: string, info: JoinInfo) => writeJson(codeKey(code), info);

export interface Profile {
  name: string;
  organisation: string;
  orgKind: OrgKind;
  /** Chosen by the person on the join form; profiles saved before the kind was required lack it. */
  kindConfirmed?: boolean;
}

export const loadProfile = () => readJson<Profile>(`${PREFIX}profile`);
export const saveProfile = (profile: Profile) => writeJson(`${PREFIX}profile`, profile);

export interface FacilitatorEntry {
  id: string;
  key: string;
  title: string;
  savedAt: number;
}

const facilitatorKey = (id: string) => `${PREFIX}facilitator:${id}`;

export function saveFacilitator(id: string, key: string, title?: string): void {
  const known = readJson<FacilitatorEntry>(facilitatorKey(id));
  writeJson(facilitatorKey(id), {
    id,
    key,
    title: title ?? known?.title ?? '',
    savedAt: known?.savedAt ?? Date.now(),
  } satisfies FacilitatorEntry);
}

export const loadFacilitator = (id: string) => readJson<FacilitatorEntry>(facilitatorKey(id));

/**
 * A deleted workshop: forget all this browser holds for it (facilitator key, participant token,
 * unsent commands, the remembered join code, the last board). Nothing of it could be used again.
 */
export function forgetWorkshop(id: string, storage = browserStorage()): void {
  removeKey(facilitatorKey(id), storage);
  removeKey(`${BOARD_PREFIX}${id}`, storage);
  removeKey(participantKey(id), storage);
  for (const key of keysWith(`${PREFIX}outbox:${id}:`, storage)) removeKey(key, storage);
  for (const key of keysWith(codeKey(''), storage))
    if (readJson<{ workshopId?: string }>(key, storage)?.workshopId === id) removeKey(key, storage);
}

/** "Mina workshoppar": every workshop this browser facilitates, newest first. */
export function facilitatorEntries(): FacilitatorEntry[] {
  return keysWith(`${PREFIX}facilitator:`)
    .map((key) => readJson<FacilitatorEntry>(key))
    .filter((e): e is FacilitatorEntry => !!e && typeof e.id === 'string' && typeof e.key === 'string')
    .sort((a, b) => b.savedAt - a.savedAt);
}

export const loadLanguage = () => readJson<Language>(`${PREFIX}language`);
export const saveLanguage = (lang: Language | null) =>
  lang ? writeJson(`${PREFIX}language`, lang) : removeKey(`${PREFIX}language`);

/** Prefix of the outbox entries of one workshop and one identity in this browser. */
export const outboxPrefix = (workshopId: string, who: string) => `${PREFIX}outbox:${workshopId}:${who}:`;
