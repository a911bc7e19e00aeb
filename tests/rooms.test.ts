// Breakout rooms in the pure core: how a group is split (assignRooms, placeLateJoiner,
// roomCountForSize), the timer's arithmetic (nextTimer), and the rules decide keeps for rooms.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import type { DetailOf } from '../shared/protocol.ts';
import { nextTimer, placeNewcomer } from '../shared/workshop/decideRooms.ts';
import type { WorkshopEvent } from '../shared/workshop/events.ts';
import { ORG_KINDS, roomOf, type Assignment, type OrgKind, type Room, type Timer, type Workshop } from '../shared/workshop/model.ts';
import { assignRooms, placeLateJoiner, roomCountForSize, seededRandom, type Member } from '../shared/workshop/rooms.ts';
import { view } from '../shared/workshop/view.ts';
import { T0, facilitator, participant, projector, story, type CommandInput, type Story } from './helpers/builders.ts';

// ---------------------------------------------------------------------------------------------
// Groups as they come to an LGS workshop: each organisation is of one kind. Names are typed by
// people, so one organisation may arrive in different case.

const ORGANISATIONS: ReadonlyArray<{ organisation: string; orgKind: OrgKind }> = [
  { organisation: 'Nybro kommun', orgKind: 'kommun' },
  { organisation: 'Kalmar kommun', orgKind: 'kommun' },
  { organisation: 'Emmaboda kommun', orgKind: 'kommun' },
  { organisation: 'Region Kalmar län', orgKind: 'region' },
  { organisation: 'NSPH Kalmar län', orgKind: 'brukarrepresentant' },
  { organisation: 'Brukarrådet Nybro', orgKind: 'brukarrepresentant' },
  { organisation: 'Försäkringskassan', orgKind: 'annan' },
];
const ASSIGNMENTS_THAT_SPLIT: Assignment[] = ['mixed', 'random'];

const orgKey = (organisation: string) => organisation.trim().toLocaleLowerCase('sv');
const spelled = (organisation: string, how: number) =>
  how === 0 ? organisation : how === 1 ? organisation.toLocaleLowerCase('sv') : organisation.toLocaleUpperCase('sv');
const withIds = (people: Array<Omit<Member, 'id'>>): Member[] =>
  people.map((p, i) => ({ id: `p-${String(i).padStart(3, '0')}`, ...p }));

/** 0–80 people, each from an organisation of the pool (and of its kind). */
const groupArb = fc
  .array(fc.tuple(fc.constantFrom(...ORGANISATIONS), fc.nat(2)), { maxLength: 80 })
  .map((people) => withIds(people.map(([o, how]) => ({ organisation: spelled(o.organisation, how), orgKind: o.orgKind }))));
/** 0–80 people whose kind is whatever they picked, whatever their organisation. */
const anyKindGroupArb = fc
  .array(fc.record({ organisation: fc.constantFrom(...ORGANISATIONS.map((o) => o.organisation)), orgKind: fc.constantFrom(...ORG_KINDS) }), { maxLength: 80 })
  .map(withIds);
const roomCountArb = fc.integer({ min: 1, max: 12 });
const seedArb = fc.oneof(fc.integer(), fc.maxSafeInteger());
const assignmentArb = fc.constantFrom<Assignment>('mixed', 'random', 'manual', 'selfSelect');

const spread = (counts: number[]) => Math.max(...counts) - Math.min(...counts);
const countIn = (room: string[], people: Map<string, Member>, match: (m: Member) => boolean) =>
  room.filter((id) => match(people.get(id)!)).length;

// ---------------------------------------------------------------------------------------------
const splitting = suite('splitting a group into rooms');

splitting('every participant is in exactly one room, and there are as many rooms as asked', () => {
  fc.assert(
    fc.property(anyKindGroupArb, roomCountArb, fc.constantFrom(...ASSIGNMENTS_THAT_SPLIT), seedArb, (group, count, assignment, seed) => {
      const rooms = assignRooms(group, count, assignment, seed);
      assert.is(rooms.length, count);
      assert.equal(rooms.flat().sort(), group.map((m) => m.id).sort());
    }),
  );
});

splitting('room sizes differ by at most one', () => {
  fc.assert(
    fc.property(anyKindGroupArb, roomCountArb, fc.constantFrom(...ASSIGNMENTS_THAT_SPLIT), seedArb, (group, count, assignment, seed) => {
      const rooms = assignRooms(group, count, assignment, seed);
      assert.ok(spread(rooms.map((r) => r.length)) <= 1, `sizes ${rooms.map((r) => r.length)}`);
    }),
  );
});

splitting('mixed: each organisation kind is spread over the rooms as evenly as the numbers allow', () => {
  fc.assert(
    fc.property(anyKindGroupArb, roomCountArb, seedArb, (group, count, seed) => {
      const rooms = assignRooms(group, count, 'mixed', seed);
      const people = new Map(group.map((m) => [m.id, m]));
      for (const kind of ORG_KINDS) {
        const perRoom = rooms.map((room) => countIn(room, people, (m) => m.orgKind === kind));
        assert.ok(spread(perRoom) <= 1, `${kind} per room: ${perRoom}`);
      }
    }),
  );
});

splitting('mixed: two people of one organisation share a room only when it has more people than there are rooms', () => {
  fc.assert(
    fc.property(groupArb, roomCountArb, seedArb, (group, count, seed) => {
      const rooms = assignRooms(group, count, 'mixed', seed);
      const people = new Map(group.map((m) => [m.id, m]));
      for (const key of new Set(group.map((m) => orgKey(m.organisation)))) {
        const total = group.filter((m) => orgKey(m.organisation) === key).length;
        const most = Math.ceil(total / count); // 1 when they fit one per room
        for (const room of rooms) {
          const here = countIn(room, people, (m) => orgKey(m.organisation) === key);
          assert.ok(here <= most, `${here} of ${total} from ${key} in one of ${count} rooms`);
        }
      }
    }),
  );
});

