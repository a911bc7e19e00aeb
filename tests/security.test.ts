// Web security on a real server: helmet's headers and the Content-Security-Policy on every
// answer, the summary's own stricter policy, the Origin check on the Socket.IO handshake and on
// the API's writes, and the facilitator key kept out of logs and of every shared link.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import QRCode from 'qrcode';
import { io } from 'socket.io-client';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readConfig } from '../server/config.ts';
import { STYLE as SUMMARY_STYLE } from '../server/export/html.ts';
import { PROTOCOL_VERSION, type CreatedWorkshop } from '../shared/protocol.ts';
import { createWorkshop, facilitator, participant, TestClient } from './helpers/clients.ts';
import { startServer, type TestServer } from './helpers/server.ts';

/** The summary preview's one inline stylesheet, the only inline style the app allows. */
const STYLE_HASH = `'sha256-${createHash('sha256').update(SUMMARY_STYLE).digest('base64')}'`;
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self'",
  `style-src-elem 'self' ${STYLE_HASH}`,
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'self'",
  "form-action 'self'",
].join(';');
const SUMMARY_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'";
const EVIL = 'https://evil.example';

/** A stand-in for the built client, so that these tests need no `vite build`. */
function fakeClient(): string {
  const dir = mkdtempSync(join(tmpdir(), 'verkstad-client-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Verkstad</title>');
  return dir;
}

function assertHelmet(res: Response, csp: string, where: string) {
  assert.is(res.headers.get('content-security-policy'), csp, `${where}: CSP`);
  assert.is(res.headers.get('x-content-type-options'), 'nosniff', `${where}: nosniff`);
  assert.is(res.headers.get('referrer-policy'), 'no-referrer', `${where}: Referrer-Policy`);
  assert.is(res.headers.get('x-frame-options'), 'SAMEORIGIN', `${where}: X-Frame-Options`);
  assert.is(res.headers.get('cross-origin-opener-policy'), 'same-origin', `${where}: COOP`);
  assert.is(res.headers.get('cross-origin-resource-policy'), 'same-origin', `${where}: CORP`);
  assert.is(res.headers.get('x-powered-by'), null, `${where}: no X-Powered-By`);
  assert.is(res.headers.get('strict-transport-security'), null, `${where}: no HSTS over http`);
}

// ---------------------------------------------------------------------------------------------

const headers = suite<{ srv: TestServer; clientDir: string; created: CreatedWorkshop }>('security headers');

headers.before(async (ctx) => {
  ctx.clientDir = fakeClient();
  ctx.srv = await startServer({ memory: true, clientDir: ctx.clientDir });
  ctx.created = await createWorkshop(ctx.srv.url);
});
headers.after(async (ctx) => {
  await ctx.srv.close();
  rmSync(ctx.clientDir, { recursive: true, force: true });
});

headers('the page, a client route, the API and its 404 all carry helmet and the CSP', async ({ srv, created }) => {
  for (const path of ['/', `/f/${created.id}`, '/api/health', `/api/join/${created.joinCode}`, '/api/nothing-here']) {
    const res = await fetch(`${srv.url}${path}`);
    assert.ok([200, 404].includes(res.status), `${path}: ${res.status}`);
    assertHelmet(res, CSP, path);
  }
  assert.is((await fetch(`${srv.url}/api/nothing-here`)).status, 404);
});

headers("a file that is not there: Express's own 404 keeps helmet's headers under a stricter CSP", async ({ srv }) => {
  const res = await fetch(`${srv.url}/assets/missing.js`);
  assert.is(res.status, 404);
  assertHelmet(res, "default-src 'none'", '/assets/missing.js');
});

headers('the summary keeps its own policy: no script, no fetch, nothing but its inline style', async ({ srv, created }) => {
  const res = await fetch(`${srv.url}/api/workshops/${created.id}/summary.html?inline=1`, {
    headers: { authorization: `Bearer ${created.facilitatorKey}` },
  });
  assert.is(res.status, 200);
  assert.is(res.headers.get('content-security-policy'), SUMMARY_CSP);
  assert.is(res.headers.get('x-content-type-options'), 'nosniff');
  assert.is(res.headers.get('strict-transport-security'), null);
});

headers('HSTS only when PUBLIC_URL is https', async () => {
  for (const [publicUrl, hsts] of [
    ['https://verkstad.example.se', true],
    ['http://verkstad.lan:3000', false],
  ] as const) {
    const srv = await startServer({ memory: true, publicUrl });
    const res = await fetch(`${srv.url}/api/health`);
    const value = res.headers.get('strict-transport-security');
    if (hsts) assert.match(value ?? '', /^max-age=\d+; includeSubDomains$/);
    else assert.is(value, null, publicUrl);
    assert.not.match(res.headers.get('content-security-policy') ?? '', /upgrade-insecure-requests/);
    await srv.close();
  }
});

headers.run();

// ---------------------------------------------------------------------------------------------

type Transport = 'websocket' | 'polling';

/** Open a facilitator socket with the given Origin header (none when undefined): connected or refused. */
function handshake(url: string, created: CreatedWorkshop, origin: string | undefined, transport: Transport) {
  const socket = io(url, {
    forceNew: true,
    reconnection: false,
    transports: [transport],
    auth: { protocol: PROTOCOL_VERSION, workshopId: created.id, facilitatorKey: created.facilitatorKey },
    extraHeaders: origin === undefined ? {} : { origin },
  });
  return new Promise<'connected' | 'refused'>((resolve) => {
    socket.on('connect', () => resolve('connected'));
    socket.on('connect_error', () => resolve('refused'));
  }).finally(() => socket.close());
}

async function expectHandshakes(srv: TestServer, created: CreatedWorkshop, cases: Array<[string | undefined, 'connected' | 'refused']>) {
  for (const transport of ['websocket', 'polling'] as const)
    for (const [origin, expected] of cases)
      assert.is(await handshake(srv.url, created, origin, transport), expected, `${transport}, Origin ${origin ?? '(none)'}`);
}

const sockets = suite('the origin of a socket handshake');

sockets('without PUBLIC_URL: the page of the same host and clients without Origin connect, others are refused', async () => {
  const srv = await startServer({ memory: true });
  const created = await createWorkshop(srv.url);
  const own = new URL(srv.url);
  await expectHandshakes(srv, created, [
    [EVIL, 'refused'],
    [`http://evil-${own.port}.example:${own.port}`, 'refused'],
    [`http://localhost:${own.port}`, 'refused'], // another name for the host: not the page's own
    ['null', 'refused'],
    [srv.url, 'connected'],
    [undefined, 'connected'],
  ]);
  // The raw engine.io handshake, as a cross-site page's script would make it.
  const raw = await fetch(`${srv.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: EVIL } });
  assert.is(raw.status, 403);
  await srv.close();
});

sockets("with PUBLIC_URL: its origin connects, the server's bare address does not", async () => {
  const srv = await startServer({ memory: true, publicUrl: 'https://verkstad.example.se/' });
  const created = await createWorkshop(srv.url);
  await expectHandshakes(srv, created, [
    ['https://verkstad.example.se', 'connected'],
    ['http://verkstad.example.se', 'refused'],
    [srv.url, 'refused'],
    [EVIL, 'refused'],
    [undefined, 'connected'],
  ]);
  await srv.close();
});

sockets('ALLOWED_ORIGINS adds origins, beside PUBLIC_URL or the own host', async () => {
  const allowedOrigins = ['https://intranat.example.se', 'http://10.0.0.5:3000'];
  const withPublic = await startServer({ memory: true, publicUrl: 'https://verkstad.example.se', allowedOrigins });
  let created = await createWorkshop(withPublic.url);
  await expectHandshakes(withPublic, created, [
    ['https://intranat.example.se', 'connected'],
    ['http://10.0.0.5:3000', 'connected'],
    ['https://verkstad.example.se', 'connected'],
    ['http://10.0.0.5:3001', 'refused'],
    [EVIL, 'refused'],
  ]);
  await withPublic.close();
  const lan = await startServer({ memory: true, allowedOrigins });
  created = await createWorkshop(lan.url);
  await expectHandshakes(lan, created, [
    ['https://intranat.example.se', 'connected'],
    [lan.url, 'connected'],
    [EVIL, 'refused'],
  ]);
  await lan.close();
});

sockets('ALLOWED_ORIGINS is read as a comma-separated list of origins; anything else stops the start', () => {
  assert.equal(readConfig({}).allowedOrigins, []);
  assert.equal(readConfig({ ALLOWED_ORIGINS: ' https://Intranat.example.se/ , http://10.0.0.5:3000,, ' }).allowedOrigins, [
    'https://intranat.example.se',
    'http://10.0.0.5:3000',
  ]);
  assert.throws(() => readConfig({ ALLOWED_ORIGINS: 'intranat.example.se' }), /ALLOWED_ORIGINS/);
  assert.throws(() => readConfig({ ALLOWED_ORIGINS: 'ftp://files.example.se' }), /ALLOWED_ORIGINS/);
});

sockets.run();

// ---------------------------------------------------------------------------------------------

const writes = suite<{ srv: TestServer; created: CreatedWorkshop; creations: number }>('the origin of API writes');

writes.before(async (ctx) => {
  ctx.srv = await startServer({ memory: true, allowedOrigins: ['https://intranat.example.se'] });
  ctx.created = await createWorkshop(ctx.srv.url, { title: 'Samråd' });
  const { workshops } = ctx.srv.server;
  const create = workshops.create.bind(workshops);
  ctx.creations = 0;
  workshops.create = (input) => {
    ctx.creations++;
    return create(input);
  };
});
writes.after(async (ctx) => {
  await ctx.srv.close();
});

const post = (url: string, origin?: string) =>
  fetch(`${url}/api/workshops`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(origin && { origin }) },
    body: JSON.stringify({ title: 'Från en annan sida' }),
  });
const remove = (url: string, created: CreatedWorkshop, origin?: string) =>
  fetch(`${url}/api/workshops/${created.id}`, {
    method: 'DELETE',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${created.facilitatorKey}`, ...(origin && { origin }) },
    body: JSON.stringify({ confirmTitle: 'Samråd' }),
  });

writes('a foreign page cannot create a workshop: 403 forbidden, nothing created', async (ctx) => {
  for (const origin of [EVIL, 'null']) {
    const res = await post(ctx.srv.url, origin);
    assert.is(res.status, 403, origin);
    assert.is(((await res.json()) as { error: string }).error, 'forbidden');
  }
  assert.is(ctx.creations, 0);
});

writes('a foreign page cannot delete a workshop, even with the key: 403, the workshop stays', async (ctx) => {
  const res = await remove(ctx.srv.url, ctx.created, EVIL);
  assert.is(res.status, 403);
  assert.is(((await res.json()) as { error: string }).error, 'forbidden');
  assert.is((await fetch(`${ctx.srv.url}/api/workshops/${ctx.created.id}/links`)).status, 200, 'still there');
});

writes('the own page, an allowed origin and clients without Origin may write', async (ctx) => {
  assert.is((await post(ctx.srv.url, ctx.srv.url)).status, 201);
  assert.is((await post(ctx.srv.url, 'https://intranat.example.se')).status, 201);
  assert.is((await post(ctx.srv.url)).status, 201);
  assert.is(ctx.creations, 3);
  assert.is((await remove(ctx.srv.url, ctx.created, ctx.srv.url)).status, 204);
  assert.is((await fetch(`${ctx.srv.url}/api/workshops/${ctx.created.id}/links`)).status, 404, 'deleted');
});

writes('reading is not refused by origin (no CORS: a foreign page cannot read the answer anyway)', async (ctx) => {
  const res = await fetch(`${ctx.srv.url}/api/health`, { headers: { origin: EVIL } });
  assert.is(res.status, 200);
  assert.is(res.headers.get('access-control-allow-origin'), null);
});

writes.run();

// ---------------------------------------------------------------------------------------------

const secret = suite('the facilitator key stays secret');

/** Everything the process writes to stdout and stderr (console.* included) while `run` runs. */
async function captureOutput(run: () => Promise<void>): Promise<string> {
  const chunks: string[] = [];
  const { stdout, stderr } = process;
  const originals = [stdout.write, stderr.write] as const;
  const tap = (stream: NodeJS.WriteStream) =>
    ((chunk: unknown) => {
      chunks.push(String(chunk));
      return true;
    }) as typeof stream.write;
  stdout.write = tap(stdout);
  stderr.write = tap(stderr);
  try {
    await run();
  } finally {
    [stdout.write, stderr.write] = originals;
  }
  return chunks.join('');
}

secret('neither it nor a token is in the logs of a whole small workshop, refusals included', async () => {
  const srv = await startServer();
  let created: CreatedWorkshop | undefined;
  const wrongKey = 'WrongKeyWrongKeyWrongKeyWrongKey';
  const token = 'AnnasOwnParticipantToken42';
  const output = await captureOutput(async () => {
    console.log('capture works');
    created = await createWorkshop(srv.url, { title: 'Samråd Kalmar', agenda: [{ kind: 'swot' }] });
    const host = await facilitator(srv.url, created);
    assert.ok((await host.command({ type: 'activity.focus', activityId: host.state!.activities[0].id })).ok);
    const anna = await participant(srv.url, created.id, { name: 'Anna', token });
    const posted = await anna.command({ type: 'note.add', noteId: 'note-1', activityId: host.state!.activities[0].id, columnId: 's', text: 'Bra samverkan' });
    assert.ok(posted.ok);
    for (const format of ['html', 'md', 'csv', 'json', 'docx']) {
      const res = await fetch(`${srv.url}/api/workshops/${created.id}/summary.${format}`, {
        headers: { authorization: `Bearer ${created.facilitatorKey}` },
      });
      assert.is(res.status, 200, format);
      await res.arrayBuffer();
    }
    const intruder = new TestClient(srv.url, { workshopId: created.id, facilitatorKey: wrongKey });
    await intruder.connected().then(
      () => assert.unreachable('a wrong key connected'),
      (err: Error) => assert.ok(err.message),
    );
    intruder.close();
    const refused = await fetch(`${srv.url}/api/workshops/${created.id}/summary.md`, { headers: { authorization: `Bearer ${wrongKey}` } });
    assert.is(refused.status, 403);
    assert.is((await handshake(srv.url, created, EVIL, 'websocket')), 'refused');
    anna.close();
    host.close();
  });
  await srv.close();
  assert.ok(output.includes('capture works'), 'the capture sees console output');
  assert.not.ok(output.includes(created!.facilitatorKey), 'the facilitator key is in the output');
  assert.not.ok(output.includes(wrongKey), 'a tried key is in the output');
  assert.not.ok(output.includes(token), "a participant's token is in the output");
});

secret('never in the participant or projector links, the links answer, the QR code or what they receive', async () => {
  const srv = await startServer({ memory: true });
  const created = await createWorkshop(srv.url);
  const key = created.facilitatorKey;
  assert.ok(created.facilitatorUrl.endsWith(`#${key}`), 'only in the fragment of the facilitator link');
  for (const url of [created.participantUrl, created.projectorUrl]) assert.not.ok(url.includes(key), url);
  const links = await (await fetch(`${srv.url}/api/workshops/${created.id}/links`)).text();
  assert.not.ok(links.includes(key), 'links answer');
  const { participantUrl } = JSON.parse(links) as { participantUrl: string };
  const svg = await (await fetch(`${srv.url}/api/workshops/${created.id}/qr.svg`)).text();
  assert.not.ok(svg.includes(key), 'QR svg text');
  // The QR code is exactly the participant link's, which has no key.
  assert.is(svg, await QRCode.toString(participantUrl, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }));

  const anna = await participant(srv.url, created.id, { name: 'Anna' });
  const projector = new TestClient(srv.url, { workshopId: created.id });
  await projector.connected();
  const host = await facilitator(srv.url, created);
  assert.ok((await host.command({ type: 'activity.focus', activityId: host.state!.activities[0].id })).ok);
  await anna.until((s) => s.currentActivityId === host.state!.activities[0].id);
  await projector.until((s) => s.currentActivityId === host.state!.activities[0].id);
  for (const client of [anna, projector]) assert.not.ok(JSON.stringify(client.received).includes(key), 'received by a socket');
  for (const client of [anna, projector, host]) client.close();
  await srv.close();
});

secret.run();
