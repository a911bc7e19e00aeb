// "Planera nästa möte" in a real browser: a meeting played over sockets (SWOT, start/stop/continue
// with five columns, two next steps with who and when) becomes the next one. From "Mina
// workshoppar" the form fills in from the workshop itself; from its JSON export picked as a file,
// with one next step left out; a JSON file that is no export is refused in plain words. The
// facilitator key never rides in a URL, and nothing leaves the machine.
// Needs the built client (dist/client) and Debian's chromium.
import { rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CreatedWorkshop } from '../../shared/protocol.ts';
import type { Workshop } from '../../shared/workshop/model.ts';
import { createWorkshop, facilitator, TestClient } from '../helpers/clients.ts';
import { startServer, tempDir, type TestServer } from '../helpers/server.ts';
import { browserTestsReady, clientDir, launchChromium, LAPTOP, recordRequests, requestsLeaving } from '../helpers/browser.ts';

const TITLE = 'LGS Kalmar län: uppföljning';
const FOLLOW_UP = 'Uppföljning från föregående möte';
const STEPS = [
  { text: 'Ta fram en gemensam plan för psykiatrin', owner: 'Kommunförbundet', due: '2026-04-30' },
  { text: 'Bjuda in NSPH till nästa möte', owner: 'Ordföranden', due: '2026-05-15' },
];
const AGENDA = ['SWOT: samverkan i länet', 'Börja, sluta, fortsätta', 'Att göra till nästa möte'];
const SSC_COLUMNS = ['Börja med', 'Sluta med', 'Fortsätta med', 'Göra mer av', 'Göra mindre av'];

interface Ctx {
  srv: TestServer;
  browser: Browser;
  laptop: BrowserContext;
  page: Page;
  previous: CreatedWorkshop;
  previousState: Workshop;
  dir: string;
  clients: TestClient[];
  /** Every facilitator key of the story, none of which may appear in a requested URL. */
  keys: string[];
  requests: string[];
}

const story = suite<Ctx>('planning the next meeting from this one in the browser');

/** The agenda, follow-up notes and date of the workshop the browser just created. */
async function created(ctx: Ctx, page: Page) {
  await page.waitForURL(/\/f\/[A-Za-z0-9_-]+#.+/);
  const url = new URL(page.url());
  const workshopId = decodeURIComponent(url.pathname.split('/')[2]);
  const facilitatorKey = decodeURIComponent(url.hash.slice(1));
  ctx.keys.push(facilitatorKey);
  const client = new TestClient(ctx.srv.url, { workshopId, facilitatorKey });
  ctx.clients.push(client);
  await client.connected();
  const state = client.state!;
  const board = state.activities.find((a) => a.kind === 'followUp');
  const followUp = Object.values(state.notes)
    .filter((n) => n.activityId === board?.id)
    .sort((a, b) => a.order - b.order)
    .map((n) => ({ text: n.text, owner: n.owner, due: n.due, column: n.columnId }));
  return { state, followUp };
}

const agendaOf = (state: Workshop) =>
  state.activities.map((a) => ({ kind: a.kind, title: a.title, columns: a.columns.map((c) => c.title), anonymous: a.anonymous }));

story.before(async (ctx) => {
  const problem = browserTestsReady();
  assert.ok(!problem, problem ?? '');
  ctx.requests = [];
  ctx.clients = [];
  ctx.dir = tempDir('verkstad-next-');
  ctx.srv = await startServer({ clientDir });
  ctx.previous = await createWorkshop(ctx.srv.url, {
    title: TITLE,
    date: '2026-03-12',
    place: 'Kalmar, Regionhuset',
    purpose: 'Gemensam bild av läget',
    goal: 'Tre nästa steg',
    agenda: [
      { kind: 'swot', title: AGENDA[0] },
      { kind: 'startStopContinue', withOptional: true },
      { kind: 'actions', title: AGENDA[2] },
    ],
  });
  ctx.keys = [ctx.previous.facilitatorKey];
  const host = await facilitator(ctx.srv.url, ctx.previous);
  ctx.clients.push(host);
  const [swot, , actions] = host.state!.activities;
  const add = (activityId: string, columnId: string, text: string, more: object = {}) =>
    host.command({ type: 'note.add', noteId: `note-${Math.random().toString(36).slice(2, 10)}`, activityId, columnId, text, ...more });
  assert.ok((await add(swot.id, 's', 'Bra samverkan i länet')).ok, 'a SWOT note (not carried over)');
  for (const step of STEPS) assert.ok((await add(actions.id, 'actions', step.text, { owner: step.owner, due: step.due })).ok, step.text);
  ctx.previousState = await host.until((s) => Object.keys(s.notes).length === 3);

  ctx.browser = await launchChromium();
  ctx.laptop = await ctx.browser.newContext(LAPTOP);
  recordRequests(ctx.laptop, ctx.requests);
  ctx.page = await ctx.laptop.newPage();
  ctx.page.setDefaultTimeout(10_000);
});

story.after(async (ctx) => {
  ctx.clients?.forEach((c) => c.close());
  await ctx.browser?.close();
  await ctx.srv?.close();
  if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true });
});

