// The facilitator's plan for breakout rooms before opening: the seeded split from
// `assignRooms`, with the facilitator's own moves laid on top. Pure, so the preview is testable.
import { assignRooms, type Member } from '../../../shared/workshop/rooms.ts';
import type { Assignment } from '../../../shared/workshop/model.ts';

/** Where the facilitator put someone by hand: a room's index, or -1 for "not placed". */
export type Moves = Readonly<Record<string, number>>;

export interface Split {
  /** Participant ids per room, in the order of `people`. */
  rooms: string[][];
  /** Present, but in no room: they choose (self-select) or the server places them on opening. */
  unplaced: string[];
}

/**
 * `planned` are the people the split was dealt for (the ones present when the facilitator
 * last shuffled); anyone who came later is left unplaced unless moved, so a newcomer never
 * reshuffles a split the facilitator has already adjusted.
 */
export function planSplit(
  people: readonly Member[],
  planned: ReadonlySet<string>,
  roomCount: number,
  assignment: Assignment,
  seed: number,
  moves: Moves,
): Split {
  const count = Math.max(1, roomCount);
  const base = assignRooms(
    people.filter((p) => planned.has(p.id)),
    count,
    assignment,
    seed,
  );
  const where = new Map<string, number>();
  base.forEach((members, i) => members.forEach((id) => where.set(id, i)));
  for (const [id, to] of Object.entries(moves)) if (to < count) where.set(id, to);
  const rooms: string[][] = Array.from({ length: count }, () => []);
  const unplaced: string[] = [];
  for (const p of people) {
    const i = where.get(p.id);
    if (i === undefined || i < 0) unplaced.push(p.id);
    else rooms[i].push(p.id);
  }
  return { rooms, unplaced };
}

/** A video link the server accepts: empty, or http(s) with no spaces. */
export function isVideoUrl(url: string): boolean {
  return /^(https?:\/\/\S+)?$/.test(url.trim());
}
