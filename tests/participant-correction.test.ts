// A facilitator corrects how someone joined, over real sockets and a real server: Cecilia from
// Region Kalmar län joined as kommun. Only a facilitator may correct, and only with what a join
// may hold; the correction reaches the other phones live and on reconnect, she keeps it when she
// resumes, her dots move to region in the tally by kind, the minutes list her under Region, and
// a new split into groups mixes her as region. Joining without a kind is refused as before.
import { nanoid } from 'nanoid';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Ack, BreakoutPreview, CreatedWorkshop, JoinAck, Projection, Snapshot } from '../shared/protocol.ts';
import type { Sequenced } from '../shared/workshop/events.ts';
import type { OptionResult, OrgKind } from '../shared/workshop/model.ts';
import { tally } from '../shared/workshop/voting.ts';
import { TestClient, createWorkshop, facilitator, participant } from './helpers/clients.ts';
import { startServer, type TestServer } from './helpers/server.ts';

interface Ctx {
  srv: TestServer;
  created: CreatedWorkshop;
  f: TestClient;
  clients: TestClient[];
}

type Who = { name: string; organisation: string; orgKind: OrgKind };
const CECILIA: Who = { name: 'Cecilia Frid', organisation: 'Region Kalmar län', orgKind: 'kommun' };
const ANNA: Who = { name: 'Anna Ek', organisation: 'Nybro kommun', orgKind: 'kommun' };

const correction = suite<Ctx>('a facilitator corrects how someone joined (real sockets)');

correction.before(async (ctx) => {
  ctx.srv = await startServer();
});
correction.before.each(async (ctx) => {
  ctx.created = await createWorkshop(ctx.srv.url, {
    title: 'LGS Kalmar län',
    agenda: [{ kind: 'prioritise', title: 'Vad ska vi prioritera?' }, { kind: 'brainstorm', title: 'Smågrupper' }],
  });
  ctx.f = await facilitator(ctx.srv.url, ctx.created);
  ctx.clients = [ctx.f];
});
correction.after.each((ctx) => ctx.clients.forEach((c) => c.close()));
correction.after(async (ctx) => {
  await ctx.srv.close();
});

async function join(ctx: Ctx, who: Who, token?: string): Promise<TestClient> {
  const c = await participant(ctx.srv.url, ctx.created.id, { ...who, token });
  ctx.clients.push(c);
  return c;
}

async function must(c: TestClient, command: Record<string, unknown>): Promise<number> {
  const ack = await c.command(command);
  if (!ack.ok) throw new Error(`${String(command.type)}: ${ack.error} ${ack.detail ?? ''} ${ack.message}`);
  return ack.data.seq;
}

async function waitFor(check: () => boolean, what: string, ms = 3000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Every event a socket received in `events` messages, in order. */
const eventsOf = (c: TestClient) =>
  c.received.flatMap(({ name, payload }) => (name === 'events' ? (payload as Sequenced[]) : []));

/** The last tally by kind a participant's socket was given (on its own or in a snapshot). */
function latestResults(c: TestClient, activityId: string): OptionResult[] | undefined {
  for (const { name, payload } of [...c.received].reverse()) {
    const projection = name === 'projection' ? (payload as Projection) : name === 'snapshot' ? (payload as Snapshot).projection : null;
    if (projection?.results[activityId]) return projection.results[activityId];
  }
  return undefined;
}

const seqOf = async (ctx: Ctx) => (await ctx.srv.seq(ctx.created.id)) ?? -1;

function summary(ctx: Ctx): Promise<string> {
  return fetch(`${ctx.srv.url}/api/workshops/${ctx.created.id}/summary.md`, {
    headers: { authorization: `Bearer ${ctx.created.facilitatorKey}` },
  }).then((res) => {
    assert.is(res.status, 200);
    return res.text();
  });
}

/**
 * Which kind the minutes list someone under in Närvarande: the label beside their organisation
 * ("**Region Kalmar län** (Kommun): Cecilia Frid"), or else the heading of kinds above their line.
 */
function listedKind(markdown: string, name: string): string | null {
  const start = markdown.indexOf('## Närvarande');
  const end = markdown.indexOf('\n## ', start + 1);
  const lines = markdown.slice(start, end < 0 ? undefined : end).split('\n');
  const at = lines.findIndex((l) => l.includes(name));
  if (start < 0 || at < 0) return null;
  const beside = /\*\*[^*]+\*\* \(([^)]+)\):/.exec(lines[at]);
  if (beside) return beside[1];
  const heading = lines.slice(0, at).reverse().find((l) => l.startsWith('### '));
  return heading ? heading.slice(4).trim() : null;
}