// Someone who picks another kind than the rest of their organisation (a "Nybro kommun" person
// as brukarrepresentant) splits that organisation over two kind blocks, and the round-robin
// deal alone would seat two of them together although [Region, Nybro/bruk] + [Nybro/kommun]
// keeps sizes, kinds and organisations all apart.
splitting('mixed: organisations stay apart even when one of them spans two kinds', () => {
  const group = withIds([
    { organisation: 'Nybro kommun', orgKind: 'kommun' },
    { organisation: 'Nybro kommun', orgKind: 'brukarrepresentant' },
    { organisation: 'Region Kalmar län', orgKind: 'kommun' },
  ]);
  const rooms = assignRooms(group, 2, 'mixed', 0);
  for (const room of rooms) assert.ok(!(room.includes('p-000') && room.includes('p-001')), JSON.stringify(rooms));
});

splitting('mixed: with kinds picked freely, no swap of two people of one kind would part an organisation further', () => {
  fc.assert(
    fc.property(anyKindGroupArb, roomCountArb, seedArb, (group, count, seed) => {
      const rooms = assignRooms(group, count, 'mixed', seed);
      const people = new Map(group.map((m) => [m.id, m]));
      const org = (id: string) => orgKey(people.get(id)!.organisation);
      const has = (room: string[], key: string) => room.filter((id) => org(id) === key).length;
      for (const [a, room] of rooms.entries())
        for (const id of room) {
          if (has(room, org(id)) < 2) continue;
          for (const [b, other] of rooms.entries()) {
            if (b === a || has(other, org(id)) > 0) continue;
            const partner = other.find((them) => people.get(them)!.orgKind === people.get(id)!.orgKind && has(room, org(them)) === 0);
            assert.is(partner, undefined, `${id} could swap with ${partner}: ${JSON.stringify(rooms)}`);
          }
        }
    }),
  );
});

splitting('the same people and seed always give the same split, and the input is left as it was', () => {
  fc.assert(
    fc.property(anyKindGroupArb, roomCountArb, assignmentArb, seedArb, (group, count, assignment, seed) => {
      const before = structuredClone(group);
      const first = assignRooms(group, count, assignment, seed);
      assert.equal(assignRooms(structuredClone(group), count, assignment, seed), first);
      assert.equal(group, before);
    }),
  );
});

splitting('the seed matters: a group of twelve is not always split the same way', () => {
  const group = withIds(Array.from({ length: 12 }, (_, i) => ORGANISATIONS[i % ORGANISATIONS.length]));
  const splits = new Set(Array.from({ length: 20 }, (_, seed) => JSON.stringify(assignRooms(group, 3, 'random', seed))));
  assert.ok(splits.size > 1);
  const rng = seededRandom(42);
  const draws = Array.from({ length: 1000 }, rng);
  assert.ok(draws.every((x) => x >= 0 && x < 1));
  assert.equal(Array.from({ length: 1000 }, seededRandom(42)), draws);
});

splitting('manual and self-select start with the asked number of empty rooms', () => {
  fc.assert(
    fc.property(anyKindGroupArb, roomCountArb, fc.constantFrom<Assignment>('manual', 'selfSelect'), seedArb, (group, count, assignment, seed) => {
      assert.equal(assignRooms(group, count, assignment, seed), Array.from({ length: count }, () => []));
    }),
  );
});

splitting('a concrete LGS group: every room gets kommun, region and a brukarrepresentant', () => {
  const group = withIds([
    ...Array.from({ length: 3 }, () => ORGANISATIONS[0]),
    ...Array.from({ length: 3 }, () => ORGANISATIONS[1]),
    ...Array.from({ length: 3 }, () => ORGANISATIONS[3]),
    ...Array.from({ length: 3 }, () => ORGANISATIONS[4]),
  ]);
  const people = new Map(group.map((m) => [m.id, m]));
  const rooms = assignRooms(group, 3, 'mixed', 2026);
  for (const room of rooms) {
    assert.is(room.length, 4);
    assert.equal(room.map((id) => people.get(id)!.orgKind).sort(), ['brukarrepresentant', 'kommun', 'kommun', 'region']);
    assert.is(new Set(room.map((id) => people.get(id)!.organisation)).size, 4, 'four organisations in each room');
  }
});

splitting.run();

// ---------------------------------------------------------------------------------------------
const late = suite('a participant who arrives during the breakout');

const roomArb = (group: Member[], count: number) =>
  fc.array(fc.nat(count - 1), { minLength: group.length, maxLength: group.length }).map((where) =>
    Array.from({ length: count }, (_, r): Room => ({
      id: `room-${r + 1}`,
      name: `Grupp ${r + 1}`,
      members: group.filter((_, i) => where[i] === r).map((m) => m.id),
      reporterId: null,
      videoUrl: '',
      summary: '',
    })),
  );
const latecomerArb = fc.constantFrom(...ORGANISATIONS).map((o): Member => ({ id: 'p-late', ...o }));
const roomsAndLatecomerArb = fc
  .tuple(groupArb, roomCountArb)
  .chain(([group, count]) => fc.tuple(fc.constant(group), roomArb(group, count), latecomerArb));

