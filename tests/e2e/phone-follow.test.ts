// Phones that follow the facilitator, and what the facilitator needs to keep: a facilitator
// creates an LGS workshop at /new on a laptop and is shown their own link with a copy button
// (again in the invite panel); two phones (360×740) join. The composer waits behind "+ Ny lapp";
// when the facilitator moves on, each phone goes to the top and says "Ny aktivitet: …"; in a group
// room with a message and a countdown the bars leave the phone its screen and the reporter's
// "Spara" is not hidden; closing the rooms clears the message and the countdown everywhere; in the
// evaluation a rating on its own is stored (once), counted in the facilitator's average and kept
// after a reload, shown as "Betyg: 5 – Mycket bra" on the facilitator's board and the projector.
// Each phone says who it takes part as, naming the kind only when the organisation does not say it.
// axe finds nothing serious on the new parts.
// Needs the built client (dist/client; `npm test` builds it first) and Debian's chromium.
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Links } from '../../shared/protocol.ts';
import type { Sequenced } from '../../shared/workshop/events.ts';
import type { Note } from '../../shared/workshop/model.ts';
import { TestClient } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { browserTestsReady, clientDir, composer, fillJoinForm, launchChromium, LAPTOP, PHONE } from '../helpers/browser.ts';

const TITLE = 'LGS Kalmar län – samverkan';
const ANNA = { name: 'Anna Andersson', organisation: 'Nybro kommun', orgKind: 'kommun' };
const BO = { name: 'Bo Berg', organisation: 'Region Kalmar län', orgKind: 'region' };
const MESSAGE = '2 minuter kvar';
const PHONE_HEIGHT = 740;
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

interface Ctx {
  srv: TestServer;
  browser: Browser;
  laptop: BrowserContext;
  facilitator: Page;
  anna: Page;
  bo: Page;
  id: string;
  key: string;
  joinCode: string;
  /** A socket.io facilitator client with the key the page was given: runs the agenda, folds the state. */
  watcher: TestClient;
  activities: { swot: string; groups: string; evaluation: string };
}

const story = suite<Ctx>('phones follow the facilitator; the facilitator keeps their link');

const must = async (c: TestClient, command: Record<string, unknown> & { type: string }) => {
  const ack = await c.command(command);
  if (!ack.ok) throw new Error(`${command.type}: ${ack.error} ${ack.message}`);
};

async function phone(ctx: Ctx): Promise<Page> {
  const page = await (await ctx.browser.newContext(PHONE)).newPage();
  page.setDefaultTimeout(10_000);
  return page;
}

/** Fails on serious or critical WCAG findings. */
async function audit(page: Page, view: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(TAGS).setLegacyMode().analyze();
  const severe = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.equal(
    severe.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    [],
    `${view} has serious or critical violations`,
  );
}

