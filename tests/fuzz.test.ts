// Hostile input over real sockets: fast-check throws random event names, shapes, types, huge
// strings, deep nesting, prototype keys, wrong ids and other workshops' ids at a real server from
// a facilitator, a participant and a projector. Every message gets an answer (an error ack
// unless it is a valid command), a refusal changes nothing, the other workshop is untouched and
// never heard of, and the server stays up and fast.
import * as fc from 'fast-check';
import { nanoid } from 'nanoid';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Ack, CreatedWorkshop } from '../shared/protocol.ts';
import { Command } from '../shared/schema.ts';
import { createWorkshop, facilitator, participant, TestClient } from './helpers/clients.ts';
import { startServer, type TestServer } from './helpers/server.ts';

const RUNS_PER_SOCKET = Number(process.env.FUZZ_RUNS ?? 400);
const COMMAND_TYPES = Command.options.map((o) => o.entries.type.literal);
/** Names socket.io-client will not emit at all. */
const RESERVED = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);

interface Ctx {
  srv: TestServer;
  a: CreatedWorkshop;
  b: CreatedWorkshop;
  clients: TestClient[];
  /** Ids from both workshops, for commands that name the wrong thing. */
  ids: string[];
  fuzzed: number;
}

const it = suite<Ctx>('fuzzing every client event');

it.before(async (ctx) => {
  // No rate limit here: the fuzz is about what the server does with each message.
  ctx.srv = await startServer({ realtimeLimits: { participantRate: 1e6, facilitatorRate: 1e6 } });
  ctx.a = await createWorkshop(ctx.srv.url, { title: 'A', agenda: [{ kind: 'swot' }, { kind: 'prioritise' }] });
  ctx.b = await createWorkshop(ctx.srv.url, { title: 'B', agenda: [{ kind: 'swot' }] });
  const fb = await facilitator(ctx.srv.url, ctx.b);
  const pb = await participant(ctx.srv.url, ctx.b.id, { name: 'Bo i B' });
  ctx.clients = [fb, pb];
  const swotB = fb.state!.activities[0];
  assert.ok((await pb.command({ type: 'note.add', noteId: 'note-in-b-1', activityId: swotB.id, columnId: 's', text: 'Hemligt i B' })).ok);
  await fb.command({ type: 'theme.create', themeId: 'theme-in-b-1', activityId: swotB.id, name: 'Tema B', noteIds: ['note-in-b-1'] });
  ctx.ids = [...fb.state!.activities.map((x) => x.id), pb.participant!.id, 'note-in-b-1', 'theme-in-b-1', ctx.b.id];
  ctx.fuzzed = 0;
});
it.after(async (ctx) => {
  ctx.clients.forEach((c) => c.close());
  await ctx.srv.close();
});

/** Emit and wait for the ack; 'closed' when the transport closed instead (a message too big for it). */
function send(c: TestClient, name: string, args: unknown[]): Promise<Ack<unknown> | 'closed' | 'skipped'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('closed'), 3000);
    const onClose = () => {
      clearTimeout(timer);
      resolve('closed');
    };
    c.socket.once('disconnect', onClose);
    try {
      c.socket.emit(name as 'sync', ...(args as []), ((ack: Ack<unknown>) => {
        clearTimeout(timer);
        c.socket.off('disconnect', onClose);
        resolve(ack);
      }) as never);
    } catch {
      // socket.io-client refuses to encode some values (e.g. too deep): nothing was sent.
      clearTimeout(timer);
      c.socket.off('disconnect', onClose);
      resolve('skipped');
    }
  });
}

/** Back after the transport was closed (socket.io-client may already be reconnecting). */
function reconnect(c: TestClient): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no reconnect within 5 s')), 5000);
    c.socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    if (!c.socket.active) c.socket.connect();
  });
}

const nested = (depth: number, leaf: unknown = 1): unknown => {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
};

