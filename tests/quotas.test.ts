// Limits per participant, per address and per workshop, not only per socket (issue #14,
// finding 7–8), over real sockets from distinct loopback addresses (all of 127.0.0.0/8 is this
// machine): fifty sockets of one participant get no more than one does, a visitor's address and
// a participant's sockets are capped, joins and creations are rationed per address and overall,
// refusals say when to try again, and a workshop nobody follows leaves memory and comes back.
import { nanoid } from 'nanoid';
import { io, type Socket } from 'socket.io-client';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PROTOCOL_VERSION, type Ack } from '../shared/protocol.ts';
import type { Participant } from '../shared/workshop/model.ts';
import { Workshops } from '../server/workshops.ts';
import { MemoryStore } from '../server/store/memory.ts';
import { LIMITS } from '../shared/workshop/model.ts';
import { createWorkshop, facilitator, participant } from './helpers/clients.ts';
import { startServer, type TestServer } from './helpers/server.ts';

interface Opened {
  socket: Socket;
  error: { error?: string } | null;
}

/** A raw socket from `from` (a loopback address), connected or refused at the handshake. */
async function open(url: string, auth: Record<string, unknown>, from = '127.0.0.1', headers?: Record<string, string>): Promise<Opened> {
  const socket = io(url, {
    auth: { protocol: PROTOCOL_VERSION, ...auth },
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    localAddress: from,
    ...(headers && { extraHeaders: headers }),
  } as Parameters<typeof io>[1]);
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket, error: null }));
    socket.once('connect_error', (err: Error & { data?: { error?: string } }) => resolve({ socket, error: err.data ?? { error: err.message } }));
  });
}

async function join(socket: Socket, name: string): Promise<Ack<{ participant: Participant }>> {
  return (await socket.timeout(5000).emitWithAck('join', { token: nanoid(24), name, organisation: 'Nybro kommun', orgKind: 'kommun' })) as Ack<{ participant: Participant }>;
}

const noteOn = (activityId: string, columnId: string) => ({ id: nanoid(), type: 'note.add', noteId: nanoid(12), activityId, columnId, text: 'Lapp' });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const quotas = suite<{ srv: TestServer; sockets: Socket[] }>('quotas');
quotas.before.each((ctx) => {
  ctx.sockets = [];
});
quotas.after.each(async (ctx) => {
  ctx.sockets.forEach((s) => s.close());
  await ctx.srv?.close();
});

quotas('one participant on many sockets gets no more notes than on one; others still post', async (ctx) => {
  ctx.srv = await startServer({ quotas: { notesPerParticipant: 5, commandsPerParticipant: 8 } });
  const created = await createWorkshop(ctx.srv.url, { agenda: [{ kind: 'brainstorm' }] });
  const f = await facilitator(ctx.srv.url, created);
  const flooder = await participant(ctx.srv.url, created.id, { name: 'Flod' });
  const honest = await participant(ctx.srv.url, created.id, { name: 'Ärlig' });
  ctx.sockets.push(f.socket, flooder.socket, honest.socket);
  const activity = f.state!.activities[0];
  // Four more sockets of the flooder (five in all, the most one participant may hold).
  const more: Socket[] = [];
  for (let i = 0; i < 4; i++) {
    const s = await open(ctx.srv.url, { workshopId: created.id, participantToken: flooder.auth.participantToken });
    assert.is(s.error, null);
    more.push(s.socket);
  }
  ctx.sockets.push(...more);
  const all = [flooder.socket, ...more];
  const acks = (await Promise.all(
    all.flatMap((s) => Array.from({ length: 6 }, () => s.timeout(5000).emitWithAck('command', noteOn(activity.id, activity.columns[0].id)))),
  )) as Array<Ack<{ seq: number }>>;
  const accepted = acks.filter((a) => a.ok).length;
  assert.is(accepted, 5, 'five notes a minute, however many sockets');
  const refused = acks.filter((a): a is Extract<typeof a, { ok: false }> => !a.ok);
  assert.ok(refused.every((a) => a.error === 'rate_limited' && a.detail === 'participant' && (a.retryAfter ?? 0) > 0), JSON.stringify(refused[0]));
  assert.match(refused[0].message, /Vänta en stund/);
  // Someone else is not slowed down by it...
  const noteId = nanoid(12);
  const other = await honest.command({ type: 'note.add', noteId, activityId: activity.id, columnId: activity.columns[0].id, text: 'Min lapp' });
  assert.ok(other.ok, JSON.stringify(other));
  // ...and an edit loop is bounded too: 8 commands a minute, one of them the note.
  const edits = (await Promise.all(
    Array.from({ length: 10 }, (_, i) => honest.command({ type: 'note.edit', noteId, text: `Ändrad ${i}` })),
  )) as Array<Ack<{ seq: number }>>;
  assert.is(edits.filter((a) => a.ok).length, 7);
});