/** Everything that stays on screen while the page scrolls (sticky or fixed), summed, in px. */
const barsHeight = (page: Page) =>
  page.evaluate(() => {
    const bars = [...document.querySelectorAll<HTMLElement>('body *')].filter((el) => {
      const position = getComputedStyle(el).position;
      return (position === 'sticky' || position === 'fixed') && el.getBoundingClientRect().height > 0;
    });
    // A bar inside another counts once.
    const outer = bars.filter((el) => !bars.some((other) => other !== el && other.contains(el)));
    return {
      total: outer.reduce((sum, el) => sum + el.getBoundingClientRect().height, 0),
      parts: outer.map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].filter((c) => !c.startsWith('svelte-')).join('.')} ${Math.round(el.getBoundingClientRect().height)} px`),
    };
  });

const myNotes = (ctx: Ctx, page: 'anna' | 'bo'): Note[] => {
  const name = page === 'anna' ? ANNA.name : BO.name;
  const state = ctx.watcher.state!;
  const who = Object.values(state.participants).find((p) => p.name === name)!;
  return Object.values(state.notes).filter((n) => n.activityId === ctx.activities.evaluation && n.authorId === who.id);
};

story.before(async (ctx) => {
  const problem = browserTestsReady();
  assert.ok(!problem, problem ?? '');
  ctx.srv = await startServer({ clientDir });
  ctx.browser = await launchChromium();
  ctx.laptop = await ctx.browser.newContext(LAPTOP);
  await ctx.laptop.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ctx.srv.url });
  ctx.facilitator = await ctx.laptop.newPage();
  ctx.facilitator.setDefaultTimeout(10_000);
  ctx.anna = await phone(ctx);
  ctx.bo = await phone(ctx);
});

story.after(async (ctx) => {
  ctx.watcher?.close();
  await ctx.browser?.close();
  await ctx.srv?.close();
});

story('right after creating, the facilitator is shown their own link with a copy button and a warning', async (ctx) => {
  const page = ctx.facilitator;
  await page.goto(`${ctx.srv.url}/new`);
  await page.getByTestId('create-title').fill(TITLE);
  await page.getByTestId('create-submit').click();
  await page.waitForURL(/\/f\/[^#]+#.+/);
  const url = new URL(page.url());
  ctx.id = decodeURIComponent(url.pathname.split('/')[2]);
  ctx.key = url.hash.slice(1);

  const notice = page.getByTestId('created-notice');
  await notice.waitFor();
  const links = (await (await fetch(`${ctx.srv.url}/api/workshops/${ctx.id}/links`)).json()) as Links;
  const expected = `${new URL(links.participantUrl).origin}/f/${ctx.id}#${ctx.key}`;
  const own = notice.getByTestId('facilitator-link');
  assert.match(await own.innerText(), 'Din länk som samtalsledare');
  assert.match(await own.innerText(), 'Den som har länken leder workshoppen');
  assert.match(await own.innerText(), 'Mina workshoppar');
  await own.getByTestId('facilitator-link-copy').click();
  await own.getByTestId('facilitator-link-copy').filter({ hasText: 'Kopierat' }).waitFor();
  assert.is(await page.evaluate(() => navigator.clipboard.readText()), expected, 'the copied link is the facilitator link');
  await audit(page, 'facilitator page right after creating');

  // The same in the invite panel, where it stays.
  const invite = page.locator('aside').getByTestId('facilitator-link');
  await invite.getByTestId('facilitator-link-show').click();
  assert.is(await invite.getByTestId('facilitator-link-input').inputValue(), expected, 'shown on request');
  assert.is(await invite.getByTestId('facilitator-link-copy').count(), 1, 'with a copy button');
  await notice.getByTestId('created-done').click();
  await notice.waitFor({ state: 'detached' });

  await page.reload();
  await page.locator('aside').getByTestId('facilitator-link').waitFor();
  assert.is(await page.getByTestId('created-notice').count(), 0, 'the notice is for right after creating only');
  assert.match(await page.locator('aside').getByTestId('facilitator-link').innerText(), 'Din länk som samtalsledare');

  // No clipboard (a LAN address over http): the link is not put on the screen in its place, since
  // the laptop may be on the projector; it says how to get it instead.
  // A string, not a function: tsx would wrap a function in a helper the page does not have.
  await page.evaluate(`
    Object.defineProperty(navigator, 'clipboard', { value: { writeText: () => Promise.reject(new Error('not allowed')) }, configurable: true });
    document.execCommand = () => false;
  `);
  const panel = page.locator('aside').getByTestId('facilitator-link');
  await panel.getByTestId('facilitator-link-copy').click();
  await panel.getByTestId('facilitator-link-copy-failed').waitFor();
  assert.is(await panel.getByTestId('facilitator-link-input').count(), 0, 'the link stays off the screen');
  assert.not.ok((await page.locator('body').innerText()).includes(ctx.key), 'the key is nowhere on the page');
  await page.reload();
  await page.locator('aside').getByTestId('facilitator-link').waitFor();

  ctx.watcher = new TestClient(ctx.srv.url, { workshopId: ctx.id, facilitatorKey: ctx.key });
  await ctx.watcher.connected();
  const [swot, groups, evaluation] = ctx.watcher.state!.activities.map((a) => a.id);
  ctx.activities = { swot, groups, evaluation };
  ctx.joinCode = ctx.watcher.state!.joinCode;
});