late('goes to one of the smallest rooms, whatever the rule but self-select', () => {
  fc.assert(
    fc.property(roomsAndLatecomerArb, fc.constantFrom<Assignment>('mixed', 'random', 'manual'), ([group, rooms, me], assignment) => {
      const people = new Map(group.map((m) => [m.id, m]));
      const roomId = placeLateJoiner(rooms, assignment, me, (id) => people.get(id));
      const smallest = Math.min(...rooms.map((r) => r.members.length));
      const chosen = rooms.find((r) => r.id === roomId);
      assert.ok(chosen, `placed in ${roomId}`);
      assert.is(chosen!.members.length, smallest);
    }),
  );
});

late('mixed: of the smallest rooms, the one with fewest of their organisation, then of their kind', () => {
  fc.assert(
    fc.property(roomsAndLatecomerArb, ([group, rooms, me]) => {
      const people = new Map(group.map((m) => [m.id, m]));
      const roomId = placeLateJoiner(rooms, 'mixed', me, (id) => people.get(id));
      const smallest = Math.min(...rooms.map((r) => r.members.length));
      const score = (r: Room) => [
        countIn(r.members, people, (m) => orgKey(m.organisation) === orgKey(me.organisation)),
        countIn(r.members, people, (m) => m.orgKind === me.orgKind),
      ];
      const best = rooms
        .filter((r) => r.members.length === smallest)
        .map(score)
        .sort((a, b) => a[0] - b[0] || a[1] - b[1])[0];
      assert.equal(score(rooms.find((r) => r.id === roomId)!), best);
    }),
  );
});

late('latecomers one after another keep room sizes within one of each other', () => {
  fc.assert(
    fc.property(groupArb, groupArb, roomCountArb, fc.constantFrom<Assignment>('mixed', 'random', 'manual'), seedArb, (group, arrivals, count, assignment, seed) => {
      const people = new Map(group.map((m) => [m.id, m]));
      const split = assignment === 'manual' ? assignRooms(group, count, 'random', seed) : assignRooms(group, count, assignment, seed);
      const rooms: Room[] = split.map((members, r) => ({ id: `room-${r + 1}`, name: `Grupp ${r + 1}`, members, reporterId: null, videoUrl: '', summary: '' }));
      for (const arrival of arrivals) {
        const me = { ...arrival, id: `late-${arrival.id}` };
        people.set(me.id, me);
        const roomId = placeLateJoiner(rooms, assignment, me, (id) => people.get(id));
        rooms.find((r) => r.id === roomId)!.members.push(me.id);
        assert.ok(spread(rooms.map((r) => r.members.length)) <= 1);
      }
    }),
  );
});

late('in a self-select breakout, or with no rooms, nobody is placed for them', () => {
  fc.assert(
    fc.property(roomsAndLatecomerArb, ([group, rooms, me]) => {
      const people = new Map(group.map((m) => [m.id, m]));
      assert.is(placeLateJoiner(rooms, 'selfSelect', me, (id) => people.get(id)), null);
      assert.is(placeLateJoiner([], 'mixed', me, (id) => people.get(id)), null);
    }),
  );
});

late.run();

// ---------------------------------------------------------------------------------------------
const sizing = suite('how many rooms for a size per room');

sizing('about `size` people a room, and never fewer than one room', () => {
  assert.is(roomCountForSize(12, 4), 3);
  assert.is(roomCountForSize(13, 4), 3);
  assert.is(roomCountForSize(14, 4), 4);
  assert.is(roomCountForSize(30, 5), 6);
  assert.is(roomCountForSize(0, 4), 1);
  assert.is(roomCountForSize(3, 10), 1);
  assert.is(roomCountForSize(7, 0), 7, 'a size of zero counts as one a room');
});

sizing('more people never make fewer rooms, a larger size never makes more', () => {
  fc.assert(
    fc.property(fc.nat(200), fc.integer({ min: 1, max: 30 }), (people, size) => {
      const rooms = roomCountForSize(people, size);
      assert.ok(rooms >= 1 && Number.isInteger(rooms));
      assert.ok(Math.abs(rooms - people / size) <= 0.5 || rooms === 1);
      assert.ok(roomCountForSize(people + 1, size) >= rooms);
      assert.ok(roomCountForSize(people, size + 1) <= rooms);
    }),
  );
});

sizing.run();

// ---------------------------------------------------------------------------------------------
const timing = suite('the breakout timer');

type TimerInput = Extract<CommandInput, { type: `timer.${string}` }>;
const at = (timer: Timer | null, now: number) => (timer?.endsAt == null ? (timer?.remainingMs ?? null) : Math.max(0, timer.endsAt - now));
const timerCommand = (c: TimerInput) => ({ id: 'cmd-timer-1', ...c }) as Parameters<typeof nextTimer>[1];

timing('start counts down from now; pause keeps what is left; resume ends that much after now', () => {
  const started = nextTimer(null, timerCommand({ type: 'timer.start', seconds: 600 }), T0);
  assert.equal(started, { endsAt: T0 + 600_000, remainingMs: 600_000, durationMs: 600_000 });
  const paused = nextTimer(started, timerCommand({ type: 'timer.pause' }), T0 + 100_000)!;
  assert.equal(paused, { endsAt: null, remainingMs: 500_000, durationMs: 600_000 });
  assert.is(nextTimer(paused, timerCommand({ type: 'timer.pause' }), T0 + 200_000), paused, 'pausing twice changes nothing');
  const resumed = nextTimer(paused, timerCommand({ type: 'timer.resume' }), T0 + 300_000)!;
  assert.equal(resumed, { endsAt: T0 + 800_000, remainingMs: 500_000, durationMs: 600_000 });
  assert.is(nextTimer(resumed, timerCommand({ type: 'timer.resume' }), T0 + 310_000), resumed, 'resuming a running timer changes nothing');
  assert.is(nextTimer(resumed, timerCommand({ type: 'timer.stop' }), T0 + 400_000), null);
});