function arbitraries(ids: string[]) {
  const id = fc.oneof(fc.constantFrom(...ids), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString'), fc.string({ maxLength: 45 }), fc.nat());
  const value = fc.oneof(
    id,
    fc.anything({ maxDepth: 3 }),
    fc.string({ minLength: 1, maxLength: 600 }),
    fc.constantFrom(null, true, -1, 0, 1e308, NaN, '', [], {}),
  );
  // Shaped like a command, with fields that may be right, wrong, or someone else's.
  const commandLike = fc.record(
    {
      id: fc.oneof(fc.constant(nanoid()), id),
      type: fc.oneof(fc.constantFrom(...COMMAND_TYPES), fc.string()),
      activityId: id,
      noteId: id,
      themeId: id,
      participantId: id,
      roomId: id,
      optionId: id,
      columnId: fc.oneof(fc.constantFrom('s', 'w', 'options'), fc.string()),
      text: value,
      name: value,
      info: fc.oneof(value, fc.record({ title: value })),
      delta: fc.oneof(fc.constantFrom(1, -1), value),
      rooms: fc.array(fc.record({ id, name: value, members: fc.array(id, { maxLength: 3 }) }), { maxLength: 3 }),
      seconds: value,
    },
    { requiredKeys: [] },
  );
  const prototypeKeys = fc.constantFrom(
    JSON.parse('{"__proto__": {"polluted": "yes"}, "type": "note.add"}'),
    JSON.parse('{"constructor": {"prototype": {"polluted": "yes"}}}'),
    JSON.parse('{"id": "abcdefgh", "type": "workshop.update", "info": {"__proto__": {"polluted": "yes"}, "title": "x"}}'),
    JSON.parse('{"token": "__proto__", "name": "constructor", "organisation": "x", "orgKind": "kommun"}'),
  );
  const huge = fc.constantFrom(20_000, 60_000, 200_000).map((n) => ({ id: nanoid(), type: 'note.add', text: 'x'.repeat(n) }));
  const deep = fc.constantFrom(50, 500, 3000).map((d) => nested(d));
  const payload = fc.oneof(
    { weight: 4, arbitrary: commandLike },
    { weight: 2, arbitrary: fc.anything({ maxDepth: 4 }) },
    { weight: 1, arbitrary: prototypeKeys },
    { weight: 1, arbitrary: huge },
    { weight: 1, arbitrary: deep },
  );
  const name = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('command', 'join', 'sync') },
    { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'hasOwnProperty', 'toString', 'snapshot', 'events', 'ended') },
  );
  return fc.record({ name, args: fc.array(payload, { maxLength: 3 }) });
}