story('on a phone the composer waits behind "+ Ny lapp", and stays open while writing and after posting', async (ctx) => {
  for (const [page, who] of [[ctx.anna, ANNA], [ctx.bo, BO]] as const) {
    await page.goto(`${ctx.srv.url}/j/${ctx.joinCode}`);
    await fillJoinForm(page, who);
    await page.getByTestId('composer-open').waitFor();
    assert.not.ok(await page.getByTestId('note-input').isVisible(), 'folded at first');
  }
  const page = ctx.anna;
  const open = page.getByTestId('composer-open');
  assert.is(await open.getAttribute('aria-expanded'), 'false');
  assert.is((await open.innerText()).replace(/\s+/g, ' ').trim(), '+ Ny lapp');
  await open.click();
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'note-input');
  await page.getByTestId('note-input').fill('Korta beslutsvägar');
  await page.getByTestId('note-submit').click();
  await page.getByTestId('participant-board').getByTestId('note').filter({ hasText: 'Korta beslutsvägar' }).waitFor();
  assert.ok(await page.getByTestId('note-input').isVisible(), 'still open after posting');
  assert.is(await page.getByTestId('note-input').inputValue(), '');
  // Escape folds it, keeping a draft, and gives the focus back to the button.
  await page.getByTestId('note-input').fill('Ett utkast');
  await page.getByTestId('note-input').press('Escape');
  await open.waitFor();
  assert.is(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'composer-open');
  await open.click();
  assert.is(await page.getByTestId('note-input').inputValue(), 'Ett utkast', 'the draft survives folding');
  await page.getByTestId('note-input').fill('');
  await page.getByTestId('composer-close').click();
  await open.waitFor();
});

story('the phone names the kind of organisation only where the organisation’s name does not say it', async (ctx) => {
  const you = (page: Page) => page.getByTestId('participant-you');
  // "Nybro kommun" says it is a kommun: no "(Kommun)" after it.
  assert.is((await you(ctx.anna).innerText()).trim(), 'Du deltar som Anna Andersson, Nybro kommun.');
  assert.is((await you(ctx.bo).innerText()).trim(), 'Du deltar som Bo Berg, Region Kalmar län.');
  // A name that says nothing, or something else than the kind chosen, keeps the kind.
  const bo = Object.values(ctx.watcher.state!.participants).find((p) => p.name === BO.name)!.id;
  await must(ctx.watcher, { type: 'participant.update', participantId: bo, organisation: 'Kalmarsunds gymnasieförbund', orgKind: 'annan' });
  await you(ctx.bo).filter({ hasText: 'Du deltar som Bo Berg, Kalmarsunds gymnasieförbund (Annan).' }).waitFor();
  await must(ctx.watcher, { type: 'participant.update', participantId: bo, organisation: BO.organisation, orgKind: 'kommun' });
  await you(ctx.bo).filter({ hasText: 'Du deltar som Bo Berg, Region Kalmar län (Kommun).' }).waitFor();
  await must(ctx.watcher, { type: 'participant.update', participantId: bo, orgKind: 'region' });
  await you(ctx.bo).filter({ hasText: /^Du deltar som Bo Berg, Region Kalmar län\.$/ }).waitFor();
});

story('when the facilitator moves on, the phone goes to the top and says "Ny aktivitet: …"', async (ctx) => {
  const page = ctx.anna;
  // A long board, read to the end.
  for (let i = 1; i <= 12; i++)
    await must(ctx.watcher, { type: 'note.add', noteId: `note-long-${i}`, activityId: ctx.activities.swot, columnId: 's', text: `Styrka nummer ${i} från förra året` });
  await page.getByTestId('note').filter({ hasText: 'Styrka nummer 12' }).waitFor();
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  assert.ok((await page.evaluate(() => window.scrollY)) > 300, 'the phone was scrolled down the board');

  await must(ctx.watcher, { type: 'activity.focus', activityId: ctx.activities.groups });
  const title = ctx.watcher.state!.activities[1].title;
  const notice = page.getByTestId('activity-notice');
  await notice.filter({ hasText: `Ny aktivitet: ${title}` }).waitFor();
  await page.waitForFunction(() => window.scrollY === 0);
  const box = await notice.boundingBox();
  assert.ok(box && box.height > 16 && box.y >= 0 && box.y + box.height <= PHONE_HEIGHT, 'the notice is on screen, not only for screen readers');
  assert.is(await notice.evaluate((el) => el.closest('[role="status"]') !== null), true, 'in a live region');
  // Bo, who had not scrolled, hears of it too.
  await ctx.bo.getByTestId('activity-notice').filter({ hasText: `Ny aktivitet: ${title}` }).waitFor();
});