timing('adding time to a running or a paused timer, and taking more than is left', () => {
  const running = nextTimer(null, timerCommand({ type: 'timer.start', seconds: 300 }), T0)!;
  const more = nextTimer(running, timerCommand({ type: 'timer.add', seconds: 60 }), T0 + 60_000)!;
  assert.equal(more, { endsAt: T0 + 360_000, remainingMs: 300_000, durationMs: 360_000 });
  const paused = nextTimer(more, timerCommand({ type: 'timer.pause' }), T0 + 120_000)!;
  const pausedMore = nextTimer(paused, timerCommand({ type: 'timer.add', seconds: 120 }), T0 + 500_000)!;
  assert.equal(pausedMore, { endsAt: null, remainingMs: 360_000, durationMs: 480_000 });
  const cut = nextTimer(pausedMore, timerCommand({ type: 'timer.add', seconds: -3600 }), T0 + 500_000)!;
  assert.equal(cut, { endsAt: null, remainingMs: 0, durationMs: 0 }, 'never below zero');
  const expired = nextTimer(running, timerCommand({ type: 'timer.pause' }), T0 + 900_000)!;
  assert.is(expired.remainingMs, 0, 'pausing a timer that ran out leaves zero, not minus ten minutes');
});

timing('without a timer, pause, resume, add and stop change nothing', () => {
  for (const c of [{ type: 'timer.pause' }, { type: 'timer.resume' }, { type: 'timer.add', seconds: 60 }, { type: 'timer.stop' }] as TimerInput[])
    assert.is(nextTimer(null, timerCommand(c), T0), null, c.type);
});

const timerStepArb = fc.tuple(
  fc.oneof(
    fc.record({ type: fc.constant('timer.start' as const), seconds: fc.integer({ min: 1, max: 4 * 3600 }) }),
    fc.constant({ type: 'timer.pause' as const }),
    fc.constant({ type: 'timer.resume' as const }),
    fc.record({ type: fc.constant('timer.add' as const), seconds: fc.integer({ min: -3600, max: 3600 }) }),
    fc.constant({ type: 'timer.stop' as const }),
  ),
  fc.nat(20 * 60_000),
);

timing('any run of commands at any clock shows what a stopwatch would: never negative, running iff not paused', () => {
  fc.assert(
    fc.property(fc.array(timerStepArb, { maxLength: 30 }), (steps) => {
      // The reference: what is left, whether it runs, and the full length.
      let model: { left: number; running: boolean; duration: number } | null = null;
      let timer: Timer | null = null;
      let now = T0;
      for (const [c, wait] of steps) {
        now += wait;
        if (model?.running) model.left = Math.max(0, model.left - wait);
        if (c.type === 'timer.start') model = { left: c.seconds * 1000, running: true, duration: c.seconds * 1000 };
        else if (c.type === 'timer.stop') model = null;
        else if (model && c.type === 'timer.pause') model.running = false;
        else if (model && c.type === 'timer.resume') model.running = true;
        else if (model && c.type === 'timer.add') {
          model.left = Math.max(0, model.left + c.seconds * 1000);
          model.duration = Math.max(0, model.duration + c.seconds * 1000);
        }
        timer = nextTimer(timer, timerCommand(c), now);
        if (!model) {
          assert.is(timer, null);
          continue;
        }
        assert.ok(timer);
        assert.is(at(timer, now), model.left, `${c.type} after ${wait} ms`);
        assert.is(timer!.endsAt !== null, model.running);
        assert.is(timer!.durationMs, model.duration);
        assert.ok(timer!.remainingMs >= 0 && timer!.durationMs >= 0);
        // A running timer's end is ahead of now, unless it has run out.
        if (timer!.endsAt !== null && model.left > 0) assert.ok(timer!.endsAt > now);
      }
    }),
  );
});

timing.run();

// ---------------------------------------------------------------------------------------------
// A workshop of six from four organisations, through decide + apply the way the server runs it.

const ANNA = 'p-anna';
const BERTIL = 'p-bertil';
const CECILIA = 'p-cecilia';
const DAVID = 'p-david';
const EVA = 'p-ebba';
const FREDRIK = 'p-fredrik';
const PEOPLE: Array<[string, string, OrgKind]> = [
  [ANNA, 'Nybro kommun', 'kommun'],
  [BERTIL, 'Kalmar kommun', 'kommun'],
  [CECILIA, 'Region Kalmar län', 'region'],
  [DAVID, 'Region Kalmar län', 'region'],
  [EVA, 'NSPH Kalmar län', 'brukarrepresentant'],
  [FREDRIK, 'Nybro kommun', 'kommun'],
];
const anna = participant(ANNA);
const bertil = participant(BERTIL);
const cecilia = participant(CECILIA);
const david = participant(DAVID);
const eva = participant(EVA);

function joined(id: string, organisation: string, orgKind: OrgKind): WorkshopEvent {
  return { type: 'participant.joined', participant: { id, name: id.slice(2), organisation, orgKind, joinedAt: T0, removed: false } };
}

/** The group in a workshop with a SWOT (current) and a brainstorm. */
function group(): Story {
  const s = story({ agenda: ['swot', 'brainstorm'] });
  for (const [id, organisation, kind] of PEOPLE) s.record(joined(id, organisation, kind));
  return s;
}

type Draft = { members: string[]; reporterId?: string | null };
const draft = (rooms: Array<string[] | Draft>, prefix = 'room') =>
  rooms.map((r, i) => ({ id: `${prefix}-${i + 1}`, name: `Grupp ${i + 1}`, ...(Array.isArray(r) ? { members: r } : r) }));
