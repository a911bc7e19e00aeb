// The breakout preview over HTTP: any client, given the facilitator key, gets the very split the
// facilitator's page would deal and open, without running the project's code.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { BreakoutPreview, CreatedWorkshop } from '../shared/protocol.ts';
import type { OrgKind } from '../shared/workshop/model.ts';
import { breakoutPeople, planSplit, roomCountForSize } from '../shared/workshop/rooms.ts';
import { createWorkshop, facilitator, participant, type TestClient } from './helpers/clients.ts';
import { startServer, type TestServer } from './helpers/server.ts';

const HALL: Array<{ name: string; organisation: string; orgKind: OrgKind }> = [
  { name: 'Gudrun Johnsson', organisation: 'Nybro kommun', orgKind: 'kommun' },
  { name: 'Carina Leijon', organisation: 'Nybro kommun', orgKind: 'kommun' },
  { name: 'Mattias Ask', organisation: 'Kalmar kommun', orgKind: 'kommun' },
  { name: 'Sofia Hartz', organisation: 'Region Kalmar län', orgKind: 'region' },
  { name: 'Johan Rosenqvist', organisation: 'Region Kalmar län', orgKind: 'region' },
  { name: 'Sven-Erik Karlsson', organisation: 'Brukarrådet', orgKind: 'brukarrepresentant' },
  { name: 'Claes Wiridén', organisation: 'Torsås kommun', orgKind: 'kommun' },
];

interface Ctx {
  srv: TestServer;
  created: CreatedWorkshop;
  f: TestClient;
  hall: TestClient[];
}

const preview = suite<Ctx>('breakout preview');

preview.before(async (ctx) => {
  ctx.srv = await startServer({ memory: true });
  ctx.created = await createWorkshop(ctx.srv.url);
  ctx.f = await facilitator(ctx.srv.url, ctx.created);
  ctx.hall = [];
  for (const who of HALL) ctx.hall.push(await participant(ctx.srv.url, ctx.created.id, who));
  await ctx.f.until((s) => Object.keys(s.participants).length === HALL.length);
});
preview.after(async (ctx) => {
  for (const c of [ctx.f, ...ctx.hall]) c.close();
  await ctx.srv.close();
});

function ask(ctx: Ctx, body: unknown, key: string | null = ctx.created.facilitatorKey, id = ctx.created.id) {
  return fetch(`${ctx.srv.url}/api/workshops/${id}/breakout-preview`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key !== null && { authorization: `Bearer ${key}` }) },
    body: JSON.stringify(body),
  });
}

async function split(ctx: Ctx, body: Record<string, unknown>): Promise<BreakoutPreview> {
  const res = await ask(ctx, { activityId: ctx.f.state!.activities[0].id, ...body });
  assert.is(res.status, 200, await res.clone().text());
  assert.is(res.headers.get('cache-control'), 'no-store');
  return (await res.json()) as BreakoutPreview;
}

preview('answers the rooms the facilitator’s page deals from the same people, count and seed', async (ctx) => {
  const answer = await split(ctx, { assignment: 'mixed', rooms: 3, seed: 1_767_225_600_000 });
  const people = breakoutPeople(ctx.f.state!.participants);
  const page = planSplit(people, new Set(people.map((p) => p.id)), 3, 'mixed', 1_767_225_600_000, {});
  assert.equal(answer, {
    assignment: 'mixed',
    seed: 1_767_225_600_000,
    rooms: page.rooms.map((members, i) => ({ name: `Grupp ${i + 1}`, members })),
    unplaced: [],
  });
  assert.equal(answer.rooms.flatMap((r) => r.members).sort(), people.map((p) => p.id).sort(), 'everyone once');
  // Mixed: the two from Nybro kommun and the two from Region Kalmar län are split up.
  const orgOf = (id: string) => ctx.f.state!.participants[id].organisation;
  for (const room of answer.rooms) assert.is(new Set(room.members.map(orgOf)).size, room.members.length, room.name);
});

preview('the same seed deals the same; without one the answer says which was used', async (ctx) => {
  const first = await split(ctx, { assignment: 'random', rooms: 2 });
  assert.ok(Number.isSafeInteger(first.seed) && first.seed > 0);
  assert.equal(await split(ctx, { assignment: 'random', rooms: 2, seed: first.seed }), first);
});

