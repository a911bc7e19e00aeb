// A workshop in a real browser: a facilitator creates it on a laptop, a participant joins on a
// phone with the code and posts a note, the facilitator sees it live. Nothing leaves the machine.
// Needs the built client (dist/client; `npm test` builds it first) and Debian's chromium.
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startServer, type TestServer } from '../helpers/server.ts';
import { browserTestsReady, clientDir, launchChromium, requestsLeaving, recordRequests, fillJoinForm, composer } from '../helpers/browser.ts';


interface Ctx {
  srv: TestServer;
  browser: Browser;
  laptop: BrowserContext;
  phone: BrowserContext;
  facilitator: Page;
  participant: Page;
  /** The join code as the invite panel shows it ("1234 5678"). */
  joinCode: string;
  /** Every URL any page asked for (HTTP and WebSocket). */
  requests: string[];
}

const story = suite<Ctx>('a workshop in the browser');

story.before(async (ctx) => {
  const problem = browserTestsReady();
  assert.ok(!problem, problem ?? '');
  ctx.requests = [];
  ctx.srv = await startServer({ clientDir });
  ctx.browser = await launchChromium();
  ctx.laptop = await ctx.browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'sv-SE' });
  ctx.phone = await ctx.browser.newContext({
    viewport: { width: 360, height: 740 },
    isMobile: true,
    hasTouch: true,
    locale: 'sv-SE',
  });
  recordRequests(ctx.laptop, ctx.requests);
  recordRequests(ctx.phone, ctx.requests);
  ctx.facilitator = await ctx.laptop.newPage();
  ctx.participant = await ctx.phone.newPage();
  for (const page of [ctx.facilitator, ctx.participant]) page.setDefaultTimeout(10_000);
});

story.after(async (ctx) => {
  // Playwright gives the browser a fresh temporary profile and removes it on close.
  await ctx.browser?.close();
  await ctx.srv?.close();
});

story('a facilitator creates a workshop and lands on its facilitator page', async (ctx) => {
  const page = ctx.facilitator;
  await page.goto(`${ctx.srv.url}/new`);
  await page.getByTestId('create-title').fill('LGS Kalmar län – våren');
  await page.getByTestId('create-submit').click();
  await page.waitForURL(/\/f\/[A-Za-z0-9_-]+#.+/);
  const display = page.getByTestId('join-code-display');
  await page.waitForFunction(
    () => /^\d{4} \d{4}$/.test(document.querySelector('[data-testid="join-code-display"]')?.textContent?.trim() ?? ''),
  );
  ctx.joinCode = (await display.textContent())!.trim();
  assert.match(ctx.joinCode, /^\d{4} \d{4}$/, 'eight digits, shown in two groups of four');
  // The LGS agenda starts with SWOT shown to everyone.
  await page.getByTestId('facilitator-board').getByRole('heading', { name: 'Styrkor' }).waitFor();
});

story('a participant on a phone joins with the code and posts a note', async (ctx) => {
  const page = ctx.participant;
  await page.goto(`${ctx.srv.url}/`);
  // Typed as the screen shows it, space and all.
  await page.getByTestId('join-code').fill(ctx.joinCode);
  await page.getByTestId('join-code').press('Enter');
  await page.waitForURL(new RegExp(`/j/${ctx.joinCode.replace(' ', '')}$`));
  await fillJoinForm(page, { name: 'Anna Andersson', organisation: 'Nybro kommun', orgKind: 'kommun' });

  await (await composer(page)).fill('Bra samverkan mellan kommun och region');
  await page.getByTestId('note-submit').click();
  await page.getByTestId('note').filter({ hasText: 'Bra samverkan mellan kommun och region' }).waitFor();
  assert.is(await page.getByTestId('note-input').inputValue(), '', 'the composer is emptied after posting');
});

story('the facilitator sees the participant and the note live', async (ctx) => {
  const page = ctx.facilitator;
  await page
    .getByTestId('facilitator-board')
    .getByTestId('note')
    .filter({ hasText: 'Bra samverkan mellan kommun och region' })
    .waitFor();
  const person = page.getByTestId('participant').filter({ hasText: 'Anna Andersson' });
  await person.waitFor();
  assert.match((await person.textContent()) ?? '', /Nybro kommun/);
});

story('a reload on the phone resumes the same participant without joining again', async (ctx) => {
  const page = ctx.participant;
  await page.reload();
  await page.getByTestId('note').filter({ hasText: 'Bra samverkan' }).waitFor();
  await page.getByTestId('composer-open').or(page.getByTestId('note-input')).first().waitFor();
  assert.is(await page.getByTestId('join-name').count(), 0, 'no join form after a reload');
  assert.is(await ctx.facilitator.getByTestId('participant').count(), 1, 'still one participant');
});

story('no request goes to any other host than the server', async (ctx) => {
  const { network, foreign } = requestsLeaving(ctx.requests, ctx.srv.url);
  assert.ok(network.length > 0, 'requests were recorded');
  assert.equal(foreign, [], `requests left the machine: ${foreign.join(', ')}`);
});

story.run();
