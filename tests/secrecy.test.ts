// Anonymity and secrecy on the raw traffic (issue #14, findings 1–3): what participants and the
// projector receive — live, in catch-up from a `since` they choose, and in snapshots — over
// WebSocket and over HTTP long-polling, never names an anonymous author or carries a hidden
// note's text, whatever happened to the note or its activity afterwards.
import { nanoid } from 'nanoid';
import { io, type Socket } from 'socket.io-client';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PROTOCOL_VERSION, type Ack, type CreatedWorkshop } from '../shared/protocol.ts';
import type { Participant } from '../shared/workshop/model.ts';
import { createWorkshop, facilitator, participant, type TestClient } from './helpers/clients.ts';
import { startServer, type TestServer } from './helpers/server.ts';

type Transport = 'websocket' | 'polling';

/** A socket that keeps every frame it is sent, as text, and lets the test choose `since`. */
class Observer {
  readonly socket: Socket;
  readonly frames: string[] = [];
  participantId: string | null = null;

  constructor(url: string, workshopId: string, transport: Transport, since: number | undefined, token?: string) {
    this.socket = io(url, {
      auth: { protocol: PROTOCOL_VERSION, workshopId, ...(token && { participantToken: token }), ...(since !== undefined && { since }) },
      transports: [transport],
      forceNew: true,
      reconnection: false,
    });
    this.socket.onAny((name, payload) => this.frames.push(`${name} ${JSON.stringify(payload)}`));
  }

  /** Connected and sent what the server sends on connecting (catch-up or a snapshot). */
  async ready(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', reject);
    });
    await until(() => this.frames.some((f) => f.startsWith('snapshot ') || f.startsWith('projection ')));
    return this;
  }

  async join(who: { name: string; organisation: string }, token: string): Promise<Participant> {
    const ack = (await this.socket
      .timeout(5000)
      .emitWithAck('join', { token, orgKind: 'kommun', ...who })) as Ack<{ participant: Participant }>;
    if (!ack.ok) throw new Error(ack.message);
    this.participantId = ack.data.participant.id;
    return ack.data.participant;
  }

  get text(): string {
    return this.frames.join('\n');
  }

  close() {
    this.socket.close();
  }
}