story('"Mina workshoppar" offers to plan the next meeting of a workshop facilitated here', async (ctx) => {
  const { page } = ctx;
  // Opening the facilitator link once is how this browser comes to remember the workshop.
  await page.goto(`${ctx.srv.url}/f/${ctx.previous.id}#${ctx.previous.facilitatorKey}`);
  await page.getByTestId('agenda-item').first().waitFor();
  await page.goto(`${ctx.srv.url}/`);
  const plan = page.getByRole('link', { name: `Planera nästa möte efter ${TITLE}` });
  assert.is((await plan.innerText()).trim(), 'Planera nästa möte');
  await plan.click();
  await page.waitForURL(`${ctx.srv.url}/new?from=${ctx.previous.id}`);
});

story('the form starts from the previous meeting: details, agenda and both next steps', async (ctx) => {
  const { page } = ctx;
  await page.getByTestId('previous-source').getByText(`Utgår från: ${TITLE}`).waitFor();
  assert.is(await page.getByTestId('create-title').inputValue(), TITLE);
  assert.is(await page.getByTestId('create-place').inputValue(), 'Kalmar, Regionhuset');
  assert.is(await page.getByTestId('create-purpose').inputValue(), 'Gemensam bild av läget');
  assert.is(await page.getByTestId('create-goal').inputValue(), 'Tre nästa steg');
  assert.is(await page.getByTestId('create-date').inputValue(), '', 'the date is left to fill in');
  assert.ok(await page.getByLabel('Som förra mötet').isChecked(), 'the previous agenda is chosen');

  const activities = page.getByTestId('carried-activity');
  assert.is(await activities.count(), 3);
  assert.ok((await activities.nth(0).innerText()).includes(AGENDA[0]));
  assert.ok((await activities.nth(1).innerText()).includes(SSC_COLUMNS.join(' · ')), 'five columns');
  assert.ok((await activities.nth(0).innerText()).includes('Utan namn på lapparna'), 'SWOT stays anonymous');

  const items = page.getByTestId('followup-item');
  assert.is(await items.count(), 2);
  for (const [i, step] of STEPS.entries()) {
    const text = await items.nth(i).innerText();
    for (const part of [step.text, `Vem: ${step.owner}`, `När: ${step.due}`]) assert.ok(text.includes(part), `${part} in ${text}`);
  }
  assert.not.ok((await page.getByTestId('previous-meeting').innerText()).includes('Bra samverkan'), 'other notes stay behind');
});

story('created with a date, the new meeting opens on the follow-up, then the same agenda', async (ctx) => {
  const { page } = ctx;
  await page.getByTestId('create-date').fill('2026-09-10');
  await page.getByTestId('create-submit').click();
  const { state, followUp } = await created(ctx, page);

  const agenda = page.getByTestId('agenda-item');
  await agenda.first().getByText(FOLLOW_UP).waitFor();
  assert.is(await agenda.count(), 4);
  for (const [i, title] of AGENDA.entries()) assert.ok((await agenda.nth(i + 1).innerText()).includes(title), title);
  const board = page.getByTestId('facilitator-board');
  for (const step of STEPS) await board.getByTestId('note').filter({ hasText: step.text }).waitFor();

  assert.is(state.title, TITLE);
  assert.is(state.date, '2026-09-10');
  assert.is(state.place, 'Kalmar, Regionhuset');
  assert.equal(agendaOf(state).slice(1), agendaOf(ctx.previousState), 'the same activities, columns and anonymity');
  assert.equal(agendaOf(state)[1].columns, ['Styrkor', 'Svagheter', 'Möjligheter', 'Hot']);
  assert.equal(agendaOf(state)[2].columns, SSC_COLUMNS);
  assert.equal(followUp, STEPS.map((s) => ({ ...s, column: 'open' })));
});

