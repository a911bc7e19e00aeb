// Splitting a group into breakout rooms. Pure and seeded: the same people and seed always
// give the same split, so a facilitator's preview is what opens.
import { LIMITS, type Assignment, type OrgKind, type Participant, type Room, type Workshop } from './model.ts';

export type Member = Pick<Participant, 'id' | 'orgKind' | 'organisation'>;

/** Who a breakout is dealt for: everyone present (not removed), by join time, then id. */
export function breakoutPeople(participants: Workshop['participants']): Participant[] {
  return Object.values(participants)
    .filter((p) => !p.removed)
    .sort((a, b) => a.joinedAt - b.joinedAt || a.id.localeCompare(b.id));
}

/** Where the facilitator put someone by hand: a room's index, or -1 for "not placed". */
export type Moves = Readonly<Record<string, number>>;

export interface Split {
  /** Participant ids per room, in the order of `people`. */
  rooms: string[][];
  /** Present, but in no room: they choose (self-select) or the server places them on opening. */
  unplaced: string[];
}

/**
 * The facilitator's plan: the seeded split from `assignRooms`, with their own moves laid on
 * top. `planned` are the people the split was dealt for (the ones present when the
 * facilitator last shuffled); anyone who came later is left unplaced unless moved, so a
 * newcomer never reshuffles a split the facilitator has already adjusted.
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

/** How a split is asked for: so many rooms, rooms with these names, or rooms of about `size`. */
export interface SplitRequest {
  assignment: Assignment;
  rooms?: number | string[];
  size?: number;
  seed: number;
}

/**
 * The rooms `breakout.open` gets when the facilitator's page opens this split untouched: the
 * same people, count and seed, so the same members in the same order. Unnamed rooms are
 * called `defaultName(i)`, as the page calls them.
 */
export function previewSplit(
  participants: Workshop['participants'],
  request: SplitRequest,
  defaultName: (index: number) => string,
): { rooms: Array<{ name: string; members: string[] }>; unplaced: string[] } {
  const people = breakoutPeople(participants);
  const wanted = Array.isArray(request.rooms)
    ? request.rooms.length
    : (request.rooms ?? roomCountForSize(people.length, request.size ?? 1));
  const count = Math.min(LIMITS.rooms, Math.max(1, wanted));
  const split = planSplit(people, new Set(people.map((p) => p.id)), count, request.assignment, request.seed, {});
  const names = Array.isArray(request.rooms) ? request.rooms : [];
  return {
    rooms: split.rooms.map((members, i) => ({ name: names[i] ?? defaultName(i), members })),
    unplaced: split.unplaced,
  };
}

/** mulberry32: a small, good-enough seeded generator for shuffles. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const orgKey = (m: Member) => m.organisation.trim().toLocaleLowerCase('sv');

/**
 * Who goes in which room. Both `mixed` and `random` deal people round-robin, so room sizes
 * differ by at most one. `mixed` first lines people up by organisation kind and organisation:
 * dealing a contiguous block round-robin puts floor or ceil of its share in every room, so
 * each kind is spread as evenly as the numbers allow and two people of one organisation
 * share a room only when there are more of them than rooms. `manual` and `selfSelect`
 * start with empty rooms.
 */