story('in a group room with a message and a countdown, the bars take at most a quarter of the phone', async (ctx) => {
  const state = ctx.watcher.state!;
  const person = (name: string) => Object.values(state.participants).find((p) => p.name === name)!.id;
  await must(ctx.watcher, {
    type: 'breakout.open',
    activityId: ctx.activities.groups,
    assignment: 'manual',
    rooms: [{ id: 'room-grupp-1', name: 'Grupp 1', members: [person(ANNA.name), person(BO.name)], reporterId: person(ANNA.name) }],
  });
  await must(ctx.watcher, { type: 'announcement.send', text: MESSAGE });
  await must(ctx.watcher, { type: 'timer.start', seconds: 600 });
  const page = ctx.anna;
  await page.getByTestId('my-room').waitFor();
  await page.getByTestId('announcement').filter({ hasText: MESSAGE }).waitFor();
  await page.getByTestId('countdown').waitFor();
  await page.getByTestId('composer-open').waitFor();
  assert.not.ok(await page.getByTestId('note-input').isVisible(), 'the composer is folded in the room');

  const bars = await barsHeight(page);
  assert.ok(bars.total <= 0.25 * PHONE_HEIGHT, `the bars take ${bars.total} px of ${PHONE_HEIGHT}: ${bars.parts.join(', ')}`);
  await audit(page, 'phone in a group room with a message and a countdown');

  // The reporter's "Spara" can be reached: nothing sticky lies over it.
  await page.getByText('Sammanfattning', { exact: true }).click();
  await page.getByTestId('room-summary-input').fill('Vi vill ha gemensamma utbildningsdagar');
  const save = page.getByTestId('my-room').getByRole('button', { name: 'Spara' });
  await save.scrollIntoViewIfNeeded();
  const b = (await save.boundingBox())!;
  const onTop = await page.evaluate(
    ({ x, y }) => document.elementFromPoint(x, y)?.closest('button')?.textContent?.trim() ?? null,
    { x: b.x + b.width / 2, y: b.y + b.height / 2 },
  );
  assert.is(onTop, 'Spara', 'the reporter’s Spara is not under a bar');
  await save.click();
  await ctx.watcher.until((s) => !!s.activities[1].breakout?.rooms[0].summary);
});

story('closing the rooms offers to clear the message and the countdown, and they leave every screen', async (ctx) => {
  const page = ctx.facilitator;
  await page.getByTestId('close-rooms').click();
  const dialog = page.getByTestId('close-rooms-dialog');
  await dialog.getByTestId('close-rooms-confirm').waitFor();
  assert.match(await dialog.innerText(), `Meddelandet ”${MESSAGE}”`);
  assert.ok(await dialog.getByTestId('close-clear-announcement').isChecked(), 'the message is cleared by default');
  assert.ok(await dialog.getByTestId('close-clear-timer').isChecked(), 'the countdown is stopped by default');
  await audit(page, 'closing the rooms');
  await dialog.getByTestId('close-rooms-confirm').click();

  await ctx.watcher.until((s) => s.activities[1].breakout?.open === false && s.announcement === null && s.timer === null);
  for (const screen of [ctx.anna, ctx.bo]) {
    await screen.getByTestId('report-back').waitFor();
    await screen.getByTestId('announcement').waitFor({ state: 'detached' });
    await screen.getByTestId('countdown').waitFor({ state: 'detached' });
  }
  await page.getByRole('banner').getByTestId('countdown').waitFor({ state: 'detached' });
});