type OpenOptions = { activityId?: string; cap?: number | null; prefix?: string };
const open = (s: Story, rooms: Array<string[] | Draft>, assignment: Assignment = 'mixed', { prefix, ...more }: OpenOptions = {}) =>
  s.try(facilitator, { type: 'breakout.open', activityId: 'swot-1', assignment, rooms: draft(rooms, prefix), ...more });
const breakoutOf = (s: Story, activityId = 'swot-1') => s.state.activities.find((a) => a.id === activityId)!.breakout!;
const roomIdOf = (s: Story, id: string) => roomOf(breakoutOf(s), id)?.id ?? null;
const note = (s: Story, actor: ReturnType<typeof participant>, noteId: string, roomId?: string | null) =>
  s.try(actor, { type: 'note.add', noteId, activityId: 'swot-1', columnId: 's', text: `Lapp ${noteId}`, ...(roomId !== undefined && { roomId }) });

const SPLIT = [[ANNA, CECILIA, EVA], [BERTIL, DAVID, FREDRIK]];
const noteIds = (w: Workshop) => Object.values(w.notes).map((n) => n.id).sort();

// ---------------------------------------------------------------------------------------------
const opening = suite('opening rooms');

opening('rooms open only for the current activity', () => {
  const s = group();
  assert.is(open(s, SPLIT, 'mixed', { activityId: 'brainstorm-1' }), 'not_current');
  assert.is(open(s, SPLIT, 'mixed', { activityId: 'no-such-activity' }), 'not_found');
  assert.is(open(s, SPLIT), 'ok');
  assert.ok(breakoutOf(s).open);
  assert.is(breakoutOf(s).openedAt, s.now);
});

opening('only one breakout is open at a time, and an activity has one breakout', () => {
  const s = group();
  assert.is(open(s, SPLIT), 'ok');
  s.must(facilitator, { type: 'activity.focus', activityId: 'brainstorm-1' });
  assert.is(open(s, SPLIT, 'mixed', { activityId: 'brainstorm-1', prefix: 'room-b' }), 'breakout_open');
  s.must(facilitator, { type: 'breakout.close', activityId: 'swot-1' });
  assert.is(open(s, SPLIT, 'mixed', { activityId: 'brainstorm-1', prefix: 'room-b' }), 'ok');
  s.must(facilitator, { type: 'breakout.close', activityId: 'brainstorm-1' });
  s.must(facilitator, { type: 'activity.focus', activityId: 'swot-1' });
  assert.is(open(s, SPLIT, 'mixed', { prefix: 'room-c' }), 'exists', 'the closed breakout stays for the report-back');
});

opening('room ids are never reused, so an earlier breakout’s report-back stays in view during the next', () => {
  const s = group();
  assert.is(open(s, SPLIT), 'ok');
  assert.is(note(s, anna, 'note-anna-1'), 'ok');
  assert.is(note(s, bertil, 'note-bertil-1'), 'ok');
  s.must(facilitator, { type: 'breakout.close', activityId: 'swot-1' });
  s.must(facilitator, { type: 'activity.focus', activityId: 'brainstorm-1' });
  const swapped = [SPLIT[1], SPLIT[0]];
  assert.is(open(s, swapped, 'mixed', { activityId: 'brainstorm-1' }), 'exists', 'room-1 and room-2 were the SWOT’s rooms');
  assert.is(open(s, swapped, 'mixed', { activityId: 'brainstorm-1', prefix: 'room-b' }), 'ok');
  for (const viewer of [anna, bertil, projector])
    assert.equal(noteIds(view(s.state, viewer)), ['note-anna-1', 'note-bertil-1'], JSON.stringify(viewer));
});

opening('only the facilitator opens, moves and closes rooms', () => {
  const s = group();
  assert.is(s.try(anna, { type: 'breakout.open', activityId: 'swot-1', assignment: 'mixed', rooms: draft(SPLIT) }), 'forbidden');
  assert.is(open(s, SPLIT), 'ok');
  assert.is(s.try(anna, { type: 'room.move', activityId: 'swot-1', roomId: 'room-2', participantId: ANNA }), 'forbidden');
  assert.is(s.try(anna, { type: 'breakout.close', activityId: 'swot-1' }), 'forbidden');
  assert.is(s.try(anna, { type: 'timer.start', seconds: 60 }), 'forbidden');
  assert.is(s.try(anna, { type: 'announcement.send', text: 'Hej alla' }), 'forbidden');
  assert.ok(breakoutOf(s).open);
});

opening('the split the facilitator previewed is the split that opens', () => {
  const s = group();
  const people = Object.values(s.state.participants);
  const preview = assignRooms(people, 2, 'mixed', 7);
  assert.is(open(s, preview), 'ok');
  assert.equal(breakoutOf(s).rooms.map((r) => r.members), preview);
  assert.equal(breakoutOf(s).rooms.map((r) => r.name), ['Grupp 1', 'Grupp 2']);
});

opening('everyone left out of the draft is placed by the rule; a removed participant is not', () => {
  const s = group();
  s.must(facilitator, { type: 'participant.remove', participantId: DAVID });
  assert.is(open(s, [[ANNA], [CECILIA]]), 'ok');
  const rooms = breakoutOf(s).rooms;
  const active = PEOPLE.map(([id]) => id).filter((id) => id !== DAVID);
  for (const id of active) assert.is(rooms.filter((r) => r.members.includes(id)).length, 1, `${id} in exactly one room`);
  assert.is(roomIdOf(s, DAVID), null);
  assert.ok(spread(rooms.map((r) => r.members.length)) <= 1, 'sizes within one');
  assert.is.not(roomIdOf(s, FREDRIK), roomIdOf(s, ANNA), 'the two from Nybro kommun are apart');
  assert.is(roomIdOf(s, ANNA), 'room-1', 'the draft is kept');
  assert.is(roomIdOf(s, CECILIA), 'room-2');
});

