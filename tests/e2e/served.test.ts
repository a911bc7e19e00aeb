// The built client as a phone fetches it: every page route answers the app, assets come
// gzipped and cacheable, unknown API paths answer JSON. Needs dist/client (`npm test` builds it).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { clientDir } from '../helpers/browser.ts';
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

served.run();
