// The HTTP API: health, creating a workshop, looking up a join code, links and QR code.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createWorkshop, facilitator } from './helpers/clients.ts';
import { CodeGuessLimiter } from '../server/limits.ts';
import { startServer, type TestServer } from './helpers/server.ts';

const api = suite<{ srv: TestServer }>('http api');

api.before(async (ctx) => {
  ctx.srv = await startServer();
});
api.after(async (ctx) => {
  await ctx.srv.close();
});

api('health answers 200 with JSON once the store is open', async ({ srv }) => {
  const res = await fetch(`${srv.url}/api/health`);
  assert.is(res.status, 200);
  assert.equal(await res.json(), { ok: true, store: 'open' });
});

api('creating a workshop returns id, code, a secret key and the links', async ({ srv }) => {
  const created = await createWorkshop(srv.url, {
    title: 'LGS Kalmar län',
    date: '2026-12-04',
    place: 'Teams',
    purpose: 'Ta tillvara erfarenheter',
    goal: 'Prioriterade områden 2027',
    language: 'sv',
  });
  assert.match(created.joinCode, /^\d{8}$/);
  // nanoid(32) over a 64-symbol alphabet: 192 bits, above the 128 the issue asks for.
  assert.ok(created.facilitatorKey.length >= 22);
  assert.match(created.participantUrl, new RegExp(`/j/${created.joinCode}$`));
  assert.ok(!created.participantUrl.includes(created.facilitatorKey));
  assert.ok(!created.projectorUrl.includes(created.facilitatorKey));
  assert.ok(created.facilitatorUrl.endsWith(`/f/${created.id}#${created.facilitatorKey}`));
  const f = await facilitator(srv.url, created);
  assert.is(f.state!.title, 'LGS Kalmar län');
  assert.is(f.state!.goal, 'Prioriterade områden 2027');
  assert.equal(
    f.state!.activities.map((a) => a.kind),
    ['swot', 'startStopContinue', 'evaluation', 'actions'],
  );
  assert.equal(
    f.state!.activities[0].columns.map((c) => c.title),
    ['Styrkor', 'Svagheter', 'Möjligheter', 'Hot'],
  );
  f.close();
});

api('an agenda can be given as a list of activities', async ({ srv }) => {
  const created = await createWorkshop(srv.url, {
    agenda: [
      { kind: 'brainstorm', title: 'Nära vård', questions: ['Vad fungerar?', 'Vad saknas?'] },
      { kind: 'decisions' },
    ],
  });
  const f = await facilitator(srv.url, created);
  assert.equal(f.state!.activities[0].columns.map((c) => c.title), ['Vad fungerar?', 'Vad saknas?']);
  assert.is(f.state!.activities[1].title, 'Beslut');
  f.close();
});