opening('with self-select, nobody left out of the draft is placed: they pick', () => {
  const s = group();
  assert.is(open(s, [[ANNA], []], 'selfSelect', { cap: 3 }), 'ok');
  assert.equal(breakoutOf(s).rooms.map((r) => r.members), [[ANNA], []]);
  assert.is(breakoutOf(s).cap, 3);
});

opening('a cap is kept only for self-select', () => {
  const s = group();
  assert.is(open(s, SPLIT, 'random', { cap: 2 }), 'ok');
  assert.is(breakoutOf(s).cap, null);
});

opening('a person in two rooms, an unknown or removed person, a repeated room and an outside reporter are refused', () => {
  const s = group();
  s.must(facilitator, { type: 'participant.remove', participantId: FREDRIK });
  const refused = (rooms: Parameters<typeof draft>[0], detail: DetailOf<'invalid'>, ids?: string[]) => {
    const rows = draft(rooms).map((r, i) => (ids ? { ...r, id: ids[i] } : r));
    const decision = s.run(facilitator, { type: 'breakout.open', activityId: 'swot-1', assignment: 'manual', rooms: rows });
    assert.equal(decision.ok ? 'ok' : [decision.error, decision.detail], ['invalid', detail]);
  };
  refused([[ANNA, BERTIL], [CECILIA, ANNA]], 'member_twice');
  refused([[ANNA, ANNA]], 'member_twice');
  refused([[ANNA], ['p-nobody']], 'unknown_member');
  refused([[ANNA], [FREDRIK]], 'unknown_member');
  refused([[ANNA], [BERTIL]], 'duplicate_rooms', ['room-x', 'room-x']);
  refused([{ members: [ANNA], reporterId: BERTIL }, [BERTIL]], 'reporter_not_member');
  assert.is(s.state.activities[0].breakout, null);
  assert.is(open(s, [{ members: [ANNA, BERTIL], reporterId: BERTIL }, [CECILIA]]), 'ok');
  assert.is(breakoutOf(s).rooms[0].reporterId, BERTIL);
});

opening.run();

// ---------------------------------------------------------------------------------------------
const inRooms = suite('working in rooms');

inRooms('in a self-select breakout a participant picks a room, up to its cap', () => {
  const s = group();
  assert.is(open(s, [[], []], 'selfSelect', { cap: 2 }), 'ok');
  const join = (actor: typeof anna, roomId: string) => s.try(actor, { type: 'room.join', activityId: 'swot-1', roomId });
  assert.is(join(anna, 'room-1'), 'ok');
  assert.is(join(bertil, 'room-1'), 'ok');
  assert.is(join(cecilia, 'room-1'), 'room_full');
  assert.is(join(cecilia, 'room-2'), 'ok');
  const seq = s.state.seq;
  assert.is(join(anna, 'room-1'), 'ok', 'joining one’s own room again');
  assert.is(s.state.seq, seq, 'makes no event');
  assert.is(join(anna, 'room-2'), 'ok', 'changing room while there is space');
  assert.equal(breakoutOf(s).rooms.map((r) => r.members), [[BERTIL], [CECILIA, ANNA]]);
  assert.is(join(david, 'room-2'), 'room_full');
  assert.is(join(david, 'room-zz'), 'not_found');
  assert.is(s.try(facilitator, { type: 'room.join', activityId: 'swot-1', roomId: 'room-1' }), 'forbidden');
  s.must(facilitator, { type: 'breakout.close', activityId: 'swot-1' });
  assert.is(join(david, 'room-1'), 'not_current');
});

inRooms('without a cap a self-select room takes everyone', () => {
  const s = group();
  assert.is(open(s, [[], []], 'selfSelect'), 'ok');
  for (const [id] of PEOPLE) assert.is(s.try(participant(id), { type: 'room.join', activityId: 'swot-1', roomId: 'room-1' }), 'ok');
  assert.is(breakoutOf(s).rooms[0].members.length, PEOPLE.length);
});

inRooms('in a mixed, random or manual breakout participants cannot pick their room', () => {
  for (const assignment of ['mixed', 'random', 'manual'] as Assignment[]) {
    const s = group();
    assert.is(open(s, SPLIT, assignment), 'ok');
    assert.is(s.try(anna, { type: 'room.join', activityId: 'swot-1', roomId: 'room-2' }), 'forbidden', assignment);
    assert.is(roomIdOf(s, ANNA), 'room-1');
  }
});

inRooms('a participant’s note goes in their own room; another room is refused', () => {
  const s = group();
  assert.is(open(s, SPLIT), 'ok');
  assert.is(note(s, anna, 'note-anna-1'), 'ok');
  assert.is(s.state.notes['note-anna-1'].roomId, 'room-1');
  assert.is(note(s, anna, 'note-anna-2', 'room-1'), 'ok');
  assert.is(note(s, anna, 'note-anna-3', 'room-2'), 'forbidden');
  assert.is(note(s, anna, 'note-anna-4', 'room-zz'), 'forbidden');
  assert.is(s.state.notes['note-anna-3'], undefined);
});