correction('only a facilitator may correct, with what a join may hold; nothing else is stored', async (ctx) => {
  const cecilia = await join(ctx, CECILIA);
  const anna = await join(ctx, ANNA);
  const bo = await join(ctx, { name: 'Bo Ek', organisation: 'Kalmar kommun', orgKind: 'kommun' });
  await must(ctx.f, { type: 'participant.remove', participantId: bo.participant!.id });
  const projector = new TestClient(ctx.srv.url, { workshopId: ctx.created.id });
  ctx.clients.push(projector);
  await projector.connected();
  const her = cecilia.participant!.id;
  const before = await seqOf(ctx);

  const refused = async (c: TestClient, command: Record<string, unknown>) => {
    const ack = await c.command({ type: 'participant.update', ...command });
    return ack.ok ? 'accepted' : `${ack.error}${ack.detail ? ` (${ack.detail})` : ''}`;
  };
  // Not hers to change, nor anyone's but the facilitator's.
  assert.is(await refused(cecilia, { participantId: her, orgKind: 'region' }), 'forbidden (facilitator_only)');
  assert.is(await refused(anna, { participantId: her, orgKind: 'region' }), 'forbidden (facilitator_only)');
  assert.is(await refused(projector, { participantId: her, orgKind: 'region' }), 'not_joined');
  // Validated as strictly as a join.
  assert.is(await refused(ctx.f, { participantId: her, orgKind: 'landsting' }), 'invalid (orgKind)');
  assert.is(await refused(ctx.f, { participantId: her, orgKind: '' }), 'invalid (orgKind)');
  assert.is(await refused(ctx.f, { participantId: her, orgKind: null }), 'invalid (orgKind)');
  assert.is(await refused(ctx.f, { participantId: her, name: '   ' }), 'invalid (name)');
  assert.is(await refused(ctx.f, { participantId: her, name: 'x'.repeat(81) }), 'invalid (name)');
  assert.is(await refused(ctx.f, { participantId: her, organisation: 'x'.repeat(121) }), 'invalid (organisation)');
  assert.is(await refused(ctx.f, { participantId: her, removed: true }), 'invalid (payload)');
  assert.is(await refused(ctx.f, { participantId: 'p-nobody-here', orgKind: 'region' }), 'not_found (participant)');
  assert.is(await refused(ctx.f, { participantId: bo.participant!.id, orgKind: 'region' }), 'not_found (participant)');
  assert.is(await seqOf(ctx), before, 'nothing was stored');
  // What she already is, is no change.
  assert.is(await must(ctx.f, { type: 'participant.update', participantId: her, name: CECILIA.name, orgKind: 'kommun' }), before);
  assert.is(ctx.f.state!.participants[her].orgKind, 'kommun');
});

