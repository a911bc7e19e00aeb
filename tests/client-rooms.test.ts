// The facilitator's room plan and the countdown face, as the browser computes them.
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isVideoUrl, planSplit } from '../client/src/lib/breakoutPlan.ts';
import { formatClock, timeLeft } from '../client/src/lib/timer.ts';
import type { Member } from '../shared/workshop/rooms.ts';

const people: Member[] = [
  { id: 'p-anna', orgKind: 'kommun', organisation: 'Nybro kommun' },
  { id: 'p-bo', orgKind: 'kommun', organisation: 'Kalmar kommun' },
  { id: 'p-cia', orgKind: 'region', organisation: 'Region Kalmar län' },
  { id: 'p-dan', orgKind: 'region', organisation: 'Region Kalmar län' },
  { id: 'p-eva', orgKind: 'brukarrepresentant', organisation: 'Brukarrådet' },
];
const everyone = new Set(people.map((p) => p.id));

const plan = suite('planning the rooms');

plan('the preview is the seeded split, the same every time for the same seed', () => {
  const a = planSplit(people, everyone, 2, 'mixed', 42, {});
  const b = planSplit(people, everyone, 2, 'mixed', 42, {});
  assert.equal(a, b);
  assert.equal(a.unplaced, []);
  assert.equal(a.rooms.flat().sort(), [...everyone].sort());
  assert.ok(Math.abs(a.rooms[0].length - a.rooms[1].length) <= 1);
});

plan('a person moved by hand stays where the facilitator put them', () => {
  const before = planSplit(people, everyone, 2, 'mixed', 7, {});
  const anna = before.rooms[0].includes('p-anna') ? 0 : 1;
  const after = planSplit(people, everyone, 2, 'mixed', 7, { 'p-anna': 1 - anna });
  assert.ok(after.rooms[1 - anna].includes('p-anna'));
  assert.not.ok(after.rooms[anna].includes('p-anna'));
  const out = planSplit(people, everyone, 2, 'mixed', 7, { 'p-anna': -1 });
  assert.equal(out.unplaced, ['p-anna'], 'taken out of every room');
});

plan('someone who joins after the shuffle is left unplaced instead of reshuffling the rooms', () => {
  const planned = new Set(people.slice(0, 4).map((p) => p.id));
  const split = planSplit(people, planned, 2, 'mixed', 3, {});
  assert.equal(split.unplaced, ['p-eva']);
  assert.equal(split.rooms, planSplit(people.slice(0, 4), planned, 2, 'mixed', 3, {}).rooms);
});

plan('everyone present is in exactly one room or unplaced, whatever the moves', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 4 }),
      fc.constantFrom('mixed', 'random', 'manual', 'selfSelect' as const),
      fc.integer(),
      fc.dictionary(fc.constantFrom(...everyone), fc.integer({ min: -1, max: 5 })),
      (rooms, assignment, seed, moves) => {
        const split = planSplit(people, everyone, rooms, assignment, seed, moves);
        const all = [...split.rooms.flat(), ...split.unplaced].sort();
        assert.equal(all, [...everyone].sort());
        assert.is(split.rooms.length, rooms);
      },
    ),
  );
});

plan('only web links are accepted as video links', () => {
  for (const ok of ['', 'https://teams.microsoft.com/l/meetup-join/abc', 'http://zoom.example/j/123']) assert.ok(isVideoUrl(ok), ok);
  for (const bad of ['javascript:alert(1)', 'data:text/html,x', 'teams möte', 'https://a b']) assert.not.ok(isVideoUrl(bad), bad);
});

plan.run();

const clock = suite('the countdown');

clock('a running timer counts down in server time; a paused one stands still', () => {
  const now = 1_000_000;
  assert.is(timeLeft({ endsAt: now + 90_000, remainingMs: 120_000, durationMs: 120_000 }, now), 90_000);
  assert.is(timeLeft({ endsAt: now - 5, remainingMs: 1, durationMs: 1 }, now), 0, 'never below zero');
  assert.is(timeLeft({ endsAt: null, remainingMs: 42_000, durationMs: 60_000 }, now + 999_999), 42_000);
});

clock('the face rounds seconds up so it shows 0:00 only when time is up', () => {
  assert.is(formatClock(300_000), '5:00');
  assert.is(formatClock(299_001), '5:00');
  assert.is(formatClock(299_000), '4:59');
  assert.is(formatClock(1), '0:01');
  assert.is(formatClock(0), '0:00');
  assert.is(formatClock(-500), '0:00');
  assert.is(formatClock(3_900_000), '1:05:00');
});

clock.run();