inRooms('a participant without a room cannot post until they pick one', () => {
  const s = group();
  assert.is(open(s, [[BERTIL], []], 'selfSelect'), 'ok');
  assert.is(note(s, anna, 'note-anna-1'), 'no_room');
  assert.is(note(s, anna, 'note-anna-2', 'room-2'), 'no_room');
  s.must(anna, { type: 'room.join', activityId: 'swot-1', roomId: 'room-2' });
  assert.is(note(s, anna, 'note-anna-3'), 'ok');
  assert.is(s.state.notes['note-anna-3'].roomId, 'room-2');
});

inRooms('the facilitator posts into any room, or into the plenary', () => {
  const s = group();
  assert.is(open(s, SPLIT), 'ok');
  assert.is(note(s, facilitator, 'note-f-room2', 'room-2'), 'ok');
  assert.is(s.state.notes['note-f-room2'].roomId, 'room-2');
  assert.is(note(s, facilitator, 'note-f-plenary'), 'ok');
  assert.is(s.state.notes['note-f-plenary'].roomId, null);
  assert.is(note(s, facilitator, 'note-f-nowhere', 'room-zz'), 'not_found');
});

inRooms('outside a breakout nobody writes into a room', () => {
  const s = group();
  assert.is(note(s, anna, 'note-anna-0', 'room-1'), 'forbidden');
  assert.is(open(s, SPLIT), 'ok');
  s.must(facilitator, { type: 'breakout.close', activityId: 'swot-1' });
  assert.is(note(s, anna, 'note-anna-1', 'room-1'), 'forbidden');
  assert.is(note(s, anna, 'note-anna-2'), 'ok');
  assert.is(s.state.notes['note-anna-2'].roomId, null, 'back in the plenary');
});

inRooms('the facilitator moves someone: they leave their old room and are in exactly one', () => {
  const s = group();
  assert.is(open(s, SPLIT), 'ok');
  s.must(facilitator, { type: 'room.move', activityId: 'swot-1', roomId: 'room-2', participantId: ANNA });
  assert.equal(breakoutOf(s).rooms.map((r) => r.members), [[CECILIA, EVA], [BERTIL, DAVID, FREDRIK, ANNA]]);
  assert.equal(s.must(facilitator, { type: 'room.move', activityId: 'swot-1', roomId: 'room-2', participantId: ANNA }), [], 'no event when already there');
  assert.is(s.try(facilitator, { type: 'room.move', activityId: 'swot-1', roomId: 'room-zz', participantId: ANNA }), 'not_found');
  assert.is(s.try(facilitator, { type: 'room.move', activityId: 'swot-1', roomId: 'room-1', participantId: 'p-nobody' }), 'not_found');
  s.must(facilitator, { type: 'participant.remove', participantId: BERTIL });
  assert.is(s.try(facilitator, { type: 'room.move', activityId: 'swot-1', roomId: 'room-1', participantId: BERTIL }), 'not_found');
  assert.is(note(s, anna, 'note-anna-1'), 'ok');
  assert.is(s.state.notes['note-anna-1'].roomId, 'room-2');
});

inRooms('the room’s reporter writes its summary; nobody else in the room, and nothing else', () => {
  const s = group();
  assert.is(open(s, [{ members: [ANNA, CECILIA, EVA], reporterId: CECILIA }, { members: [BERTIL, DAVID, FREDRIK] }]), 'ok');
  const update = (actor: typeof anna, fields: Record<string, unknown>, roomId = 'room-1') =>
    s.try(actor, { type: 'room.update', activityId: 'swot-1', roomId, ...fields } as CommandInput);
  assert.is(update(cecilia, { summary: 'Vi vill ha gemensamma utbildningsdagar' }), 'ok');
  assert.is(breakoutOf(s).rooms[0].summary, 'Vi vill ha gemensamma utbildningsdagar');
  assert.is(update(anna, { summary: 'Kapad' }), 'forbidden', 'a member who is not the reporter');
  assert.is(update(bertil, { summary: 'Kapad' }, 'room-2'), 'forbidden', 'a room without a reporter');
  assert.is(update(cecilia, { summary: 'Kapad' }, 'room-2'), 'forbidden', 'another room');
  assert.is(update(cecilia, { name: 'Kalmar södra' }), 'forbidden', 'the reporter renaming');
  assert.is(update(cecilia, { summary: 'Ny', reporterId: ANNA }), 'forbidden', 'the reporter handing over');
  assert.is(breakoutOf(s).rooms[0].summary, 'Vi vill ha gemensamma utbildningsdagar');
  assert.is(update(facilitator, { name: 'Kalmar södra', reporterId: ANNA, videoUrl: 'https://meet.example/rum1' }), 'ok');
  assert.equal(
    { ...breakoutOf(s).rooms[0], members: [] },
    { id: 'room-1', name: 'Kalmar södra', members: [], reporterId: ANNA, videoUrl: 'https://meet.example/rum1', summary: 'Vi vill ha gemensamma utbildningsdagar' },
  );
  assert.is(update(facilitator, { reporterId: 'p-nobody' }), 'invalid', 'a reporter must be a member');
  assert.is(update(facilitator, { reporterId: BERTIL }), 'invalid', 'someone of another room cannot report for this one');
  const seq = s.state.seq;
  assert.is(update(facilitator, { name: 'Kalmar södra' }), 'ok');
  assert.is(s.state.seq, seq, 'an unchanged name makes no event');
  s.must(facilitator, { type: 'breakout.close', activityId: 'swot-1' });
  assert.is(update(anna, { summary: 'Till återkopplingen' }), 'ok', 'the summary is written after closing too');
});