story('from a JSON export picked as a file, a next step left out is not followed up', async (ctx) => {
  const { page } = ctx;
  const res = await fetch(`${ctx.srv.url}/api/workshops/${ctx.previous.id}/summary.json`, {
    headers: { authorization: `Bearer ${ctx.previous.facilitatorKey}` },
  });
  assert.is(res.status, 200);
  const file = join(ctx.dir, 'lgs-kalmar-2026-03-12.json');
  await writeFile(file, await res.text());

  await page.goto(`${ctx.srv.url}/new`);
  assert.is(await page.getByTestId('create-title').inputValue(), '', 'a blank form first');
  await page.getByLabel('Välj en JSON-export').setInputFiles(file);
  const source = page.getByTestId('previous-source');
  await source.getByText(`Utgår från: ${TITLE}`).waitFor();
  assert.ok((await source.innerText()).includes('Från filen lgs-kalmar-2026-03-12.json'));
  assert.is(await page.getByTestId('create-title').inputValue(), TITLE);

  await page.getByRole('button', { name: `Ta bort ”${STEPS[0].text}” från uppföljningen` }).click();
  const items = page.getByTestId('followup-item');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="followup-item"]').length === 1);
  assert.ok((await items.first().innerText()).includes(STEPS[1].text));
  const focused = await page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
  assert.is(focused, `Ta bort ”${STEPS[1].text}” från uppföljningen`, 'focus moves to the next item');
  await page.getByRole('status').filter({ hasText: `”${STEPS[0].text}” följs inte upp.` }).waitFor({ state: 'attached' });
  // Changed one's mind: "Ta med alla igen", then leave it out once more.
  await page.getByRole('button', { name: 'Ta med alla igen' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="followup-item"]').length === 2);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="followup-item"]').length === 1);
  assert.ok((await items.first().innerText()).includes(STEPS[1].text), 'Enter on the focused ✕ removes the first again');

  await page.getByTestId('create-date').fill('2026-09-10');
  await page.getByTestId('create-submit').click();
  const { state, followUp } = await created(ctx, page);
  assert.equal(followUp, [{ ...STEPS[1], column: 'open' }], 'only the step that was kept');
  assert.equal(agendaOf(state).slice(1), agendaOf(ctx.previousState));
});

story('a JSON file that is no Verkstad export is refused in plain words, the form stays blank', async (ctx) => {
  const { page } = ctx;
  await page.goto(`${ctx.srv.url}/new`);
  const input = page.getByLabel('Välj en JSON-export');
  const error = page.getByTestId('previous-error');
  await input.setInputFiles({ name: 'agenda.json', mimeType: 'application/json', buffer: Buffer.from('{"title":"Möte","activities":[]}') });
  await error.getByText('Filen är inte en export av en workshop från Verkstad.').waitFor();
  await input.setInputFiles({ name: 'trasig.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "verk') });
  await error.getByText('Filen går inte att läsa som JSON.').waitFor();
  assert.is(await page.getByTestId('create-title').inputValue(), '');
  assert.is(await page.getByTestId('followup-item').count(), 0);
  assert.is(await page.getByTestId('previous-source').count(), 0);
});

story('"Börja från tomt i stället" clears what came from the previous meeting', async (ctx) => {
  const { page } = ctx;
  await page.goto(`${ctx.srv.url}/new?from=${ctx.previous.id}`);
  await page.getByTestId('previous-source').waitFor();
  assert.is(await page.getByTestId('followup-item').count(), 2);
  await page.getByTestId('previous-clear').click();
  await page.waitForURL(`${ctx.srv.url}/new`);
  assert.is(await page.getByTestId('create-title').inputValue(), '');
  assert.is(await page.getByTestId('followup-item').count(), 0);
  assert.is(await page.getByLabel('Som förra mötet').count(), 0);
  assert.ok(await page.getByLabel('LGS-workshop').isChecked());
  assert.ok(await page.getByLabel('Välj en JSON-export').evaluate((el) => el === document.activeElement), 'focus on the file input');
});

story('a workshop this browser has no key for says to pick its export instead', async (ctx) => {
  const other = await createWorkshop(ctx.srv.url, { title: 'Någon annans workshop' });
  ctx.keys.push(other.facilitatorKey);
  await ctx.page.goto(`${ctx.srv.url}/new?from=${other.id}`);
  await ctx.page.getByTestId('previous-error').getByText('Den här webbläsaren har inte din nyckel').waitFor();
  assert.is(await ctx.page.getByTestId('create-title').inputValue(), '');
});

story('the facilitator key never rides in a URL, and nothing leaves the machine', async (ctx) => {
  const api = ctx.requests.filter((url) => url.includes('/api/'));
  assert.ok(api.some((url) => url.includes(`/api/workshops/${ctx.previous.id}/summary.json`)), 'the browser fetched the summary');
  // The #fragment of the facilitator link stays in the browser; what is sent must not hold a key.
  const sent = ctx.requests.map((url) => url.split('#')[0]);
  for (const key of ctx.keys) assert.equal(sent.filter((url) => url.includes(key)), [], 'no key in a requested URL');
  const { network, foreign } = requestsLeaving(ctx.requests, ctx.srv.url);
  assert.ok(network.length > 0, 'requests were recorded');
  assert.equal(foreign, [], `requests left the machine: ${foreign.join(', ')}`);
});

story.run();
