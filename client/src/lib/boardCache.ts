// A participant's last board, kept on the phone: reopening the link paints it at once instead
// of after the socket's round trips (most of a second on a weak line); the server then sends
// only what changed since. It holds only what the server showed this participant, and it goes
// after a day, when the workshop is closed, and when the server refuses the participant.
import { PROTOCOL_VERSION, type Projection, type You } from '../../../shared/protocol.ts';
import type { Workshop } from '../../../shared/workshop/model.ts';
import { browserStorage, keysWith, readJson, removeKey, writeJson } from './storage.ts';

export interface CachedBoard {
  protocol: number;
  savedAt: number;
  workshop: Workshop;
  you: You;
  projection: Projection;
  clockOffset: number;
  retentionDays: number | null;
}

export const BOARD_PREFIX = 'verkstad:board:';
/** A workshop is a day's work; an older board would only flash something out of date. */
export const BOARD_MAX_AGE_MS = 24 * 60 * 60 * 1000;

const keyOf = (workshopId: string) => `${BOARD_PREFIX}${workshopId}`;

/** Whether a stored value is a board this version can show (storage may hold anything). */
function usable(board: CachedBoard | null, workshopId: string, now: number): board is CachedBoard {
  return (
    !!board &&
    board.protocol === PROTOCOL_VERSION &&
    now - board.savedAt >= 0 &&
    now - board.savedAt < BOARD_MAX_AGE_MS &&
    board.workshop?.id === workshopId &&
    board.workshop.status !== 'closed' &&
    Array.isArray(board.workshop.activities) &&
    board.you?.role === 'participant'
  );
}

export function loadBoard(workshopId: string, now = Date.now(), storage = browserStorage()): CachedBoard | null {
  const board = readJson<CachedBoard>(keyOf(workshopId), storage);
  if (usable(board, workshopId, now)) return board;
  removeKey(keyOf(workshopId), storage);
  return null;
}

/** Keep a participant's board; a closed workshop's is dropped instead. */
export function saveBoard(board: CachedBoard, storage = browserStorage()): void {
  if (board.you.role !== 'participant' || board.workshop.status === 'closed') dropBoard(board.workshop.id, storage);
  else writeJson(keyOf(board.workshop.id), board, storage);
}

export const dropBoard = (workshopId: string, storage = browserStorage()) => removeKey(keyOf(workshopId), storage);

/** Drop every board older than a day, of any workshop (run once per page load). */
export function sweepBoards(now = Date.now(), storage = browserStorage()): void {
  for (const key of keysWith(BOARD_PREFIX, storage)) {
    const board = readJson<CachedBoard>(key, storage);
    if (!board || !usable(board, key.slice(BOARD_PREFIX.length), now)) removeKey(key, storage);
  }
}