quotas('sockets are capped per participant and, before joining, per address (behind a trusted proxy, the forwarded one)', async (ctx) => {
  ctx.srv = await startServer({ quotas: { socketsPerParticipant: 2, visitorSocketsPerAddress: 3 }, trustProxy: 'loopback' });
  const created = await createWorkshop(ctx.srv.url);
  const anna = await participant(ctx.srv.url, created.id);
  ctx.sockets.push(anna.socket);
  const second = await open(ctx.srv.url, { workshopId: created.id, participantToken: anna.auth.participantToken });
  const third = await open(ctx.srv.url, { workshopId: created.id, participantToken: anna.auth.participantToken });
  ctx.sockets.push(second.socket, third.socket);
  assert.is(second.error, null);
  assert.equal(third.error, { error: 'rate_limited' });
  // One goes, another may come.
  second.socket.close();
  await sleep(100);
  const again = await open(ctx.srv.url, { workshopId: created.id, participantToken: anna.auth.participantToken });
  ctx.sockets.push(again.socket);
  assert.is(again.error, null);

  // Nor is there a way round it by connecting without the token and joining with it.
  const asVisitor = await open(ctx.srv.url, { workshopId: created.id }, '127.0.0.11');
  ctx.sockets.push(asVisitor.socket);
  const resumed = await asVisitor.socket.timeout(5000).emitWithAck('join', {
    token: anna.auth.participantToken,
    name: 'Anna',
    organisation: 'Nybro kommun',
    orgKind: 'kommun',
  });
  assert.equal([resumed.ok, resumed.error, resumed.detail], [false, 'rate_limited', 'sockets']);

  const visitors: Opened[] = [];
  for (let i = 0; i < 4; i++) visitors.push(await open(ctx.srv.url, { workshopId: created.id }, '127.0.0.7'));
  ctx.sockets.push(...visitors.map((v) => v.socket));
  assert.equal(visitors.map((v) => v.error?.error ?? 'ok'), ['ok', 'ok', 'ok', 'rate_limited']);
  // Another address is not held back by that one.
  const elsewhere = await open(ctx.srv.url, { workshopId: created.id }, '127.0.0.8');
  ctx.sockets.push(elsewhere.socket);
  assert.is(elsewhere.error, null);
  // A visitor who joins counts as a participant from then on: their address has room again.
  assert.ok((await join(visitors[0].socket, 'Berit')).ok);
  const next = await open(ctx.srv.url, { workshopId: created.id }, '127.0.0.7');
  ctx.sockets.push(next.socket);
  assert.is(next.error, null);
  // Behind the proxy, the phones are told apart by the address it forwards.
  const viaProxy = [];
  for (const phone of ['10.0.0.1', '10.0.0.1', '10.0.0.1', '10.0.0.1', '10.0.0.2'])
    viaProxy.push(await open(ctx.srv.url, { workshopId: created.id }, '127.0.0.9', { 'x-forwarded-for': phone }));
  ctx.sockets.push(...viaProxy.map((v) => v.socket));
  assert.equal(viaProxy.map((v) => v.error?.error ?? 'ok'), ['ok', 'ok', 'ok', 'rate_limited', 'ok']);
});