preview('rooms by name, by size, and the assignments that leave everyone to place', async (ctx) => {
  const named = await split(ctx, { assignment: 'mixed', rooms: ['Norra länet', 'Södra länet'], seed: 7 });
  assert.equal(named.rooms.map((r) => r.name), ['Norra länet', 'Södra länet']);
  const bySize = await split(ctx, { assignment: 'random', size: 2, seed: 7 });
  assert.is(bySize.rooms.length, roomCountForSize(HALL.length, 2));
  for (const assignment of ['manual', 'selfSelect']) {
    const empty = await split(ctx, { assignment, rooms: 4, seed: 7 });
    assert.equal(empty.rooms.map((r) => r.members), [[], [], [], []], assignment);
    assert.is(empty.unplaced.length, HALL.length, assignment);
  }
});

preview('opening the previewed rooms gives exactly those rooms', async (ctx) => {
  const activityId = ctx.f.state!.activities[0].id;
  const answer = await split(ctx, { assignment: 'mixed', rooms: 3, seed: 99 });
  const rooms = answer.rooms.map((r, i) => ({ id: `forhand-rum-${i + 1}`, ...r }));
  const ack = await ctx.f.command({ type: 'breakout.open', activityId, assignment: answer.assignment, rooms });
  assert.ok(ack.ok, JSON.stringify(ack));
  const opened = await ctx.f.until((s) => !!s.activities[0].breakout);
  assert.equal(opened.activities[0].breakout!.rooms.map((r) => ({ name: r.name, members: r.members })), answer.rooms);
});

preview('is the facilitator’s: no key, a wrong key or a participant’s token is refused', async (ctx) => {
  const body = { activityId: ctx.f.state!.activities[0].id, assignment: 'mixed', rooms: 2 };
  const none = await ask(ctx, body, null);
  assert.is(none.status, 401);
  assert.is(none.headers.get('www-authenticate'), 'Bearer');
  for (const key of ['fel-nyckel-som-inte-stammer', ctx.hall[0].auth.participantToken!]) {
    const wrong = await ask(ctx, body, key);
    assert.is(wrong.status, 403);
    assert.equal(await wrong.json(), { ok: false, error: 'forbidden', message: 'Nyckeln gäller inte den här workshoppen.', detail: 'key' });
  }
  const unknown = await ask(ctx, body, ctx.created.facilitatorKey, 'finns-inte-123');
  assert.is(unknown.status, 404);
  assert.is(((await unknown.json()) as { detail: string }).detail, 'workshop');
});

preview('a request it cannot deal says which field is wrong, in the workshop’s language', async (ctx) => {
  const activityId = ctx.f.state!.activities[0].id;
  const cases: Array<[unknown, number, string, string]> = [
    [{ activityId, assignment: 'mixed', rooms: 2, size: 3 }, 400, 'invalid', 'rooms'],
    [{ activityId, assignment: 'mixed' }, 400, 'invalid', 'rooms'],
    [{ activityId, assignment: 'alphabetical', rooms: 2 }, 400, 'invalid', 'assignment'],
    [{ activityId, assignment: 'mixed', rooms: 61 }, 400, 'invalid', 'rooms'],
    [{ activityId, assignment: 'mixed', rooms: 2, seed: -1 }, 400, 'invalid', 'seed'],
    [{ activityId, assignment: 'mixed', rooms: 2, members: [] }, 400, 'invalid', 'payload'],
    [{ activityId: 'ingen-sadan-aktivitet', assignment: 'mixed', rooms: 2 }, 404, 'not_found', 'activity'],
  ];
  for (const [body, status, error, detail] of cases) {
    const res = await ask(ctx, body);
    const json = (await res.json()) as { error: string; detail: string; message: string };
    assert.equal([res.status, json.error, json.detail], [status, error, detail], JSON.stringify(body));
    assert.not.match(json.message, /[{}]|must|expected/i, json.message);
  }
  const res = await ask(ctx, { activityId, assignment: 'mixed', rooms: 2, size: 3 });
  assert.is(((await res.json()) as { message: string }).message, 'Ogiltiga uppgifter: rooms har fel format.');
});

preview.run();