correction('the correction reaches the other phones live and on reconnect, and she keeps it when she resumes', async (ctx) => {
  const token = nanoid(24);
  const cecilia = await join(ctx, CECILIA, token);
  const anna = await join(ctx, ANNA);
  const away = await join(ctx, { name: 'David Berg', organisation: 'Emmaboda kommun', orgKind: 'kommun' });
  await waitFor(() => Object.keys(away.state!.participants).length === 3, 'David knows everyone');
  const her = cecilia.participant!.id;
  away.socket.disconnect();

  const seq = await must(ctx.f, { type: 'participant.update', participantId: her, name: 'Cecilia Frid Holm', orgKind: 'region' });
  const sent = { type: 'participant.updated', participantId: her, name: 'Cecilia Frid Holm', orgKind: 'region' };
  for (const c of [anna, cecilia, ctx.f]) {
    await waitFor(() => eventsOf(c).some((e) => e.seq === seq), 'the event arrives');
    // Only what changed travels: her organisation was right.
    assert.equal(eventsOf(c).find((e) => e.seq === seq)!.event, sent);
    assert.equal(c.state!.participants[her], { ...cecilia.participant!, name: 'Cecilia Frid Holm', orgKind: 'region' });
  }

  // A phone that was away catches up from its seq, as with any event.
  away.socket.connect();
  await waitFor(() => away.state?.participants[her]?.orgKind === 'region', 'David catches up');
  assert.equal(eventsOf(away).find((e) => e.seq === seq)?.event, sent, 'in the catch-up, not only a snapshot');

  // Someone arriving now gets her as corrected in their snapshot.
  const late = await join(ctx, { name: 'Elin Sand', organisation: 'Region Kronoberg', orgKind: 'region' });
  assert.is(late.state!.participants[her].orgKind, 'region');

  // Joining again with her token (and the kind she first chose) resumes her as corrected.
  const again = new TestClient(ctx.srv.url, { workshopId: ctx.created.id });
  ctx.clients.push(again);
  await again.connected();
  const ack = (await again.socket.timeout(5000).emitWithAck('join', { token, ...CECILIA })) as Ack<JoinAck>;
  assert.ok(ack.ok);
  if (ack.ok) assert.equal([ack.data.participant.name, ack.data.participant.orgKind], ['Cecilia Frid Holm', 'region']);
  assert.is(ctx.f.state!.participants[her].orgKind, 'region');
});

correction('her dots move from kommun to region in the tally by kind, corrected before the results are shown', async (ctx) => {
  const kommun = await Promise.all(
    [ANNA, { name: 'Bo Ek', organisation: 'Kalmar kommun' }, { name: 'David Berg', organisation: 'Emmaboda kommun' }].map((w) =>
      join(ctx, { ...w, orgKind: 'kommun' }),
    ),
  );
  const cecilia = await join(ctx, CECILIA);
  const region = await Promise.all(
    ['Elin Sand', 'Fredrik Lund', 'Gun Åberg'].map((name) => join(ctx, { name, organisation: 'Region Kronoberg', orgKind: 'region' })),
  );
  const prio = ctx.f.state!.activities[0].id;
  const [nara, barn] = ['opt-nara-vard', 'opt-barn-unga'];
  await must(ctx.f, { type: 'note.add', noteId: nara, activityId: prio, columnId: 'options', text: 'Nära vård' });
  await must(ctx.f, { type: 'note.add', noteId: barn, activityId: prio, columnId: 'options', text: 'Barn och unga' });
  await must(ctx.f, { type: 'activity.focus', activityId: prio });
  await must(ctx.f, { type: 'voting.start', activityId: prio, dotsPerPerson: 3, maxPerOption: 3 });
  const dot = (c: TestClient, optionId: string) => must(c, { type: 'vote.cast', activityId: prio, optionId, delta: 1 });
  await dot(cecilia, nara);
  await dot(cecilia, nara);
  for (const c of kommun) await dot(c, barn);
  for (const c of region) await dot(c, nara);

  // Noticed while the vote is still secret: corrected, then the results are shown.
  await must(ctx.f, { type: 'participant.update', participantId: cecilia.participant!.id, orgKind: 'region' });
  await must(ctx.f, { type: 'results.reveal', activityId: prio, revealed: true });
  const anna = kommun[0];
  const nearCare = () => latestResults(anna, prio)?.find((r) => r.optionId === nara)?.byKind;
  await waitFor(() => nearCare()?.region === 5, 'Anna gets the tally with Cecilia as region');
  assert.equal(nearCare(), { kommun: 0, region: 5, brukarrepresentant: 0, annan: 0 });
  const results = latestResults(anna, prio)!;
  assert.equal(results.find((r) => r.optionId === barn)!.byKind, { kommun: 3, region: 0, brukarrepresentant: 0, annan: 0 });
  assert.equal(results.map((r) => [r.optionId, r.total]), [[nara, 5], [barn, 3]], 'the totals are as they were');
  // The facilitator's page tallies its own state the same way.
  await waitFor(() => ctx.f.state!.participants[cecilia.participant!.id].orgKind === 'region', 'the facilitator has it');
  assert.equal(tally(ctx.f.state!, prio), results);

  // Once shown by kind, her kind stays: the split before and after a change would be her ballot,
  // there for everyone to read. Her name and organisation can still be corrected.
  const before = await ctx.srv.seq(ctx.created.id);
  const refused = await ctx.f.command({ type: 'participant.update', participantId: cecilia.participant!.id, orgKind: 'kommun' });
  assert.ok(!refused.ok && refused.error === 'forbidden' && refused.detail === 'kind_shown', JSON.stringify(refused));
  assert.is(await ctx.srv.seq(ctx.created.id), before, 'nothing stored');
  await must(ctx.f, { type: 'participant.update', participantId: cecilia.participant!.id, organisation: 'Region Kalmar län' });
  // Someone who cast no dot there may still be corrected.
  const late = await join(ctx, { name: 'Hanna Ek', organisation: 'Nybro kommun', orgKind: 'region' });
  await must(ctx.f, { type: 'participant.update', participantId: late.participant!.id, orgKind: 'kommun' });
});

