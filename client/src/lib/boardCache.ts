// A participant's last board, kept on the phone: reopening the link paints it at once instead
// of after the socket's round trips (most of a second on a weak line), until the server's
// snapshot replaces it. It holds only what the server showed this participant. It is dropped
// a day after the server last spoke, when the workshop is closed, when the server refuses the
// participant, and when it belongs to another token or another build of the app.
import { PROTOCOL_VERSION, type Projection, type You } from '../../../shared/protocol.ts';
import type { Workshop } from '../../../shared/workshop/model.ts';
import { BOARD_PREFIX, browserStorage, keysWith, readJson, removeKey } from './storage.ts';

export interface CachedBoard {
  protocol: number;
  /** The app's build: a board drawn by other code may lack what this code expects. */
  build: string;
  /** The end of the participant's token: a board is never shown to another identity. */
  token: string;
  /** When the server last sent something for it. */
  savedAt: number;
  workshop: Workshop;
  you: You;
  projection: Projection;
  clockOffset: number;
  retentionDays: number | null;
}

export { BOARD_PREFIX };
/** A workshop is a day's work; an older board would only flash something out of date. */
export const BOARD_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** Bigger than this is not kept: localStorage (about 5 MB) also holds the unsent notes. */
export const BOARD_MAX_CHARS = 512 * 1024;
/** The entry chunk's path carries its content hash, so it changes with every build. */
export const BUILD = new URL(import.meta.url).pathname;

const keyOf = (workshopId: string) => `${BOARD_PREFIX}${workshopId}`;
export const tokenTag = (token: string) => token.slice(-8);

/** Whether a stored value is a board this page may show (storage may hold anything). */
function usable(board: CachedBoard | null, workshopId: string, token: string | null, now: number): board is CachedBoard {
  return (
    !!board &&
    board.protocol === PROTOCOL_VERSION &&
    board.build === BUILD &&
    (token === null || board.token === tokenTag(token)) &&
    now - board.savedAt >= 0 &&
    now - board.savedAt < BOARD_MAX_AGE_MS &&
    board.workshop?.id === workshopId &&
    board.workshop.status !== 'closed' &&
    Array.isArray(board.workshop.activities) &&
    board.you?.role === 'participant'
  );
}

export function loadBoard(workshopId: string, token: string, now = Date.now(), storage = browserStorage()): CachedBoard | null {
  const board = readJson<CachedBoard>(keyOf(workshopId), storage);
  if (usable(board, workshopId, token, now)) return board;
  removeKey(keyOf(workshopId), storage);
  return null;
}

/** Keep a participant's board; a closed workshop's, a too big one or one that does not fit is dropped. */
export function saveBoard(board: CachedBoard, storage = browserStorage()): void {
  const id = board.workshop.id;
  if (board.you.role !== 'participant' || board.workshop.status === 'closed') return dropBoard(id, storage);
  const text = JSON.stringify(board);
  if (text.length > BOARD_MAX_CHARS) return dropBoard(id, storage);
  try {
    storage?.setItem(keyOf(id), text);
  } catch {
    dropBoard(id, storage); // full: an old board must not stay behind, and the outbox needs the room
  }
}

export const dropBoard = (workshopId: string, storage = browserStorage()) => removeKey(keyOf(workshopId), storage);

/** Drop every board that could no longer be shown, of any workshop (once per page load). */
export function sweepBoards(now = Date.now(), storage = browserStorage()): void {
  for (const key of keysWith(BOARD_PREFIX, storage)) {
    const board = readJson<CachedBoard>(key, storage);
    if (!usable(board, key.slice(BOARD_PREFIX.length), null, now)) removeKey(key, storage);
  }
}

/** What a page keeps of its workshop: read when saving, never stored as is. */
export type BoardState = Pick<CachedBoard, 'workshop' | 'you' | 'projection' | 'clockOffset' | 'retentionDays'>;

/**
 * One participant page's kept board: written a few seconds after the server last changed it,
 * and when the page is hidden or left (a phone often just goes dark), never more often.
 */
export class KeptBoard {
  static readonly WRITE_AFTER_MS = 5000;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #heardAt = 0;
  readonly #flush = () => this.flush();
  readonly #hidden = () => {
    if (document.visibilityState === 'hidden') this.flush();
  };

  constructor(
    readonly workshopId: string,
    readonly token: string,
    private readonly state: () => BoardState | null,
  ) {}

  restore(): CachedBoard | null {
    return loadBoard(this.workshopId, this.token);
  }

  listen(): void {
    addEventListener('pagehide', this.#flush);
    document.addEventListener('visibilitychange', this.#hidden);
  }

  /** The server sent something: keep the board soon. */
  heard(): void {
    this.#heardAt = Date.now();
    this.#timer ??= setTimeout(this.#flush, KeptBoard.WRITE_AFTER_MS);
  }

  /** Write now if the server said something since the last write. */
  flush(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const state = this.state();
    if (!state) return;
    saveBoard({ protocol: PROTOCOL_VERSION, build: BUILD, token: tokenTag(this.token), savedAt: this.#heardAt, ...state });
  }

  /** Refused or ended: nothing of it stays, and nothing more is written. */
  drop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    dropBoard(this.workshopId);
  }

  dispose(): void {
    this.flush();
    removeEventListener('pagehide', this.#flush);
    document.removeEventListener('visibilitychange', this.#hidden);
  }
}
