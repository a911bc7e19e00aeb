// Join codes: eight digits, typed any way, and guessing them throttled per address without ever
// keeping a right code out — not during a distributed guessing burst, not for a hall of phones
// behind one venue address. Distinct client addresses come from binding the client's socket to
// 127.0.0.2…127.0.0.40 (all of 127.0.0.0/8 is loopback on Linux), so no header is trusted.
import { request, Agent } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createWorkshop } from './helpers/clients.ts';
import { startServer, tempDir, type TestServer } from './helpers/server.ts';
import { CodeGuessLimiter, DEFAULT_CODE_GUESS_LIMITS } from '../server/limits.ts';
import { SqliteStore } from '../server/store/sqlite.ts';
import { record, created } from './store.contract.ts';
import { groupedCode, isJoinCode } from '../shared/joinCode.ts';

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: string;
}

const agents = new Map<string, Agent>();
/** One keep-alive agent per client address, so a burst of thousands does not run out of ports. */
const agentFor = (from: string) => {
  let agent = agents.get(from);
  if (!agent) agents.set(from, (agent = new Agent({ keepAlive: true, maxSockets: 16 })));
  return agent;
};

/** GET `path` from the client address `from` (127.x.y.z); `own`: on a connection of its own, not a kept-alive one. */
function get(srv: TestServer, path: string, from = '127.0.0.1', own = false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${srv.url}${path}`, { agent: own ? false : agentFor(from), localAddress: from }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const address = (n: number) => `127.0.0.${n}`;
/** A wrong eight-digit code, never one the server made (those are random; this one is fixed per n). */
const wrongCode = (n: number) => String(90000000 + n);

/** Counts the server's lookups of a code in the store: a blocked address must cause none. */
function countLookups(srv: TestServer): () => number {
  let lookups = 0;
  const workshops = srv.server.workshops;
  const byCode = workshops.byCode.bind(workshops);
  workshops.byCode = (code) => {
    lookups++;
    return byCode(code);
  };
  return () => lookups;
}

/** Ends the kept-alive client connections first: the server's close waits for them. */
async function stop(srv: TestServer) {
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
  await srv.close();
}

const codes = suite('join codes');

codes('a new workshop gets an eight-digit code, shown as two groups of four', async () => {
  const srv = await startServer({ memory: true });
  const { joinCode } = await createWorkshop(srv.url);
  assert.match(joinCode, /^\d{8}$/);
  assert.is(groupedCode(joinCode), `${joinCode.slice(0, 4)} ${joinCode.slice(4)}`);
  assert.is(groupedCode('482913'), '482 913', 'a stored six-digit code is shown in two threes');
  assert.ok(isJoinCode('1234 5678') && isJoinCode('1234-5678') && isJoinCode('482913'));
  assert.not.ok(isJoinCode('1234567') || isJoinCode('123456789') || isJoinCode(''));
  await stop(srv);
});

codes('a code opens with or without spaces, in the API and in the /j/ link', async () => {
  const clientDir = tempDir('verkstad-client-');
  writeFileSync(join(clientDir, 'index.html'), '<!doctype html><html><head></head><body></body></html>');
  mkdirSync(join(clientDir, 'assets'));
  const srv = await startServer({ memory: true, clientDir });
  const created = await createWorkshop(srv.url, { title: 'Samråd hälsa, vård och omsorg' });
  const spaced = `${created.joinCode.slice(0, 4)}%20${created.joinCode.slice(4)}`;
  for (const code of [created.joinCode, spaced, `${created.joinCode.slice(0, 4)}-${created.joinCode.slice(4)}`]) {
    const api = await get(srv, `/api/join/${code}`);
    assert.is(api.status, 200, code);
    assert.is((JSON.parse(api.body) as { workshopId: string }).workshopId, created.id);
    const page = await get(srv, `/j/${code}`);
    assert.is(page.status, 200, code);
    const embedded = /<script type="application\/json" id="join-info">(.*?)<\/script>/.exec(page.body);
    assert.ok(embedded, `the page of /j/${code} carries the answer`);
    assert.equal(JSON.parse(embedded![1]), {
      code: created.joinCode,
      ok: true,
      data: { workshopId: created.id, title: 'Samråd hälsa, vård och omsorg', language: 'sv', retentionDays: null },
    });
  }
  await stop(srv);
});

codes('a stored workshop with a six-digit code still opens', async () => {
  const dataDir = tempDir();
  const store = new SqliteStore(dataDir);
  await store.create(record('ws-old-six-1', '482913'), [created('ws-old-six-1', '482913')]);
  await store.close();
  const srv = await startServer({ dataDir });
  for (const code of ['482913', '482%20913']) {
    const answer = await get(srv, `/api/join/${code}`);
    assert.is(answer.status, 200, code);
    assert.is((JSON.parse(answer.body) as { workshopId: string }).workshopId, 'ws-old-six-1');
  }
  await stop(srv);
});

codes('20 typos from one venue address do not lock the hall out of its right code', async () => {
  const srv = await startServer({ memory: true });
  const { joinCode } = await createWorkshop(srv.url);
  const venue = address(2);
  for (let i = 0; i < 20; i++) assert.is((await get(srv, `/api/join/${wrongCode(i)}`, venue)).status, 404);
  // …and a room's worth more: the hall still gets in.
  for (let i = 20; i < 90; i++) await get(srv, `/api/join/${wrongCode(i)}`, venue);
  for (let i = 0; i < 30; i++) assert.is((await get(srv, `/api/join/${joinCode}`, venue)).status, 200, 'a phone in the hall');
  await stop(srv);
});

codes('an address over its budget gets 429 with Retry-After and words, before any lookup', async () => {
  const srv = await startServer({ memory: true });
  const { joinCode } = await createWorkshop(srv.url);
  const guesser = address(3);
  const { perAddress, duration } = DEFAULT_CODE_GUESS_LIMITS;
  for (let i = 0; i < perAddress; i++) assert.is((await get(srv, `/api/join/${wrongCode(i)}`, guesser)).status, 404, `guess ${i}`);
  const lookups = countLookups(srv);
  for (const code of [wrongCode(perAddress), joinCode]) {
    const blocked = await get(srv, `/api/join/${code}`, guesser);
    assert.is(blocked.status, 429, 'a blocked address learns nothing, not even from a right code');
    const wait = Number(blocked.retryAfter);
    assert.ok(wait > 0 && wait <= duration, `Retry-After ${blocked.retryAfter}`);
    const body = JSON.parse(blocked.body) as { error: string; detail: string; message: string };
    assert.is(body.error, 'rate_limited');
    assert.is(body.detail, 'join_codes');
    assert.match(body.message, /fel kod/);
  }
  assert.is(lookups(), 0, 'nothing was looked up for the blocked address');
  assert.is((await get(srv, `/api/join/${joinCode}`, address(4))).status, 200, 'another address is not concerned');
  await stop(srv);
});

codes('a burst from one address cannot outrun its budget', async () => {
  // The SQLite store answers from its reader thread: the lookups really are in flight together.
  const srv = await startServer();
  const { perAddress } = DEFAULT_CODE_GUESS_LIMITS;
  // Each on its own connection, all in flight at once.
  const answers = await Promise.all(Array.from({ length: 3 * perAddress }, (_, i) => get(srv, `/api/join/${wrongCode(i)}`, address(5), true)));
  const looked = answers.filter((a) => a.status === 404).length;
  assert.ok(looked <= perAddress, `${looked} wrong codes were looked up, the budget is ${perAddress}`);
  assert.is(looked + answers.filter((a) => a.status === 429).length, answers.length);
  await stop(srv);
});

codes('a right code from a fresh address is never refused during a distributed guessing burst', async () => {
  const srv = await startServer();
  const { joinCode } = await createWorkshop(srv.url);
  // 30 guessers (127.0.0.10–39) of 80 wrong codes each, all at once: 2,400 wrong guesses, well
  // past the overall budget. Meanwhile phones from fresh addresses (.2–.9 and .40) join.
  const guessers = Array.from({ length: 30 }, (_, i) => address(10 + i));
  const burst = guessers.flatMap((from, g) => Array.from({ length: 80 }, (_, i) => get(srv, `/api/join/${wrongCode(g * 80 + i)}`, from)));
  const during = [2, 3, 4, 5, 6].map((n) => get(srv, `/api/join/${joinCode}`, address(n)));
  const wrong = await Promise.all(burst);
  const after = await Promise.all([7, 8, 9, 40].map((n) => get(srv, `/api/join/${joinCode}`, address(n))));
  for (const answer of [...(await Promise.all(during)), ...after]) assert.is(answer.status, 200, answer.body);
  assert.ok(wrong.every((a) => a.status === 404 || a.status === 429));
  // Each guesser stayed under a calm day's 100, so every refusal is the surge making guesses dearer.
  const refused = wrong.filter((a) => a.status === 429).length;
  assert.ok(refused > 0, 'the guessers were stopped sooner than on a calm day');
  await stop(srv);
});

codes.run();

const limiter = suite('the join-code limiter');

limiter('IPv6 addresses of one /64 share a bucket; an IPv4-mapped address is its IPv4', async () => {
  const limits = new CodeGuessLimiter({ perAddress: 3, overall: 1000, duration: 60 });
  for (const from of ['2001:db8:1:2::a', '2001:db8:1:2:aaaa::b', '2001:db8:1:2:ffff:ffff:ffff:c']) await limits.wrong(from);
  assert.ok((await limits.retryAfter('2001:db8:1:2::1')) > 0, 'the same /64 is blocked');
  assert.is(await limits.retryAfter('2001:db8:1:3::1'), 0, 'the next /64 is not');
  for (let i = 0; i < 3; i++) await limits.wrong('::ffff:10.1.2.3');
  assert.ok((await limits.retryAfter('10.1.2.3')) > 0);
  assert.is(await limits.retryAfter('10.1.2.4'), 0);
});

limiter('while the server is over its overall budget, wrong guesses cost an address more', async () => {
  const limits = new CodeGuessLimiter({ perAddress: 100, overall: 20, duration: 60 });
  // 20 addresses, one wrong guess each: the overall budget is used up, nobody is blocked.
  for (let i = 0; i < 20; i++) await limits.wrong(`10.0.0.${i}`);
  assert.is(await limits.retryAfter('10.0.0.0'), 0);
  let guesses = 0;
  while ((await limits.retryAfter('10.0.1.1')) === 0) {
    await limits.wrong('10.0.1.1');
    guesses++;
  }
  assert.is(guesses, 10, 'a tenth of the budget each: blocked after 10 wrong guesses, not 100');
  assert.is(await limits.retryAfter('10.0.2.2'), 0, 'a fresh address is never refused by the overall count');
});

limiter('past twice the overall budget, one wrong guess uses up an address', async () => {
  const limits = new CodeGuessLimiter({ perAddress: 5, overall: 10, duration: 60 });
  for (let i = 0; i < 20; i++) await limits.wrong(`10.0.3.${i}`);
  await limits.wrong('10.0.4.1');
  assert.ok((await limits.retryAfter('10.0.4.1')) > 0, 'one wrong guess in a heavy surge uses up an address');
  assert.is(await limits.retryAfter('10.0.4.2'), 0);
});

limiter.run();