api('bad create requests are refused with a readable error', async ({ srv }) => {
  const cases: Array<[string, string, string]> = [
    ['{"title": ""}', 'title', 'Ogiltiga uppgifter: title får inte vara tom.'],
    ['{"title": "x", "language": "de"}', 'language', 'Ogiltiga uppgifter: language är inget av de tillåtna värdena.'],
    ['not json', 'payload', 'Ogiltiga uppgifter: förfrågan har fel form.'],
    ['{"title":"x","extra":1}', 'payload', 'Ogiltiga uppgifter: förfrågan har fel form.'],
    ['{"title":"x","agenda":[{"kind":"swot","colour":"red"}]}', 'agenda.0', 'Ogiltiga uppgifter: agenda.0 har ett fält som inte finns.'],
    [JSON.stringify({ title: 'x', purpose: 'å'.repeat(70_000) }), 'body_too_large', 'Ogiltiga uppgifter: förfrågan är för stor (högst 64 kB).'],
  ];
  for (const [body, detail, message] of cases) {
    const res = await fetch(`${srv.url}/api/workshops`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    assert.is(res.status, 400, body);
    assert.equal(await res.json(), { ok: false, error: 'invalid', message, detail }, body.slice(0, 60));
  }
});

api('a join code leads to the workshop; unknown and closed codes say so', async ({ srv }) => {
  const created = await createWorkshop(srv.url, { title: 'Samråd' });
  const ok = await fetch(`${srv.url}/api/join/${created.joinCode}`);
  assert.is(ok.status, 200);
  assert.equal(await ok.json(), { workshopId: created.id, title: 'Samråd', language: 'sv', retentionDays: null });
  const spaced = await fetch(`${srv.url}/api/join/${created.joinCode.slice(0, 4)}%20${created.joinCode.slice(4)}`);
  assert.is(spaced.status, 200, 'a code typed with a space still works');

  const unknown = await fetch(`${srv.url}/api/join/000000`);
  assert.is(unknown.status, 404);
  assert.is(((await unknown.json()) as { error: string }).error, 'unknown_code');

  const f = await facilitator(srv.url, created);
  assert.ok((await f.command({ type: 'workshop.close' })).ok);
  const closed = await fetch(`${srv.url}/api/join/${created.joinCode}`);
  assert.is(closed.status, 410);
  const body = (await closed.json()) as { error: string; message: string };
  assert.is(body.error, 'closed');
  assert.match(body.message, /avslutad/);
  f.close();
});

api('links and the QR code point at the participant page', async ({ srv }) => {
  const created = await createWorkshop(srv.url);
  const links = (await (await fetch(`${srv.url}/api/workshops/${created.id}/links`)).json()) as {
    participantUrl: string;
  };
  assert.match(links.participantUrl, new RegExp(`/j/${created.joinCode}$`));
  const qr = await fetch(`${srv.url}/api/workshops/${created.id}/qr.svg`);
  assert.is(qr.status, 200);
  assert.match(qr.headers.get('content-type') ?? '', /image\/svg\+xml/);
  assert.match(await qr.text(), /^<svg/);
  assert.is((await fetch(`${srv.url}/api/workshops/nope-nope/links`)).status, 404);
});

api('a malformed address is a clear 400, not a server error', async ({ srv }) => {
  const res = await fetch(`${srv.url}/api/join/%E0%A4%A`);
  assert.is(res.status, 400);
  assert.is(((await res.json()) as { error: string }).error, 'invalid');
});

api.run();

const links = suite('links with PUBLIC_URL');

links('PUBLIC_URL is used for join links and QR codes', async () => {
  const srv = await startServer({ memory: true, publicUrl: 'https://verkstad.example.se' });
  const created = await createWorkshop(srv.url);
  assert.is(created.participantUrl, `https://verkstad.example.se/j/${created.joinCode}`);
  assert.is(created.lanHost, null);
  await srv.close();
});

links.run();

const guessing = suite('guessing join codes');

guessing('wrong codes are throttled per address with a clear message; right codes never count', async () => {
  const srv = await startServer({
    memory: true,
    codeGuesses: new CodeGuessLimiter({ perAddress: 3, overall: 100, duration: 60 }),
  });
  const created = await createWorkshop(srv.url);
  const lookup = (code: string) => fetch(`${srv.url}/api/join/${code}`);
  for (let i = 0; i < 10; i++) assert.is((await lookup(created.joinCode)).status, 200, 'a hall joining is never throttled');
  for (let i = 0; i < 3; i++) assert.is((await lookup(`9999999${i}`)).status, 404);
  const blocked = await lookup('99999995');
  assert.is(blocked.status, 429);
  assert.ok(Number(blocked.headers.get('retry-after')) > 0);
  const body = (await blocked.json()) as { error: string; message: string };
  assert.is(body.error, 'rate_limited');
  assert.match(body.message, /För många försök/);
  assert.is((await lookup(created.joinCode)).status, 429, 'a guesser is stopped even when it hits');
  await srv.close();
});

guessing.run();