correction('the minutes list her under Region, and a new split into groups mixes her as region', async (ctx) => {
  const cecilia = await join(ctx, CECILIA);
  await join(ctx, ANNA);
  await join(ctx, { name: 'Bo Ek', organisation: 'Kalmar kommun', orgKind: 'kommun' });
  const dagny = await join(ctx, { name: 'Dagny Lind', organisation: 'Region Kronoberg', orgKind: 'region' });
  const [her, other] = [cecilia.participant!.id, dagny.participant!.id];
  const activityId = ctx.f.state!.activities[1].id;
  const split = async (seed: number) => {
    const res = await fetch(`${ctx.srv.url}/api/workshops/${ctx.created.id}/breakout-preview`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.created.facilitatorKey}` },
      body: JSON.stringify({ activityId, assignment: 'mixed', rooms: 2, seed }),
    });
    assert.is(res.status, 200);
    return ((await res.json()) as BreakoutPreview).rooms.map((r) => r.members);
  };
  const together = (rooms: string[][]) => rooms.some((m) => m.includes(her) && m.includes(other));
  const seeds = Array.from({ length: 12 }, (_, i) => 1_767_225_600_000 + i * 7919);

  const wrong = await summary(ctx);
  assert.match(listedKind(wrong, CECILIA.name) ?? '', /^Kommun/, 'as she joined: under kommun');
  const before = await Promise.all(seeds.map(split));
  assert.ok(before.some(together), 'as kommun, some splits put the two from the regions in one group');

  await must(ctx.f, { type: 'participant.update', participantId: her, orgKind: 'region' });
  const minutes = await summary(ctx);
  assert.is(listedKind(minutes, CECILIA.name), 'Region');
  assert.not.match(minutes, /Region Kalmar län\*\* \(Kommun\)/);
  for (const [i, rooms] of (await Promise.all(seeds.map(split))).entries())
    assert.not.ok(together(rooms), `seed ${seeds[i]}: one from a region in each group`);
});

correction('joining without a kind is refused, and nobody joins', async (ctx) => {
  const phone = new TestClient(ctx.srv.url, { workshopId: ctx.created.id });
  ctx.clients.push(phone);
  await phone.connected();
  const before = await seqOf(ctx);
  const { orgKind: _none, ...withoutKind } = CECILIA;
  for (const orgKind of [undefined, '', 'landsting']) {
    const request = { token: nanoid(24), ...withoutKind, ...(orgKind !== undefined && { orgKind }) };
    const ack = (await phone.socket.timeout(5000).emitWithAck('join', request as never)) as Ack<JoinAck>;
    assert.is(ack.ok ? 'joined' : `${ack.error} (${ack.detail})`, 'invalid (orgKind)', JSON.stringify(orgKind));
  }
  assert.is(await seqOf(ctx), before);
  assert.equal(Object.keys(ctx.f.state!.participants), []);
});

correction.run();
