// Join codes on a phone: typed in any grouping, a wrong length said plainly, and a phone whose
// network is throttled for wrong codes told so — and let in by itself once the wait is over.
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CodeGuessLimiter } from '../../server/limits.ts';
import type { CreatedWorkshop } from '../../shared/protocol.ts';
import { createWorkshop } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { browserTestsReady, clientDir, launchChromium, PHONE } from '../helpers/browser.ts';

interface Ctx {
  srv: TestServer;
  browser: Browser;
  phone: BrowserContext;
  page: Page;
  created: CreatedWorkshop;
}

const codes = suite<Ctx>('join codes on a phone');

/** Seconds an address stays blocked here: short, so the story can wait it out. */
const WINDOW = 3;

codes.before(async (ctx) => {
  const problem = browserTestsReady();
  assert.ok(!problem, problem ?? '');
  ctx.srv = await startServer({
    memory: true,
    clientDir,
    codeGuesses: new CodeGuessLimiter({ perAddress: 2, overall: 1000, duration: WINDOW }),
  });
  ctx.created = await createWorkshop(ctx.srv.url, { title: 'LGS Kalmar län' });
  ctx.browser = await launchChromium();
  ctx.phone = await ctx.browser.newContext(PHONE);
  ctx.page = await ctx.phone.newPage();
  ctx.page.setDefaultTimeout(10_000);
});

codes.after(async (ctx) => {
  await ctx.browser?.close();
  await ctx.srv?.close();
});

codes('a code of the wrong length is refused in the form with the words for it', async ({ srv, page }) => {
  await page.goto(`${srv.url}/`);
  await page.getByTestId('join-code').fill('1234 567');
  await page.getByTestId('join-code').press('Enter');
  assert.match(await page.getByRole('alert').innerText(), /åtta siffror/);
  assert.is(new URL(page.url()).pathname, '/');
});

codes('a phone on a throttled network is told why, and gets in by itself after the wait', async ({ srv, page, created }) => {
  // Two wrong codes from this machine's address (the phone's too): it is over its budget.
  for (const code of ['00000001', '00000002']) assert.is((await fetch(`${srv.url}/api/join/${code}`)).status, 404);
  const grouped = `${created.joinCode.slice(0, 4)}%20${created.joinCode.slice(4)}`;
  await page.goto(`${srv.url}/j/${grouped}`);
  const refusal = page.getByTestId('join-error');
  await refusal.waitFor();
  const words = await refusal.innerText();
  assert.match(words, /För många försök med fel kod från det här nätverket/);
  assert.match(words, /försöker själv igen om 1 min/);
  // The window ends and the page asks again: the join form, no retyping.
  await page.getByTestId('join-name').waitFor({ timeout: (WINDOW + 5) * 1000 });
  assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /LGS Kalmar län/);
});

codes.run();