quotas('a socket that goes on sending far past its rate limit is let go', async (ctx) => {
  ctx.srv = await startServer({ realtimeLimits: { participantRate: 2, facilitatorRate: 50 } });
  const created = await createWorkshop(ctx.srv.url);
  const { socket } = await open(ctx.srv.url, { workshopId: created.id });
  ctx.sockets.push(socket);
  const gone = new Promise<string>((resolve) => socket.once('disconnect', resolve));
  for (let i = 0; i < 200 && socket.connected; i++) socket.emit('sync', () => {});
  assert.is(await Promise.race([gone, sleep(3000).then(() => 'still connected')]), 'io server disconnect');
});

quotas('joins are rationed per address, with a time to try again', async (ctx) => {
  ctx.srv = await startServer({ quotas: { joinsPerAddress: 3 } });
  const created = await createWorkshop(ctx.srv.url);
  const answers: Array<Ack<{ participant: Participant }>> = [];
  for (let i = 0; i < 4; i++) {
    const { socket } = await open(ctx.srv.url, { workshopId: created.id }, '127.0.0.3');
    ctx.sockets.push(socket);
    answers.push(await join(socket, `Deltagare ${i}`));
  }
  assert.equal(answers.map((a) => (a.ok ? 'ok' : `${a.error}/${a.detail}`)), ['ok', 'ok', 'ok', 'rate_limited/joins']);
  const last = answers[3];
  assert.ok(!last.ok && (last.retryAfter ?? 0) > 0 && (last.retryAfter ?? 0) <= 60);
  const { socket } = await open(ctx.srv.url, { workshopId: created.id }, '127.0.0.4');
  ctx.sockets.push(socket);
  assert.ok((await join(socket, 'Från ett annat nät')).ok);
});

