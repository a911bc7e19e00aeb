// The built client as a phone fetches it: every page route answers the app, assets come
// gzipped and cacheable, unknown API paths answer JSON. Needs dist/client (`npm test` builds it).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { joinPage, scriptSafeJson } from '../../server/joinPage.ts';
import { CodeGuessLimiter } from '../../server/limits.ts';
import type { EmbeddedJoinInfo } from '../../shared/protocol.ts';
import { clientDir } from '../helpers/browser.ts';
import { createWorkshop } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const served = suite<{ srv: TestServer }>('the served app');

served.before(async (ctx) => {
  assert.ok(existsSync(join(clientDir, 'index.html')), 'dist/client is missing: run `npx vite build` first');
  ctx.srv = await startServer({ memory: true, clientDir });
});
served.after(async (ctx) => {
  await ctx.srv.close();
});

served('every screen’s address answers the page', async ({ srv }) => {
  for (const path of ['/', '/new', '/j/123456', '/f/abcdefghijkl', '/p/abcdefghijkl']) {
    const res = await fetch(srv.url + path);
    assert.is(res.status, 200, path);
    assert.match(await res.text(), /<div id="app"|<body/, path);
  }
  assert.is((await fetch(`${srv.url}/no/such/page`)).status, 404);
});

served('scripts are gzipped and cached for good, the page itself revalidated', async ({ srv }) => {
  const script = readdirSync(join(clientDir, 'assets')).find((f) => f.startsWith('index-') && f.endsWith('.js'))!;
  const res = await fetch(`${srv.url}/assets/${script}`, { headers: { 'accept-encoding': 'gzip' } });
  assert.is(res.status, 200);
  assert.is(res.headers.get('content-encoding'), 'gzip');
  assert.match(res.headers.get('cache-control') ?? '', /immutable/);
  const page = await fetch(`${srv.url}/j/123456`);
  assert.match(page.headers.get('cache-control') ?? '', /no-cache/);
});

served('unknown API paths answer JSON, not the page', async ({ srv }) => {
  const res = await fetch(`${srv.url}/api/nothing-here`);
  assert.is(res.status, 404);
  assert.is(((await res.json()) as { error: string }).error, 'not_found');
});

/** The code's answer in a join page, parsed the way the browser would find it. */
function embeddedIn(html: string): EmbeddedJoinInfo | null {
  const found = [...html.matchAll(/<script type="application\/json" id="join-info">([^<]*)<\/script>/g)];
  assert.ok(found.length <= 1, 'one answer at most');
  return found.length ? (JSON.parse(found[0][1]) as EmbeddedJoinInfo) : null;
}

served('a join link’s page carries what the code opens, as the API answers it', async ({ srv }) => {
  const hostile = 'LGS </script><script>alert(1)</script> & <!-- \u2028 – $` $\' $& $$ $1';
  const created = await createWorkshop(srv.url, { title: hostile, language: 'en' });
  const html = await (await fetch(`${srv.url}/j/${created.joinCode}`)).text();
  // The title cannot close the element: the page has the app's scripts and this one only.
  assert.is(html.split('</script>').length - 1, (html.match(/<script/g) ?? []).length);
  assert.not.match(html, /alert\(1\)<\/script>/);
  const api = await (await fetch(`${srv.url}/api/join/${created.joinCode}`)).json();
  assert.equal(embeddedIn(html), { code: created.joinCode, ok: true, data: api });
  assert.is((embeddedIn(html) as { data: { title: string } }).data.title, hostile);

  const unknown = embeddedIn(await (await fetch(`${srv.url}/j/000000`)).text());
  assert.equal(unknown, { code: '000000', ok: false, error: 'unknown_code', message: 'Okänd kod.' });
});

served('a throttled address gets the page without an answer, and wrong codes count as guesses', async () => {
  const srv = await startServer({ memory: true, clientDir, codeGuesses: new CodeGuessLimiter({ perAddress: 2, overall: 100, duration: 60 }) });
  try {
    const created = await createWorkshop(srv.url);
    assert.ok(embeddedIn(await (await fetch(`${srv.url}/j/${created.joinCode}`)).text()), 'a right code is no guess');
    for (const code of ['000001', '000002']) assert.is(embeddedIn(await (await fetch(`${srv.url}/j/${code}`)).text())?.ok, false);
    const page = await fetch(`${srv.url}/j/${created.joinCode}`);
    assert.is(page.status, 200);
    assert.is(embeddedIn(await page.text()), null);
    assert.is((await fetch(`${srv.url}/api/join/${created.joinCode}`)).status, 429);
  } finally {
    await srv.close();
  }
});

served('whatever a title says, the page keeps its own elements and carries the title as written', () => {
  const page = '<!doctype html><html><head><title>Verkstad</title><script type="module" src="/assets/index.js"></script></head><body><div id="app"></div></body></html>';
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (title) => {
      const info = { workshopId: 'ws-1', title, language: 'sv' as const, retentionDays: null };
      const html = joinPage(page, '123456', { ok: true, info });
      assert.is(html.replace(/<script type="application\/json" id="join-info">[^<]*<\/script>/, ''), page);
      assert.equal(embeddedIn(html), { code: '123456', ok: true, data: info });
    }),
    { numRuns: 300 },
  );
});

served('script-safe JSON parses back to the value and never holds <, > or &', () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.string({ unit: 'binary' }), (value, text) => {
      for (const v of [value, { text }]) {
        const out = scriptSafeJson(v);
        assert.not.match(out, /[<>&\u2028\u2029]/);
        assert.equal(JSON.parse(out), JSON.parse(JSON.stringify(v)));
      }
    }),
    { numRuns: 300 },
  );
});

served.run();
