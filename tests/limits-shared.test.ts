// The per-participant, per-address and join-code limits hold across servers: two Quotas or two
// CodeGuessLimiters on two pools of one PostgreSQL database are two servers, and count once;
// a participant's checks resolve in the order asked; a slow or absent PostgreSQL leaves each
// server its own count, neither open to all nor shut to all; and two real servers on one
// PostgreSQL store refuse wrong join codes spread over both at one limit.
import { request, Agent } from 'node:http';
import pg from 'pg';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CodeGuessLimiter, type Admission } from '../server/limits.ts';
import { Quotas } from '../server/quotas.ts';
import { createServer, type VerkstadServer } from '../server/server.ts';
import { RETRY_AFTER_FAILURE_MS, TIMEOUT_MS } from '../server/sharedLimits.ts';
import { PostgresStore } from '../server/store/postgres.ts';
import { createWorkshop } from './helpers/clients.ts';
import { testDatabase, type TestDatabase } from './helpers/postgres.ts';

const found = await testDatabase();

if ('skipped' in found) {
  console.log(`Shared limits tests skipped: ${found.skipped}`);
  const skipped = suite('limits shared by servers');
  skipped.skip(`the limits counted in PostgreSQL by two servers (${found.skipped})`, () => {});
  skipped.run();
} else {
  run(found);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function run(db: TestDatabase) {
  interface Ctx {
    pools: pg.Pool[];
    servers: VerkstadServer[];
  }
  const it = suite<Ctx>('limits shared by servers', { pools: [], servers: [] });
  /** One server's pool on the shared database. */
  const pool = (ctx: Ctx, url = db.url) => {
    const p = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 2000 });
    p.on('error', () => {});
    ctx.pools.push(p);
    return p;
  };
  /** Two servers' Quotas, their tables made (both at once, as servers starting together). */
  const twoQuotas = async (ctx: Ctx, limits: ConstructorParameters<typeof Quotas>[0]) => {
    const both = [new Quotas(limits, { pool: pool(ctx) }), new Quotas(limits, { pool: pool(ctx) })] as const;
    await Promise.all(both.map((q) => q.ready()));
    return both;
  };
  const twoLimiters = async (ctx: Ctx, limits: ConstructorParameters<typeof CodeGuessLimiter>[0]) => {
    const both = [new CodeGuessLimiter(limits, { pool: pool(ctx) }), new CodeGuessLimiter(limits, { pool: pool(ctx) })] as const;
    await Promise.all(both.map((l) => l.ready()));
    return both;
  };
  it.before.each(async (ctx) => {
    ctx.pools = [];
    ctx.servers = [];
    const tables = await db.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE tablename LIKE 'limits\\_%'");
    if (tables.length) await db.query(`TRUNCATE ${tables.map((t) => t.tablename).join(', ')}`);
  });
  it.after.each(async (ctx) => {
    for (const agent of agents.values()) agent.destroy();
    agents.clear();
    await Promise.all(ctx.servers.map((s) => s.close()));
    await Promise.all(ctx.pools.map((p) => p.end()));
  });
  it.after(() => db.drop());

  it("joins from one address are counted once over both servers", async (ctx) => {
    const [a, b] = await twoQuotas(ctx, { joinsPerAddress: 3 });
    const answers = [await a.join('10.1.0.1'), await b.join('10.1.0.1'), await a.join('10.1.0.1'), await b.join('10.1.0.1'), await a.join('10.1.0.1')];
    assert.equal(answers.map((w) => w > 0), [false, false, false, true, true]);
    assert.ok(answers[3] <= 60, `retry after ${answers[3]} s`);
    assert.is(await b.join('10.1.0.2'), 0, 'another address is not concerned');
  });

  it("a participant's commands and notes are counted once over both servers, and so are the workshop's", async (ctx) => {
    const [a, b] = await twoQuotas(ctx, { commandsPerParticipant: 5, notesPerParticipant: 2, commandsPerWorkshop: 7 });
    const on = [a, b];
    const notes = [];
    for (let i = 0; i < 3; i++) notes.push(await on[i % 2].command('ws-shared-1', 'anna', true));
    assert.equal(notes.map((r) => (r.wait ? r.detail : 'ok')), ['ok', 'ok', 'participant'], 'two notes a minute on A and B together');
    // Three commands so far (the refused note counts as a command); two more are hers.
    const edits = [];
    for (let i = 0; i < 3; i++) edits.push(await on[i % 2].command('ws-shared-1', 'anna', false));
    assert.equal(edits.map((r) => (r.wait ? r.detail : 'ok')), ['ok', 'ok', 'participant']);
    // The workshop has let 4 through; Bo's 3 more reach its 7.
    const bos = [];
    for (let i = 0; i < 4; i++) bos.push(await on[(i + 1) % 2].command('ws-shared-1', 'bo', false));
    assert.equal(bos.map((r) => (r.wait ? r.detail : 'ok')), ['ok', 'ok', 'ok', 'workshop']);
  });

  it('workshops created are counted once per address and overall over both servers', async (ctx) => {
    const [a, b] = await twoQuotas(ctx, { createsPerAddress: 2, creates: 3 });
    const answers = [await a.create('10.2.0.1'), await b.create('10.2.0.1'), await a.create('10.2.0.1')];
    assert.equal(answers.map((w) => w > 0), [false, false, true]);
    assert.ok(answers[2] > 60 && answers[2] <= 3600, `retry after ${answers[2]} s`);
    assert.is(await b.create('10.2.0.2'), 0, 'another address may');
    assert.ok((await a.create('10.2.0.3')) > 0, 'but not more than the servers allow in all');
  });

  it("50 commands of one participant fired at once resolve in the order asked, the refused ones last", async (ctx) => {
    const [a] = await twoQuotas(ctx, { commandsPerParticipant: 40 });
    const order: number[] = [];
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        a.command('ws-shared-2', 'anna', false).then((r) => {
          order.push(i);
          return r.wait;
        }),
      ),
    );
    assert.equal(order, Array.from({ length: 50 }, (_, i) => i));
    assert.equal(answers.map((w) => w > 0), Array.from({ length: 50 }, (_, i) => i >= 40));
  });

  it('wrong codes spread over both servers hit one per-address limit', async (ctx) => {
    const [a, b] = await twoLimiters(ctx, { perAddress: 6, overall: 1000, duration: 60 });
    for (let i = 0; i < 6; i++) {
      const admission = await [a, b][i % 2].admit('10.3.0.1');
      assert.ok(admission.ok, `guess ${i}`);
      await admission.settle(true);
    }
    for (const limiter of [a, b]) {
      const refused = await limiter.admit('10.3.0.1');
      assert.ok(!refused.ok && refused.retryAfter > 1 && refused.retryAfter <= 60, JSON.stringify(refused));
      assert.ok((await limiter.retryAfter('10.3.0.1')) > 1);
    }
    assert.ok((await b.admit('10.3.0.2')).ok, 'another address may look up');
  });

  it('the overall count is shared: over it, a wrong code costs an address more on either server', async (ctx) => {
    const [a, b] = await twoLimiters(ctx, { perAddress: 100, overall: 20, duration: 60 });
    for (let i = 0; i < 20; i++) await [a, b][i % 2].wrong(`10.4.0.${i}`);
    assert.is(await a.retryAfter('10.4.0.0'), 0);
    let guesses = 0;
    while ((await b.retryAfter('10.4.1.1')) === 0) {
      await [a, b][guesses % 2].wrong('10.4.1.1');
      guesses++;
    }
    assert.is(guesses, 10, 'a tenth of the budget each, as with one server');
    assert.is(await a.retryAfter('10.4.2.2'), 0, 'a fresh address is never refused by the overall count');
  });

  it('lookups in flight on both servers at once cannot outrun the budget, and right codes leave no hold', async (ctx) => {
    const [a, b] = await twoLimiters(ctx, { perAddress: 10, overall: 1000, duration: 60 });
    const admissions = await Promise.all(Array.from({ length: 40 }, (_, i) => [a, b][i % 2].admit('10.5.0.1')));
    const admitted = admissions.filter((x): x is Extract<Admission, { ok: true }> => x.ok);
    assert.ok(admitted.length >= 1 && admitted.length <= 10, `${admitted.length} admitted, the budget is 10`);
    const refused = admissions.filter((x) => !x.ok);
    assert.ok(refused.every((x) => !x.ok && x.retryAfter === 1), 'full only with lookups running: ask again in a second');
    // All of them right codes: nothing counted, nothing held.
    await Promise.all(admitted.map((x) => x.settle(false)));
    for (let i = 0; i < 30; i++) {
      const again = await [a, b][i % 2].admit('10.5.0.1');
      assert.ok(again.ok, `right code ${i}`);
      await again.settle(false);
    }
    const held = await db.query<{ points: number }>("SELECT points FROM limits_code_held WHERE key = 'limits_code_held:10.5.0.1'");
    assert.equal(held.map((r) => r.points), [0]);
  });

  it("PostgreSQL stuck: each server answers from its own count within the timeout, then counts there again", async (ctx) => {
    const [a, b] = await twoQuotas(ctx, { joinsPerAddress: 3 });
    assert.is(await a.join('10.6.0.1'), 0);
    assert.is(await a.join('10.6.0.1'), 0);
    assert.is(await b.join('10.6.0.1'), 0);
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE limits_address_joins IN ACCESS EXCLUSIVE MODE');
    try {
      let start = Date.now();
      assert.is(await b.join('10.6.0.1'), 0, "B's own count: one join of this address");
      const first = Date.now() - start;
      assert.ok(first >= TIMEOUT_MS - 5 && first < TIMEOUT_MS + 200, `answered in ${first} ms`);
      start = Date.now();
      assert.is(await b.join('10.6.0.1'), 0);
      assert.ok((await b.join('10.6.0.1')) > 0, 'not open to all: B stops the address at its own 3');
      assert.ok(Date.now() - start < 50, 'and without asking the stuck PostgreSQL again');
      assert.is(await a.join('10.6.0.1'), 0, 'A had counted 2 of its joins: a 3rd it lets through');
      assert.ok((await a.join('10.6.0.1')) > 0, 'a 4th it does not');
      assert.is(await b.join('10.6.0.9'), 0, 'not shut to all: another address joins');
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    await sleep(RETRY_AFTER_FAILURE_MS + 100);
    assert.is(await a.join('10.6.0.2'), 0);
    const rows = await db.query<{ points: number }>("SELECT points FROM limits_address_joins WHERE key = 'limits_address_joins:10.6.0.2'");
    assert.equal(rows.map((r) => r.points), [1], 'counted in PostgreSQL again');
  });

  it('PostgreSQL gone: limits hold per server from memory, and a right code still opens', async (ctx) => {
    const nowhere = pool(ctx, 'postgres://postgres@127.0.0.1:1/verkstad');
    const quotas = new Quotas({ joinsPerAddress: 2 }, { pool: nowhere });
    await quotas.ready().then(
      () => assert.unreachable('ready cannot make the tables'),
      (err: Error) => assert.match(err.message, /ECONNREFUSED|connect/),
    );
    assert.equal([await quotas.join('10.7.0.1'), await quotas.join('10.7.0.1')], [0, 0]);
    assert.ok((await quotas.join('10.7.0.1')) > 0);
    const codes = new CodeGuessLimiter({ perAddress: 2, overall: 1000, duration: 60 }, { pool: nowhere });
    await codes.wrong('10.7.0.2');
    await codes.wrong('10.7.0.2');
    assert.not.ok((await codes.admit('10.7.0.2')).ok);
    const right = await codes.admit('10.7.0.3');
    assert.ok(right.ok);
    await right.settle(false);
  });

  it('tables missing (ready() not awaited): memory answers meanwhile, the tables are made, then PostgreSQL counts', async (ctx) => {
    const fresh = await db.another();
    const quotas = new Quotas({ joinsPerAddress: 2 }, { pool: pool(ctx, fresh) });
    assert.is(await quotas.join('10.8.0.1'), 0);
    await sleep(RETRY_AFTER_FAILURE_MS + 100);
    assert.is(await quotas.join('10.8.0.1'), 0);
    const look = new pg.Client({ connectionString: fresh });
    await look.connect();
    const { rows } = await look.query<{ points: number }>("SELECT points FROM limits_address_joins WHERE key = 'limits_address_joins:10.8.0.1'");
    await look.end();
    assert.equal(rows.map((r) => r.points), [1], 'the second join, counted in PostgreSQL');
    assert.is(await quotas.join('10.8.0.1'), 0, 'once it answers PostgreSQL is the count: 2 there, though this server saw 3');
    assert.ok((await quotas.join('10.8.0.1')) > 0);
  });

  it('two real servers: wrong join codes spread over A and B from one address hit one limit; a right code from elsewhere opens on both', async (ctx) => {
    const perAddress = 6;
    const servers = await Promise.all(
      [0, 1].map(async () => {
        const codeGuesses = new CodeGuessLimiter({ perAddress, overall: 1000, duration: 900 }, { pool: pool(ctx) });
        await codeGuesses.ready();
        const server = createServer({ store: await PostgresStore.open(db.url), publicUrl: null, codeGuesses });
        ctx.servers.push(server);
        return server.listen(0, '127.0.0.1');
      }),
    );
    const [urlA, urlB] = servers;
    const { joinCode } = await createWorkshop(urlA);
    const guesser = '127.0.0.21';
    for (let i = 0; i < perAddress; i++) {
      const answer = await get(servers[i % 2], `/api/join/${90000000 + i}`, guesser);
      assert.is(answer.status, 404, `guess ${i} on ${i % 2 ? 'B' : 'A'}`);
    }
    for (const url of [urlA, urlB])
      for (const code of [String(90000099), joinCode]) {
        const blocked = await get(url, `/api/join/${code}`, guesser);
        assert.is(blocked.status, 429, `${url}: blocked, even for a right code`);
        assert.ok(Number(blocked.retryAfter) > 1 && Number(blocked.retryAfter) <= 900, `Retry-After ${blocked.retryAfter}`);
      }
    for (const url of [urlA, urlB]) {
      const opened = await get(url, `/api/join/${joinCode}`, '127.0.0.22');
      assert.is(opened.status, 200, opened.body);
    }
  });

  it.run();
}

const agents = new Map<string, Agent>();
const agentFor = (from: string) => {
  let agent = agents.get(from);
  if (!agent) agents.set(from, (agent = new Agent({ keepAlive: true, maxSockets: 4 })));
  return agent;
};

/** GET from the client address `from` (any of 127.0.0.0/8 is this machine). */
function get(base: string, path: string, from: string): Promise<{ status: number; retryAfter: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { agent: agentFor(from), localAddress: from }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}