it('every message is answered, refusals change nothing, the other workshop is never touched', async (ctx) => {
  const { srv } = ctx;
  const fa = await facilitator(srv.url, ctx.a);
  const pa = await participant(srv.url, ctx.a.id, { name: 'Anna i A' });
  const projector = new TestClient(srv.url, { workshopId: ctx.a.id });
  await projector.connected();
  ctx.clients.push(fa, pa, projector);
  const ids = [...ctx.ids, ...fa.state!.activities.map((x) => x.id), pa.participant!.id];
  const seqOf = (id: string) => srv.seq(id);
  const bSeq = await seqOf(ctx.b.id);
  const tally = { ok: 0, refused: 0, closed: 0, skipped: 0 };

  for (const c of [pa, projector, fa]) {
    await fc.assert(
      fc.asyncProperty(arbitraries(ids), async ({ name, args }) => {
        if (RESERVED.has(name)) return;
        if (!c.socket.connected) await reconnect(c);
        const before = await seqOf(ctx.a.id);
        const ack = await send(c, name, args);
        ctx.fuzzed += 1;
        if (ack === 'skipped' || ack === 'closed') {
          tally[ack] += 1;
          // Only a message too big for the transport may close the connection.
          if (ack === 'closed') assert.ok(JSON.stringify(args).length > 100_000, `closed on ${name} ${JSON.stringify(args).slice(0, 200)}`);
          return;
        }
        assert.type(ack, 'object');
        if (ack.ok) {
          tally.ok += 1;
          assert.ok(['command', 'join', 'sync'].includes(name), `accepted ${name}`);
          return;
        }
        tally.refused += 1;
        assert.is.not(ack.error, 'internal', `${name} ${JSON.stringify(args).slice(0, 200)} broke something inside`);
        assert.type(ack.message, 'string');
        assert.ok(ack.message.length > 0);
        assert.is(await seqOf(ctx.a.id), before, `refused ${name} ${ack.error} changed the workshop`);
      }),
      { numRuns: RUNS_PER_SOCKET, seed: Number(process.env.FUZZ_SEED ?? 20261123) },
    );
  }

  // Nothing leaked across workshops or into the prototype; the server still answers at once.
  assert.is(await seqOf(ctx.b.id), bSeq, 'workshop B is untouched');
  assert.is(({} as Record<string, unknown>).polluted, undefined);
  assert.is((Object.prototype as Record<string, unknown>).polluted, undefined);
  for (const c of [fa, pa, projector]) {
    const raw = JSON.stringify(c.received);
    assert.not.ok(raw.includes('Hemligt i B') || raw.includes('note-in-b-1') || raw.includes(ctx.b.id), 'an event of B reached A');
  }
  const started = Date.now();
  assert.is((await fetch(`${srv.url}/api/health`)).status, 200);
  const fresh = await participant(srv.url, ctx.a.id, { name: 'Efteråt' });
  ctx.clients.push(fresh);
  const swot = fa.state!.activities.find((x) => x.kind === 'swot');
  if (swot) {
    await fa.command({ type: 'activity.focus', activityId: swot.id });
    await fa.command({ type: 'activity.lock', activityId: swot.id, locked: false });
    await fa.command({ type: 'workshop.reopen' });
    const ack = await fresh.command({ type: 'note.add', noteId: nanoid(), activityId: swot.id, columnId: swot.columns[0].id, text: 'Fungerar' });
    assert.ok(ack.ok || ack.error !== 'internal', JSON.stringify(ack));
  }
  assert.ok(Date.now() - started < 5000, 'the server answers promptly after the fuzz');
  assert.ok(tally.refused > RUNS_PER_SOCKET, `refused ${tally.refused}`);
  console.log(`  fuzzed ${ctx.fuzzed} messages: ${tally.refused} refused with an error ack, ${tally.ok} accepted, ${tally.closed} closed by the transport cap, ${tally.skipped} not encodable by the client`);
});

it('messages above the cap are refused with a clear error and store nothing', async (ctx) => {
  const { srv } = ctx;
  const pa = await participant(srv.url, ctx.a.id, { name: 'Stor' });
  const fa = await facilitator(srv.url, ctx.a);
  ctx.clients.push(pa, fa);
  const before = await srv.seq(ctx.a.id);
  const big = { id: nanoid(), type: 'note.add', noteId: nanoid(), activityId: 'x'.repeat(10), columnId: 's', text: 'å'.repeat(9000) };
  const ack = (await send(pa, 'command', [big])) as Ack<unknown>;
  assert.equal(ack.ok ? 'ok' : [ack.error, ack.message], ['too_large', 'Meddelandet är för stort (högst 16 kB).']);
  // A facilitator's larger plan (a breakout for a big hall) is within their cap.
  const members = Array.from({ length: 1000 }, () => nanoid(12));
  const plan = { id: nanoid(), type: 'breakout.open', activityId: nanoid(), assignment: 'manual', rooms: [{ id: nanoid(), name: 'Alla', members }] };
  const planAck = (await send(fa, 'command', [plan])) as Ack<unknown>;
  assert.is(planAck.ok ? 'ok' : planAck.error, 'not_found', 'read and judged, not refused for its size');
  const tooBig = (await send(fa, 'command', [{ ...plan, padding: 'x'.repeat(110_000) }])) as Ack<unknown>;
  assert.is(tooBig === ('closed' as unknown) ? 'closed' : (tooBig as { error?: string }).error, 'too_large');
  assert.is(await srv.seq(ctx.a.id), before);
});

it.run();