export function assignRooms(
  members: readonly Member[],
  roomCount: number,
  assignment: Assignment,
  seed: number,
): string[][] {
  const rooms: string[][] = Array.from({ length: Math.max(1, roomCount) }, () => []);
  if (assignment === 'manual' || assignment === 'selfSelect') return rooms;
  const random = seededRandom(seed);
  let order = shuffle(members, random);
  if (assignment === 'mixed') {
    const count = (key: (m: Member) => string) => {
      const n = new Map<string, number>();
      for (const m of order) n.set(key(m), (n.get(key(m)) ?? 0) + 1);
      return n;
    };
    const kinds = count((m) => m.orgKind);
    const orgs = count(orgKey);
    // Larger groups first, so the big kommun block is dealt from the first room on.
    const kindRank = [...kinds.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
    const orgRank = [...orgs.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
    order = order
      .map((m, i) => ({ m, i }))
      .sort(
        (a, b) =>
          kindRank.indexOf(a.m.orgKind) - kindRank.indexOf(b.m.orgKind) ||
          orgRank.indexOf(orgKey(a.m)) - orgRank.indexOf(orgKey(b.m)) ||
          a.i - b.i,
      )
      .map(({ m }) => m);
  }
  order.forEach((m, i) => rooms[i % rooms.length].push(m.id));
  if (assignment === 'mixed') separateOrganisations(rooms, new Map(members.map((m) => [m.id, m])));
  return rooms;
}

/**
 * Someone who chose another kind than the rest of their organisation splits it over two kind
 * blocks, and the deal can then seat two of them together. Mend that by swapping one of them
 * with someone of the same kind in a room without their organisation: sizes and the spread of
 * kinds stay as they were, and no swap seats anyone with their own organisation.
 */
function separateOrganisations(rooms: string[][], people: Map<string, Member>): void {
  const org = new Map([...people.values()].map((m) => [m.id, orgKey(m)]));
  const counts = rooms.map((room) => {
    const n = new Map<string, number>();
    for (const id of room) n.set(org.get(id)!, (n.get(org.get(id)!) ?? 0) + 1);
    return n;
  });
  const has = (room: number, key: string) => counts[room].get(key) ?? 0;
  const move = (room: number, key: string, delta: number) => counts[room].set(key, has(room, key) + delta);
  // Each swap lowers the number of same-organisation pairs, so this ends.
  for (let swapped = true; swapped; ) {
    swapped = false;
    for (let a = 0; a < rooms.length; a++) {
      for (let i = 0; i < rooms[a].length; i++) {
        const id = rooms[a][i];
        const mine = org.get(id)!;
        if (has(a, mine) < 2) continue;
        const kind = people.get(id)!.orgKind;
        for (let b = 0; b < rooms.length; b++) {
          if (b === a || has(b, mine) > 0) continue;
          // Someone of the same kind who will not land with their own organisation either.
          const j = rooms[b].findIndex((them) => people.get(them)!.orgKind === kind && has(a, org.get(them)!) === 0);
          if (j < 0) continue;
          const theirs = org.get(rooms[b][j])!;
          [rooms[a][i], rooms[b][j]] = [rooms[b][j], rooms[a][i]];
          move(a, mine, -1);
          move(a, theirs, 1);
          move(b, theirs, -1);
          move(b, mine, 1);
          swapped = true;
          break;
        }
      }
    }
  }
}

/** How many rooms make rooms of about `size` people. */
export function roomCountForSize(people: number, size: number): number {
  return Math.max(1, Math.round(people / Math.max(1, size)));
}

/**
 * The room for someone who arrives during a breakout, by the breakout's rule: `mixed` picks,
 * among the smallest rooms, the one with fewest of their organisation and then of their kind;
 * `random` and `manual` the smallest room; `selfSelect` none (they choose).
 */
export function placeLateJoiner(
  rooms: readonly Room[],
  assignment: Assignment,
  member: Member,
  kindOf: (participantId: string) => { orgKind: OrgKind; organisation: string } | undefined,
): string | null {
  if (assignment === 'selfSelect' || rooms.length === 0) return null;
  const smallest = Math.min(...rooms.map((r) => r.members.length));
  const candidates = rooms.filter((r) => r.members.length === smallest);
  if (assignment !== 'mixed') return candidates[0].id;
  const score = (room: Room) => {
    const others = room.members.map(kindOf).filter((k) => !!k);
    const sameOrg = others.filter((k) => orgKey(k as Member) === orgKey(member)).length;
    const sameKind = others.filter((k) => k!.orgKind === member.orgKind).length;
    return sameOrg * 1000 + sameKind;
  };
  return candidates.reduce((best, room) => (score(room) < score(best) ? room : best)).id;
}
