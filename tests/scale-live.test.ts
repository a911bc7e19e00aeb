// Scale questions (skalfrågor) over real sockets, a real server and SQLite: nobody's answer reaches
// another phone or the projector, in live events, catch-up or a snapshot, and no figure at all
// does until the facilitator reveals it; then the projector gets the figures per statement and
// kind, the kommun/region gap marked, the lone brukarrepresentant as "färre än 3". And 200
// phones answering at once, some changing their answer and some resending the same command,
// land every answer exactly once.
import { nanoid } from 'nanoid';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CreatedWorkshop, Projection, Snapshot } from '../shared/protocol.ts';
import type { Sequenced } from '../shared/workshop/events.ts';
import type { OrgKind } from '../shared/workshop/model.ts';
import { scaleTally, type ScaleAnswer, type ScaleFigures } from '../shared/workshop/scale.ts';
import { createWorkshop, facilitator, participant, TestClient } from './helpers/clients.ts';
import { startServer, type TestServer } from './helpers/server.ts';

const STATEMENTS = ['Samverkan mellan kommun och region fungerar väl', 'Vi har en gemensam bild av behoven'];

interface Ctx {
  srv: TestServer;
  created: CreatedWorkshop;
  clients: TestClient[];
}

const live = suite<Ctx>('scale questions over real sockets');
live.before(async (ctx) => {
  // Two hundred phones at once is the point here, not the flood guard.
  ctx.srv = await startServer({ realtimeLimits: { participantRate: 1000, facilitatorRate: 1000 } });
});
live.before.each(async (ctx) => {
  ctx.created = await createWorkshop(ctx.srv.url, { title: 'LGS', agenda: [{ kind: 'scale', title: 'Hur fungerar samverkan?', questions: STATEMENTS }] });
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

/** The facilitator shows the question and starts it on a 1–5 scale with "Vet inte". */
async function start(f: TestClient): Promise<string> {
  const activityId = f.state!.activities[0].id;
  await must(f, { type: 'activity.focus', activityId });
  await must(f, { type: 'scale.start', activityId, max: 5, minLabel: 'Stämmer inte alls', maxLabel: 'Stämmer helt', dontKnow: true });
  return activityId;
}

const projections = (c: TestClient): Projection[] =>
  c.received.flatMap(({ name, payload }) =>
    name === 'projection' ? [payload as Projection] : name === 'snapshot' ? [(payload as Snapshot).projection] : [],
  );
const events = (c: TestClient) => c.received.filter((r) => r.name === 'events').flatMap((r) => r.payload as Sequenced[]);
const snapshots = (c: TestClient) => c.received.filter((r) => r.name === 'snapshot').map((r) => r.payload as Snapshot);

async function waitFor(check: () => boolean, what: string, ms = 5000) {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`never happened within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

type Who = { name: string; organisation: string; orgKind: OrgKind };
const of = (orgKind: OrgKind, organisation: string) => (name: string): Who => ({ name, organisation, orgKind });
const [kommun, region, brukare] = [of('kommun', 'Nybro kommun'), of('region', 'Region Kalmar län'), of('brukarrepresentant', 'NSPH Kalmar län')];

live('no answer and no figure reaches a phone or the projector before the reveal; then figures per kind with the gap', async (ctx) => {
  const f = await facilitator(ctx.srv.url, ctx.created);
  const who = [kommun('Anna'), kommun('Bertil'), kommun('Cecilia'), region('Fatima'), region('Gustav'), region('Hanna'), brukare('Ingrid')];
  const people = await Promise.all(who.map((w) => participant(ctx.srv.url, ctx.created.id, w)));
  const projector = new TestClient(ctx.srv.url, { workshopId: ctx.created.id });
  ctx.clients.push(f, ...people, projector);
  await projector.connected();
  const activityId = await start(f);
  // Ingrid's answers are the ones a leak would show: 1 and "Vet inte", nobody else's.
  const answers: Array<[ScaleAnswer, ScaleAnswer]> = [[2, 4], [1, 4], [2, 3], [5, 4], [4, 3], [5, 4], [1, 'dontKnow']];
  await Promise.all(
    people.map(async (p, i) => {
      await must(p, { type: 'scale.answer', activityId, statementId: 's1', value: answers[i][0] });
      await must(p, { type: 'scale.answer', activityId, statementId: 's2', value: answers[i][1] });
    }),
  );
  // A phone and a second projector that come in after the answers get a snapshot of their own.
  const late = await participant(ctx.srv.url, ctx.created.id, kommun('Vera'));
  const returning = new TestClient(ctx.srv.url, { workshopId: ctx.created.id });
  ctx.clients.push(late, returning);
  await returning.connected();
  await waitFor(() => projections(projector).at(-1)?.voters[activityId] === 7, 'the projector may count who answered');

  const audience = [...people, late, projector, returning];
  for (const c of audience) {
    const me = c.participant?.id;
    for (const { event } of events(c))
      if (event.type === 'scale.answered') assert.is(event.participantId, me, 'only one\'s own answer comes back');
    for (const snap of snapshots(c))
      for (const pid of Object.keys(snap.workshop.scaleAnswers?.[activityId] ?? {})) assert.is(pid, me, 'no one else\'s answer in a snapshot');
    for (const p of projections(c)) assert.is(p.scales?.[activityId], undefined, 'no figure before the reveal');
  }
  assert.not.ok(JSON.stringify(projector.received).includes('scale.answered'), 'never an answer on the projector');

  await must(f, { type: 'scale.change', activityId, open: false, revealed: true });
  await waitFor(() => !!projections(projector).at(-1)?.scales?.[activityId], 'the projector gets the result');
  await waitFor(() => !!projections(returning).at(-1)?.scales?.[activityId], 'so does the second projector');
  const shown = projections(projector).at(-1)!.scales![activityId];
  assert.equal(shown, scaleTally(f.state!, activityId), 'what the facilitator tallies');
  assert.is(shown.respondents, 7);
  const [s1] = shown.statements;
  assert.is(s1.byKind.brukarrepresentant, 'fewerThan3');
  // Ingrid alone is held back: so is the smallest kind shown, else the total less it would be hers.
  assert.is(s1.byKind.kommun, 'withheld');
  assert.is((s1.byKind.region as ScaleFigures).mean, 14 / 3);
  const raw = JSON.stringify(projector.received);
  assert.not.ok(/"brukarrepresentant":\{/.test(raw), 'no figures of her kind on the wire');
});

live('the gap between kommun and region is marked where it is largest once both have three or more', async (ctx) => {
  const f = await facilitator(ctx.srv.url, ctx.created);
  const who = [kommun('Anna'), kommun('Bertil'), kommun('Cecilia'), region('Fatima'), region('Gustav'), region('Hanna')];
  const people = await Promise.all(who.map((w) => participant(ctx.srv.url, ctx.created.id, w)));
  const projector = new TestClient(ctx.srv.url, { workshopId: ctx.created.id });
  ctx.clients.push(f, ...people, projector);
  await projector.connected();
  const activityId = await start(f);
  await must(f, { type: 'scale.change', activityId, revealed: true });
  const answers = [[2, 4], [1, 4], [2, 3], [5, 4], [4, 3], [5, 4]];
  await Promise.all(people.map(async (p, i) => {
    await must(p, { type: 'scale.answer', activityId, statementId: 's1', value: answers[i][0] });
    await must(p, { type: 'scale.answer', activityId, statementId: 's2', value: answers[i][1] });
  }));
  await waitFor(() => projections(projector).at(-1)?.scales?.[activityId]?.respondents === 6, 'the projector sees all six answers live after the reveal');
  const [s1, s2] = projections(projector).at(-1)!.scales![activityId].statements;
  assert.ok(s1.largestGap);
  assert.is(s1.gap, 5 / 3 - 14 / 3);
  assert.not.ok(s2.largestGap);
});

live('200 phones answer at once: every answer lands once, a changed one as its last value', async (ctx) => {
  const f = await facilitator(ctx.srv.url, ctx.created);
  ctx.clients.push(f);
  const kinds: OrgKind[] = ['kommun', 'region', 'brukarrepresentant', 'annan'];
  const phones: TestClient[] = [];
  for (let batch = 0; batch < 200; batch += 25) {
    const joined = await Promise.all(
      Array.from({ length: 25 }, (_, i) => participant(ctx.srv.url, ctx.created.id, { name: `Person ${batch + i}`, organisation: 'Org', orgKind: kinds[(batch + i) % 4] })),
    );
    phones.push(...joined);
    ctx.clients.push(...joined);
  }
  await f.until((s) => Object.keys(s.participants).length === 200, 10_000);
  const activityId = await start(f);
  await Promise.all(phones.map((p) => p.until((s) => !!s.activities[0].scale?.open, 10_000)));
  const first = (i: number): ScaleAnswer => (i % 7 === 0 ? 'dontKnow' : (i % 5) + 1);
  const last = (i: number): ScaleAnswer => (i % 3 === 0 ? ((i + 2) % 5) + 1 : first(i));
  // Everyone at once; every third changes their mind; every fifth resends its command (same id).
  const acks = await Promise.all(
    phones.map(async (p, i) => {
      const id = nanoid();
      const a = await p.command({ type: 'scale.answer', activityId, statementId: 's1', value: first(i) }, id);
      const again = i % 5 === 0 ? await p.command({ type: 'scale.answer', activityId, statementId: 's1', value: first(i) }, id) : a;
      const changed = i % 3 === 0 ? await p.command({ type: 'scale.answer', activityId, statementId: 's1', value: last(i) }) : a;
      return [a, again, changed];
    }),
  );
  assert.ok(acks.flat().every((a) => a.ok), 'every answer acknowledged');
  const expected = (state: NonNullable<typeof f.state>) =>
    phones.every((p, i) => state.scaleAnswers?.[activityId]?.[p.participant!.id]?.s1 === last(i));
  await f.until(expected, 10_000);
  const answered = events(f).filter(({ event }) => event.type === 'scale.answered');
  const changers = phones.filter((_, i) => i % 3 === 0 && last(i) !== first(i)).length;
  assert.is(answered.length, 200 + changers, 'one event per answer and per change; a resent command adds none');
  const result = scaleTally(f.state!, activityId)!;
  assert.is(result.respondents, 200);
  assert.is(result.statements[0].respondents, 200, 'a changed answer counts once');
  assert.equal(
    kinds.map((k) => (result.statements[0].byKind[k] as ScaleFigures).respondents),
    [50, 50, 50, 50],
  );
  // Each phone holds only its own answer.
  await Promise.all(
    phones.map((p, i) =>
      p.until((s) => {
        const held = s.scaleAnswers?.[activityId] ?? {};
        return Object.keys(held).length === 1 && held[p.participant!.id]?.s1 === last(i);
      }, 10_000),
    ),
  );
  // The server's own state, folded from the store, holds the same.
  const stored = await ctx.srv.server.workshops.read(ctx.created.id, ({ state: s }) => scaleTally(s, activityId));
  assert.equal(stored, result);
});

live.run();