story('a rating on its own is stored at once, counted by the facilitator and kept after a reload', async (ctx) => {
  const page = ctx.anna;
  await must(ctx.watcher, { type: 'activity.focus', activityId: ctx.activities.evaluation });
  await page.getByTestId('evaluation-dock').waitFor();
  await page.getByTestId('activity-notice').filter({ hasText: 'Ny aktivitet:' }).waitFor();
  const labels = await page.getByTestId('rating-input').locator('.word').allInnerTexts();
  assert.equal(labels, ['Mycket dåligt', 'Dåligt', 'Varken bra eller dåligt', 'Bra', 'Mycket bra']);

  const from = ctx.watcher.received.length;
  await page.getByRole('radio', { name: '5 Mycket bra', exact: true }).click();
  await page.getByTestId('evaluation-status').filter({ hasText: 'Ditt betyg är sparat.' }).waitFor();
  await ctx.watcher.until(() => myNotes(ctx, 'anna').some((n) => n.rating === 5));
  assert.equal(myNotes(ctx, 'anna').map((n) => [n.text, n.rating]), [['', 5]], 'one note: the rating, no comment');
  const added = ctx.watcher.received
    .slice(from)
    .filter((r) => r.name === 'events')
    .flatMap((r) => r.payload as Sequenced[])
    .filter(({ event }) => event.type === 'note.added');
  assert.is(added.length, 1, 'stored exactly once');

  const f = ctx.facilitator;
  const average = f.getByTestId('facilitator-board').getByTestId('rating-average');
  await average.filter({ hasText: /Snittbetyg 5,0 av 5/ }).waitFor();
  assert.match(await average.innerText(), '1 betyg');

  // The rating is the note: "Betyg: 5 – Mycket bra", no empty line, and its buttons say which note.
  const fNote = f.getByTestId('facilitator-board').getByTestId('note').filter({ hasText: 'Betyg: 5 – Mycket bra' });
  await fNote.waitFor();
  assert.is(await fNote.locator('.text').count(), 0, 'no empty text line on the facilitator’s board');
  await fNote.getByTestId('note-select').click();
  await fNote.getByRole('button', { name: 'Ändra: Betyg: 5 – Mycket bra', exact: true }).waitFor();
  await fNote.getByRole('button', { name: 'Ta bort: Betyg: 5 – Mycket bra', exact: true }).waitFor();
  await f.keyboard.press('Escape');
  const projector = await (await ctx.browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'sv-SE' })).newPage();
  await projector.goto(`${ctx.srv.url}/p/${ctx.id}`);
  const pNote = projector.getByTestId('note').filter({ hasText: 'Betyg: 5 – Mycket bra' });
  await pNote.waitFor();
  assert.is(await pNote.locator('.text').count(), 0, 'nor on the projector');
  assert.is((await pNote.getByTestId('note-rating').innerText()).replace(/[★☆\s]+/g, ' ').trim(), 'Betyg: 5 – Mycket bra');
  await projector.context().close();

  // After a reload the phone still has its rating, and the comment can come later.
  await page.reload();
  await page.getByTestId('evaluation-dock').waitFor();
  await page.getByTestId('evaluation-status').filter({ hasText: 'Ditt betyg är sparat.' }).waitFor();
  assert.ok(await page.getByTestId('rating-5').isChecked(), 'the rating is still chosen');
  await page.getByTestId('note-input').fill('Bra blandning av kommun och region');
  await page.getByRole('button', { name: 'Spara kommentaren' }).click();
  await ctx.watcher.until(() => myNotes(ctx, 'anna')[0]?.text === 'Bra blandning av kommun och region');
  assert.is(myNotes(ctx, 'anna')[0].rating, 5, 'the rating stays with the comment');

  // Bo writes first and rates after: both count.
  const input = await composer(ctx.bo);
  await input.fill('För kort tid i grupperna');
  await ctx.bo.getByTestId('note-submit').click();
  await ctx.bo.getByRole('radio', { name: '2 Dåligt', exact: true }).click();
  await ctx.watcher.until(() => myNotes(ctx, 'bo')[0]?.rating === 2);
  assert.equal(myNotes(ctx, 'bo').map((n) => [n.text, n.rating]), [['För kort tid i grupperna', 2]]);
  await audit(ctx.bo, 'phone in an evaluation');

  await f.reload();
  await f.getByTestId('facilitator-board').getByTestId('rating-average').filter({ hasText: /Snittbetyg 3,5 av 5/ }).waitFor();
  assert.match(await f.getByTestId('facilitator-board').getByTestId('rating-average').innerText(), '2 betyg');
});

story.run();