async function until(check: () => boolean, ms = 3000) {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface Ctx {
  srv: TestServer;
  created: CreatedWorkshop;
  fac: TestClient;
  author: TestClient;
  open: Array<{ close(): void }>;
}

const TRANSPORTS: Transport[] = ['websocket', 'polling'];

/** A participant and the projector on each transport, connected now. */
async function watchers(ctx: Ctx, since?: number): Promise<Observer[]> {
  const out: Observer[] = [];
  for (const transport of TRANSPORTS) {
    const projector = await new Observer(ctx.srv.url, ctx.created.id, transport, since).ready();
    const token = nanoid(24);
    const phone = await new Observer(ctx.srv.url, ctx.created.id, transport, undefined, token).ready();
    await phone.join({ name: `Berit ${transport}`, organisation: 'Kalmar kommun' }, token);
    out.push(projector, phone);
  }
  ctx.open.push(...out);
  return out;
}

/** Projector and an earlier participant reconnecting on each transport with this `since`. */
async function catchingUp(ctx: Ctx, since: number, tokens: Map<Transport, string>): Promise<Observer[]> {
  const out: Observer[] = [];
  for (const transport of TRANSPORTS) {
    out.push(await new Observer(ctx.srv.url, ctx.created.id, transport, since).ready());
    out.push(await new Observer(ctx.srv.url, ctx.created.id, transport, since, tokens.get(transport)).ready());
  }
  ctx.open.push(...out);
  return out;
}

/** Phones that join now and go away, to come back later with a `since` of their choosing. */
async function joinedTokens(ctx: Ctx): Promise<Map<Transport, string>> {
  const tokens = new Map<Transport, string>();
  for (const transport of TRANSPORTS) {
    const token = nanoid(24);
    const phone = await new Observer(ctx.srv.url, ctx.created.id, transport, undefined, token).ready();
    await phone.join({ name: `Cissi ${transport}`, organisation: 'Nybro kommun' }, token);
    phone.close();
    tokens.set(transport, token);
  }
  return tokens;
}

const secrecy = suite<Ctx>('anonymity and secrecy on the raw traffic');
secrecy.before(async (ctx) => {
  ctx.srv = await startServer();
});
secrecy.before.each(async (ctx) => {
  ctx.open = [];
  ctx.created = await createWorkshop(ctx.srv.url, { agenda: [{ kind: 'swot', title: 'SWOT' }, { kind: 'brainstorm', title: 'Tyst' }] });
  ctx.fac = await facilitator(ctx.srv.url, ctx.created);
  ctx.author = await participant(ctx.srv.url, ctx.created.id, { name: 'Anna Andersson', organisation: 'Nybro kommun' });
  ctx.open.push(ctx.fac, ctx.author);
});
secrecy.after.each((ctx) => ctx.open.forEach((c) => c.close()));
secrecy.after((ctx) => ctx.srv.close());

const activities = (ctx: Ctx) => ctx.fac.state!.activities;
const swot = (ctx: Ctx) => activities(ctx)[0];
const silent = (ctx: Ctx) => activities(ctx)[1];

async function ok(ack: Promise<Ack<unknown>>) {
  const answer = await ack;
  assert.ok(answer.ok, JSON.stringify(answer));
}

async function settle(ctx: Ctx, seq: number) {
  await ctx.fac.until((s) => s.seq >= seq);
  await new Promise((r) => setTimeout(r, 150)); // the sockets' frames are out
}

secrecy('1: removing an anonymous note never names its author, live or in catch-up', async (ctx) => {
  await ok(ctx.fac.command({ type: 'activity.update', activityId: swot(ctx).id, anonymous: true }));
  const tokens = await joinedTokens(ctx);
  const before = ctx.fac.state!.seq;
  const live = await watchers(ctx);
  const noteId = nanoid(12);
  await ok(ctx.author.command({ type: 'note.add', noteId, activityId: swot(ctx).id, columnId: swot(ctx).columns[0].id, text: 'Ingen vet vem' }));
  const deleted = await ctx.fac.command({ type: 'note.delete', noteId });
  assert.ok(deleted.ok);
  await settle(ctx, deleted.ok ? deleted.data.seq : 0);
  const later = await catchingUp(ctx, before, tokens);
  const authorId = ctx.author.participant!.id;
  for (const observer of [...live, ...later]) {
    assert.ok(observer.text.includes(noteId) || !observer.text.includes('Ingen vet vem'), 'the observer saw the note go');
    assert.not.ok(observer.text.includes(`"authorId":"${authorId}"`), observer.text);
  }
  // The facilitator is told who wrote it: the facilitator may know.
  assert.ok(ctx.fac.state!.participants[authorId]);
  // What the live observers saw is the deletion itself.
  assert.ok(live.every((o) => o.frames.some((f) => f.includes('"note.deleted"') && f.includes(noteId))));
});

secrecy('2: a hidden note edited and then deleted never reaches a public socket in catch-up', async (ctx) => {
  const activityId = silent(ctx).id;
  await ok(ctx.fac.command({ type: 'activity.focus', activityId }));
  await ok(ctx.fac.command({ type: 'activity.update', activityId, hidden: true }));
  const tokens = await joinedTokens(ctx);
  const before = ctx.fac.state!.seq;
  const noteId = nanoid(12);
  await ok(ctx.author.command({ type: 'note.add', noteId, activityId, columnId: silent(ctx).columns[0].id, text: 'Första tanken' }));
  await ok(ctx.author.command({ type: 'note.edit', noteId, text: 'Hemlig ändring' }));
  await ok(ctx.author.command({ type: 'note.move', noteId, columnId: silent(ctx).columns[0].id }));
  const deleted = await ctx.author.command({ type: 'note.delete', noteId });
  assert.ok(deleted.ok);
  await settle(ctx, deleted.ok ? deleted.data.seq : 0);
  for (const observer of await catchingUp(ctx, before, tokens)) {
    assert.not.ok(observer.text.includes('Hemlig ändring'), observer.text);
    assert.not.ok(observer.text.includes('Första tanken'), observer.text);
    assert.not.ok(observer.text.includes(noteId), observer.text);
  }
});

secrecy('2: a removed activity does not replay its hidden notes or its open rooms in catch-up', async (ctx) => {
  const hidden = silent(ctx).id;
  const rooms = swot(ctx).id;
  await ok(ctx.fac.command({ type: 'activity.update', activityId: hidden, hidden: true }));
  const tokens = await joinedTokens(ctx);
  const before = ctx.fac.state!.seq;
  await ok(ctx.fac.command({ type: 'activity.focus', activityId: hidden }));
  await ok(ctx.author.command({ type: 'note.add', noteId: nanoid(12), activityId: hidden, columnId: silent(ctx).columns[0].id, text: 'Aldrig visad' }));
  await ok(ctx.fac.command({ type: 'activity.focus', activityId: rooms }));
  const breakout = await ctx.fac.command({
    type: 'breakout.open',
    activityId: rooms,
    assignment: 'manual',
    rooms: [{ id: nanoid(10), name: 'Grupp 1', members: [ctx.author.participant!.id] }, { id: nanoid(10), name: 'Grupp 2', members: [] }],
  });
  assert.ok(breakout.ok, JSON.stringify(breakout));
  await ctx.author.until((s) => !!s.activities.find((a) => a.id === rooms)?.breakout?.open);
  const roomId = ctx.author.state!.activities.find((a) => a.id === rooms)!.breakout!.rooms[0].id;
  await ok(ctx.author.command({ type: 'note.add', noteId: nanoid(12), activityId: rooms, columnId: swot(ctx).columns[0].id, text: 'Bara i grupp 1', roomId }));
  await ok(ctx.fac.command({ type: 'activity.remove', activityId: hidden }));
  const removed = await ctx.fac.command({ type: 'activity.remove', activityId: rooms });
  assert.ok(removed.ok);
  await settle(ctx, removed.ok ? removed.data.seq : 0);
  for (const observer of await catchingUp(ctx, before, tokens)) {
    assert.not.ok(observer.text.includes('Bara i grupp 1'), observer.text);
    assert.not.ok(observer.text.includes('Aldrig visad'), observer.text);
  }
});

secrecy('3: turning anonymity off does not unmask notes written while it was on', async (ctx) => {
  const activityId = swot(ctx).id;
  const columnId = swot(ctx).columns[0].id;
  await ok(ctx.fac.command({ type: 'activity.update', activityId, anonymous: true }));
  const tokens = await joinedTokens(ctx);
  const before = ctx.fac.state!.seq;
  const live = await watchers(ctx);
  const secret = nanoid(12);
  await ok(ctx.author.command({ type: 'note.add', noteId: secret, activityId, columnId, text: 'Skrivet anonymt' }));
  await ok(ctx.fac.command({ type: 'activity.update', activityId, anonymous: false }));
  const open = nanoid(12);
  const last = await ctx.author.command({ type: 'note.add', noteId: open, activityId, columnId, text: 'Skrivet med namn' });
  assert.ok(last.ok);
  await settle(ctx, last.ok ? last.data.seq : 0);
  const later = await catchingUp(ctx, before, tokens);
  const fresh = await watchers(ctx);
  const authorId = ctx.author.participant!.id;
  for (const observer of [...live, ...later, ...fresh]) {
    const frames = observer.frames.filter((f) => f.includes(`"authorId":"${authorId}"`));
    // Only the note written after anonymity was turned off carries the name...
    assert.ok(frames.every((f) => !f.includes('Skrivet anonymt') || f.startsWith('snapshot ')), observer.text);
    // ...and in snapshots the anonymous note is there without it.
    for (const f of observer.frames.filter((x) => x.startsWith('snapshot '))) {
      const notes = JSON.parse(f.slice('snapshot '.length)).workshop.notes;
      if (notes[secret]) assert.is(notes[secret].authorId, null, observer.text);
      if (notes[open]) assert.is(notes[open].authorId, authorId);
    }
  }
  // The organisers' summary keeps the promise too.
  const res = await fetch(`${ctx.srv.url}/api/workshops/${ctx.created.id}/summary.md`, {
    headers: { authorization: `Bearer ${ctx.created.facilitatorKey}` },
  });
  const md = await res.text();
  const line = md.split('\n').find((l) => l.includes('Skrivet anonymt'))!;
  assert.ok(line, md);
  assert.not.ok(line.includes('Anna Andersson'), line);
  assert.ok(md.split('\n').some((l) => l.includes('Skrivet med namn') && l.includes('Anna Andersson')), md);
});

secrecy.run();
