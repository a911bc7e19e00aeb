// 100 poäng over real sockets, a real server and SQLite: nobody's points reach another phone or the
// projector, live, in a snapshot or a projection, until the facilitator reveals the result; and
// 200 phones sharing out their points at once, some twice and some resending the same command,
// land every answer exactly once.
import { nanoid } from 'nanoid';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CreatedWorkshop, Projection, Snapshot } from '../shared/protocol.ts';
import type { Sequenced } from '../shared/workshop/events.ts';
import type { OrgKind } from '../shared/workshop/model.ts';
import { pointsTally } from '../shared/workshop/points.ts';
import { createWorkshop, facilitator, participant, TestClient } from './helpers/clients.ts';
import { startServer, type TestServer } from './helpers/server.ts';

const AREAS = ['Nära vård', 'Barn och unga', 'Psykisk hälsa', 'Äldre'];

interface Ctx {
  srv: TestServer;
  created: CreatedWorkshop;
  clients: TestClient[];
}

const live = suite<Ctx>('100 poäng over real sockets');
live.before(async (ctx) => {
  ctx.srv = await startServer({ realtimeLimits: { participantRate: 1000, facilitatorRate: 1000 } });
});
live.before.each(async (ctx) => {
  ctx.created = await createWorkshop(ctx.srv.url, { title: 'LGS', agenda: [{ kind: 'points', title: 'Var ska pengarna gå?' }] });
  ctx.clients = [];
});
live.after.each((ctx) => ctx.clients.forEach((c) => c.close()));
live.after(async (ctx) => {
  await ctx.srv.close();
});

async function must(c: TestClient, command: Record<string, unknown>): Promise<number> {
  const ack = await c.command(command);
  if (!ack.ok) throw new Error(`${String(command.type)} refused: ${ack.error} ${ack.detail ?? ''}`);
  return ack.data.seq;
}

async function open(f: TestClient) {
  const activity = f.state!.activities[0];
  const options = AREAS.map(() => `opt-${nanoid(10)}`);
  for (const [i, noteId] of options.entries())
    await must(f, { type: 'note.add', noteId, activityId: activity.id, columnId: activity.columns[0].id, text: AREAS[i] });
  await must(f, { type: 'voting.start', activityId: activity.id, dotsPerPerson: 1, maxPerOption: 1 });
  return { activityId: activity.id, options };
}

const projections = (c: TestClient): Projection[] =>
  c.received.flatMap(({ name, payload }) => (name === 'projection' ? [payload as Projection] : name === 'snapshot' ? [(payload as Snapshot).projection] : []));
const events = (c: TestClient) => c.received.filter((r) => r.name === 'events').flatMap((r) => r.payload as Sequenced[]);

async function waitFor(check: () => boolean, what: string, ms = 5000) {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`never happened within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const share = (options: string[], given: number[]) => Object.fromEntries(options.map((o, i) => [o, given[i]]).filter(([, p]) => (p as number) > 0));

live('no points and no result reach a phone or the projector before the reveal', async (ctx) => {
  const f = await facilitator(ctx.srv.url, ctx.created);
  const who: Array<[string, OrgKind]> = [['Anna', 'kommun'], ['Bertil', 'kommun'], ['Cecilia', 'kommun'], ['Fatima', 'region']];
  const people = await Promise.all(who.map(([name, orgKind]) => participant(ctx.srv.url, ctx.created.id, { name, organisation: 'Org', orgKind })));
  const projector = new TestClient(ctx.srv.url, { workshopId: ctx.created.id });
  ctx.clients.push(f, ...people, projector);
  await projector.connected();
  const { activityId, options } = await open(f);
  await Promise.all(people.map((p, i) => must(p, { type: 'points.submit', activityId, points: share(options, i % 2 ? [70, 10, 10, 10] : [10, 20, 30, 40]) })));
  const late = new TestClient(ctx.srv.url, { workshopId: ctx.created.id });
  ctx.clients.push(late);
  await late.connected();
  await waitFor(() => projections(projector).at(-1)?.voters[activityId] === 4, 'the projector counts who answered');
  for (const c of [...people, projector, late]) {
    const me = c.participant?.id;
    for (const { event } of events(c)) if (event.type === 'ballot.set') assert.is(event.participantId, me);
    for (const p of projections(c)) assert.is(p.points?.[activityId], undefined, 'no result before the reveal');
    for (const r of c.received.filter((x) => x.name === 'snapshot'))
      assert.equal(Object.keys((r.payload as Snapshot).workshop.ballots[activityId] ?? {}).filter((id) => id !== me), []);
  }
  await must(f, { type: 'results.reveal', activityId, revealed: true });
  await waitFor(() => !!projections(projector).at(-1)?.points?.[activityId], 'the projector gets the result');
  const shown = projections(projector).at(-1)!.points![activityId];
  assert.equal(shown.respondentsByKind, { kommun: 'withheld', region: 'fewerThan3', brukarrepresentant: 0, annan: 0 });
  assert.equal(shown, pointsTally(f.state!, activityId));
  assert.not.ok(JSON.stringify(projector.received).includes('"ballot.set"'));
});

live('200 phones share out their points at once: every answer lands once', async (ctx) => {
  const f = await facilitator(ctx.srv.url, ctx.created);
  ctx.clients.push(f);
  const kinds: OrgKind[] = ['kommun', 'region', 'brukarrepresentant', 'annan'];
  const phones: TestClient[] = [];
  for (let batch = 0; batch < 200; batch += 25) {
    const joined = await Promise.all(Array.from({ length: 25 }, (_, i) => participant(ctx.srv.url, ctx.created.id, { name: `Person ${batch + i}`, organisation: 'Org', orgKind: kinds[(batch + i) % 4] })));
    phones.push(...joined);
    ctx.clients.push(...joined);
  }
  await f.until((s) => Object.keys(s.participants).length === 200, 10_000);
  const { activityId, options } = await open(f);
  await Promise.all(phones.map((p) => p.until((s) => !!s.activities[0].voting?.open, 10_000)));
  const first = (i: number) => [i % 100, 100 - (i % 100), 0, 0];
  const last = (i: number) => (i % 3 ? first(i) : [25, 25, 25, 25]);
  const acks = await Promise.all(
    phones.map(async (p, i) => {
      const id = nanoid();
      const a = await p.command({ type: 'points.submit', activityId, points: share(options, first(i)) }, id);
      const again = i % 5 === 0 ? await p.command({ type: 'points.submit', activityId, points: share(options, first(i)) }, id) : a;
      const changed = i % 3 === 0 ? await p.command({ type: 'points.submit', activityId, points: share(options, last(i)) }) : a;
      return [a, again, changed];
    }),
  );
  assert.ok(acks.flat().every((a) => a.ok), 'every answer acknowledged');
  await f.until((s) => Object.keys(s.ballots[activityId] ?? {}).length === 200, 10_000);
  const changers = phones.filter((_, i) => i % 3 === 0).length;
  assert.is(events(f).filter(({ event }) => event.type === 'ballot.set').length, 200 + changers, 'a resent command adds nothing');
  const result = pointsTally(f.state!, activityId);
  assert.is(result.respondents, 200);
  const expected = options.map((_, k) => phones.reduce((sum, _p, i) => sum + last(i)[k], 0));
  assert.equal(options.map((o) => result.options.find((r) => r.optionId === o)!.total), expected);
  const stored = await ctx.srv.server.workshops.read(ctx.created.id, ({ state }) => pointsTally(state, activityId));
  assert.equal(stored, result);
});

live.run();
