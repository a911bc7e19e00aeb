// The browser's Connection, run in Node against a real server: joining right after the page
// opened waits for the connection still being made, and says "offline" when none comes.
import { createServer as createNetServer } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Connection, type ConnectionListener } from '../client/src/lib/connection.ts';
import { createWorkshop } from './helpers/clients.ts';
import { startServer, type TestServer } from './helpers/server.ts';

const quiet: ConnectionListener = {
  snapshot() {},
  events() {},
  presence() {},
  projection() {},
  status() {},
  refused() {},
  ended() {},
  outbox() {},
  accepted() {},
  rejected() {},
};

const join = suite<{ srv: TestServer }>('joining from a page that has just opened');

join.before(async (ctx) => {
  ctx.srv = await startServer({ memory: true });
});
join.after(async (ctx) => {
  await ctx.srv.close();
});

const anna = { token: 'anna-token-abcdefghijklmnop', name: 'Anna Andersson', organisation: 'Nybro kommun', orgKind: 'kommun' as const };

join('a join sent before the socket is connected waits for it and is answered', async ({ srv }) => {
  const created = await createWorkshop(srv.url);
  const connection = new Connection({ workshopId: created.id, participantToken: anna.token, since: () => undefined, url: srv.url, storage: null }, quiet);
  try {
    connection.connect();
    assert.not.ok(connection.socket.connected, 'the join goes out while the connection is still being made');
    const ack = await connection.join(anna);
    assert.ok(ack.ok, JSON.stringify(ack));
    if (ack.ok) assert.is(ack.data.participant.name, 'Anna Andersson');
  } finally {
    connection.close();
  }
});

join('with no server to reach, the join says offline instead of hanging', async () => {
  // A port that was free a moment ago: nothing listens there.
  const port = await new Promise<number>((resolve) => {
    const probe = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
  const connection = new Connection(
    { workshopId: 'no-such-workshop', participantToken: anna.token, since: () => undefined, url: `http://127.0.0.1:${port}`, storage: null, ackTimeout: 5000 },
    quiet,
  );
  try {
    connection.connect();
    const started = Date.now();
    const ack = await connection.join(anna);
    assert.equal(ack, { ok: false, error: 'internal', message: 'offline' });
    assert.ok(Date.now() - started < 5000, 'answered when the connection failed, before the timeout');
  } finally {
    connection.close();
  }
});

join.run();