quotas('creating workshops is rationed per address and overall, with Retry-After', async (ctx) => {
  ctx.srv = await startServer({ quotas: { createsPerAddress: 2, creates: 3 } });
  const create = (from: string) =>
    new Promise<{ status: number; retryAfter: string | undefined; body: string }>((resolve, reject) => {
      const body = JSON.stringify({ title: 'LGS', agenda: 'lgs' });
      import('node:http').then(({ request }) => {
        const req = request(
          `${ctx.srv.url}/api/workshops`,
          { method: 'POST', localAddress: from, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
          (res) => {
            let text = '';
            res.on('data', (c) => (text += c));
            res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'], body: text }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    });
  const statuses = [await create('127.0.0.5'), await create('127.0.0.5'), await create('127.0.0.5')];
  assert.equal(statuses.map((s) => s.status), [201, 201, 429]);
  assert.ok(Number(statuses[2].retryAfter) > 0);
  assert.match(JSON.parse(statuses[2].body).message, /För många workshoppar/);
  assert.is((await create('127.0.0.6')).status, 201, 'another address may');
  const overall = await create('127.0.0.10');
  assert.is(overall.status, 429, 'but not more than the server allows in all');
});

quotas('a workshop nobody follows leaves memory and comes back from the store as it was', async (ctx) => {
  ctx.srv = await startServer({ idleMs: 150 });
  const created = await createWorkshop(ctx.srv.url, { agenda: [{ kind: 'brainstorm' }] });
  const anna = await participant(ctx.srv.url, created.id);
  const activity = anna.state!.activities[0];
  assert.ok((await anna.command({ type: 'note.add', noteId: 'kvar-efter', activityId: activity.id, columnId: activity.columns[0].id, text: 'Finns kvar' })).ok);
  assert.is(ctx.srv.server.workshops.held, 1);
  // Followed: it stays, however long.
  await sleep(400);
  assert.is(ctx.srv.server.workshops.held, 1);
  anna.close();
  const start = Date.now();
  while (ctx.srv.server.workshops.held > 0 && Date.now() - start < 3000) await sleep(20);
  assert.is(ctx.srv.server.workshops.held, 0, 'left memory');
  const back = await participant(ctx.srv.url, created.id, { token: anna.auth.participantToken });
  ctx.sockets.push(back.socket);
  assert.is(back.state!.notes['kvar-efter'].text, 'Finns kvar');
  assert.is(back.participant!.id, anna.participant!.id);
  assert.is(ctx.srv.server.workshops.held, 1);
});

quotas('a workshop takes at most LIMITS.participants participants', async () => {
  const workshops = new Workshops(new MemoryStore());
  const { workshop } = await workshops.create({ title: 'Stor hall', date: '', place: '', purpose: '', goal: '', language: 'sv', agenda: [] });
  const joinOne = (i: number) =>
    new Promise<string>((resolve) =>
      workshops.join(workshop.id, { token: nanoid(24), name: `P${i}`, organisation: 'Kalmar kommun', orgKind: 'kommun' }, (r) =>
        resolve(r.ok ? 'ok' : `${r.error}/${r.detail}`),
      ),
    );
  const answers = await Promise.all(Array.from({ length: LIMITS.participants + 2 }, (_, i) => joinOne(i)));
  assert.is(answers.filter((a) => a === 'ok').length, LIMITS.participants);
  assert.equal(answers.slice(-2), ['limit/participants', 'limit/participants']);
});

quotas("a workshop's participants together are limited too, and only what they were allowed counts", async (ctx) => {
  ctx.srv = await startServer({ quotas: { commandsPerWorkshop: 4, commandsPerParticipant: 3 } });
  const created = await createWorkshop(ctx.srv.url, { agenda: [{ kind: 'brainstorm' }] });
  const anna = await participant(ctx.srv.url, created.id, { name: 'Anna' });
  const bo = await participant(ctx.srv.url, created.id, { name: 'Bo' });
  ctx.sockets.push(anna.socket, bo.socket);
  const activity = anna.state!.activities[0];
  const post = (c: typeof anna) => c.command({ type: 'note.add', noteId: nanoid(12), activityId: activity.id, columnId: activity.columns[0].id, text: 'Lapp' });
  // Anna's fourth and fifth are her own limit's; they leave the workshop's fourth to Bo.
  const annas = await Promise.all(Array.from({ length: 5 }, () => post(anna)));
  const bos = await Promise.all(Array.from({ length: 2 }, () => post(bo)));
  const details = (acks: typeof annas) => acks.map((a) => (a.ok ? 'ok' : a.detail));
  assert.equal(details(annas), ['ok', 'ok', 'ok', 'participant', 'participant']);
  assert.equal(details(bos), ['ok', 'workshop']);
});

quotas('once a workshop holds its most events, participants are refused and the facilitator is not', async () => {
  const workshops = new Workshops(new MemoryStore(), { maxEvents: 6 });
  const { workshop } = await workshops.create({ title: 'Full', date: '', place: '', purpose: '', goal: '', language: 'sv', agenda: [{ kind: 'brainstorm' }] });
  const joined = await new Promise<Participant>((resolve) =>
    workshops.join(workshop.id, { token: nanoid(24), name: 'Anna', organisation: 'Kalmar kommun', orgKind: 'kommun' }, (r) => r.ok && resolve(r.value.participant)),
  );
  const activity = workshop.activities[0];
  const note = () => ({ id: nanoid(), type: 'note.add' as const, noteId: nanoid(12), activityId: activity.id, columnId: activity.columns[0].id, text: 'Lapp' });
  const answers: string[] = [];
  for (let i = 0; i < 6; i++) {
    const r = await workshops.run(workshop.id, note(), { role: 'participant', participantId: joined.id });
    answers.push(r.ok ? 'ok' : `${r.error}/${r.detail}`);
  }
  assert.equal(answers, ['ok', 'ok', 'ok', 'ok', 'limit/events', 'limit/events']);
  const closing = await workshops.run(workshop.id, { id: nanoid(), type: 'workshop.close' }, { role: 'facilitator' });
  assert.ok(closing.ok);
});

quotas.run();