inRooms('a newcomer during the breakout is placed by its rule; with self-select or no breakout, not', () => {
  const s = group();
  assert.equal(placeNewcomer(s.state, ANNA), [], 'no breakout open');
  assert.is(open(s, [[ANNA, BERTIL], [CECILIA]]), 'ok');
  s.record(joined('p-greta', 'Kalmar kommun', 'kommun'));
  const rooms = breakoutOf(s).rooms;
  const smallest = Math.min(...rooms.map((r) => r.members.length));
  const events = placeNewcomer(s.state, 'p-greta');
  assert.is(events.length, 1);
  const event = events[0] as Extract<WorkshopEvent, { type: 'room.joined' }>;
  assert.is(event.type, 'room.joined');
  assert.is(rooms.find((r) => r.id === event.roomId)!.members.length, smallest);
  assert.is(rooms.find((r) => r.id === event.roomId)!.members.includes(BERTIL), false, 'not with the other one from Kalmar kommun');
  events.forEach((e) => s.record(e));
  assert.equal(placeNewcomer(s.state, 'p-greta'), [], 'placed once');

  const selfSelect = group();
  assert.is(open(selfSelect, [[], []], 'selfSelect'), 'ok');
  selfSelect.record(joined('p-greta', 'Kalmar kommun', 'kommun'));
  assert.equal(placeNewcomer(selfSelect.state, 'p-greta'), []);
});

inRooms('the timer and announcements are set and cleared; a change to nothing makes no event', () => {
  const s = group();
  assert.equal(s.must(facilitator, { type: 'timer.pause' }), []);
  const [started] = s.must(facilitator, { type: 'timer.start', seconds: 600 });
  assert.equal(started, { type: 'timer.set', timer: { endsAt: s.now + 600_000, remainingMs: 600_000, durationMs: 600_000 } });
  s.must(facilitator, { type: 'timer.stop' });
  assert.is(s.state.timer, null);
  s.must(facilitator, { type: 'announcement.send', text: '2 minuter kvar' });
  assert.equal(s.state.announcement, { text: '2 minuter kvar', at: s.now });
  assert.equal(view(s.state, projector).announcement, s.state.announcement);
  s.must(facilitator, { type: 'announcement.clear' });
  assert.is(s.state.announcement, null);
  assert.equal(s.must(facilitator, { type: 'announcement.clear' }), []);
});

inRooms('a reporter who moves to another room stops reporting; after closing nobody moves', () => {
  const s = group();
  assert.is(open(s, [{ members: [ANNA, CECILIA, EVA], reporterId: CECILIA }, { members: [BERTIL, DAVID, FREDRIK] }]), 'ok');
  s.must(facilitator, { type: 'room.move', activityId: 'swot-1', roomId: 'room-2', participantId: CECILIA });
  assert.is(breakoutOf(s).rooms[0].reporterId, null);
  s.must(facilitator, { type: 'breakout.close', activityId: 'swot-1' });
  const moved = s.try(facilitator, { type: 'room.move', activityId: 'swot-1', roomId: 'room-1', participantId: CECILIA });
  assert.is(moved, 'not_current', 'the report-back keeps who was where');
});

inRooms.run();

// ---------------------------------------------------------------------------------------------
const closing = suite('who sees which notes, and closing');

closing('while rooms are open a participant sees the plenary and their own room; the projector only the plenary', () => {
  const s = group();
  assert.is(note(s, facilitator, 'note-before'), 'ok');
  assert.is(open(s, SPLIT), 'ok');
  assert.is(note(s, anna, 'note-room1-a'), 'ok');
  assert.is(note(s, bertil, 'note-room2-b'), 'ok');
  assert.is(note(s, facilitator, 'note-room2-f', 'room-2'), 'ok');
  assert.is(note(s, facilitator, 'note-plenary'), 'ok');
  assert.equal(noteIds(view(s.state, anna)), ['note-before', 'note-plenary', 'note-room1-a']);
  assert.equal(noteIds(view(s.state, eva)), ['note-before', 'note-plenary', 'note-room1-a']);
  assert.equal(noteIds(view(s.state, david)), ['note-before', 'note-plenary', 'note-room2-b', 'note-room2-f']);
  assert.equal(noteIds(view(s.state, projector)), ['note-before', 'note-plenary']);
  assert.equal(noteIds(view(s.state, facilitator)), noteIds(s.state));
});

closing('after closing everyone sees every room’s notes, and the rooms stay on the activity', () => {
  const s = group();
  assert.is(open(s, [{ members: SPLIT[0], reporterId: ANNA }, SPLIT[1]]), 'ok');
  assert.is(note(s, anna, 'note-room1-a'), 'ok');
  assert.is(note(s, bertil, 'note-room2-b'), 'ok');
  s.must(facilitator, { type: 'room.move', activityId: 'swot-1', roomId: 'room-1', participantId: FREDRIK });
  const [closed] = s.must(facilitator, { type: 'breakout.close', activityId: 'swot-1' });
  assert.equal(closed, { type: 'breakout.closed', activityId: 'swot-1', at: s.now });
  for (const viewer of [anna, bertil, participant(FREDRIK), projector, facilitator])
    assert.equal(noteIds(view(s.state, viewer)), ['note-room1-a', 'note-room2-b'], JSON.stringify(viewer));
  const breakout = breakoutOf(s);
  assert.is(breakout.open, false);
  assert.is(breakout.closedAt, s.now);
  assert.equal(breakout.rooms.map((r) => r.members), [[ANNA, CECILIA, EVA, FREDRIK], [BERTIL, DAVID]]);
  assert.is(breakout.rooms[0].reporterId, ANNA);
  assert.equal(s.must(facilitator, { type: 'breakout.close', activityId: 'swot-1' }), [], 'closing twice makes no event');
  assert.is(s.try(facilitator, { type: 'breakout.close', activityId: 'no-such-activity' }), 'not_found');
});

closing.run();
