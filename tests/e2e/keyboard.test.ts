// A participant's whole path with the keyboard alone: the skip link, joining (name, organisation,
// kind), posting a note and voting. Only Tab, Shift+Tab, Enter, Space, arrow keys and typing —
// no clicks and no fill(). At every step the focused element must show a focus indicator.
// The facilitator works over a socket. Needs the built client (dist/client) and Debian's chromium.
import { type Browser, type Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CreatedWorkshop } from '../../shared/protocol.ts';
import { createWorkshop, facilitator, type TestClient } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { browserTestsReady, clientDir, launchChromium, LAPTOP } from '../helpers/browser.ts';

interface Ctx {
  srv: TestServer;
  browser: Browser;
  page: Page;
  workshop: CreatedWorkshop;
  f: TestClient;
  vote: string;
  /** Every element focused on the way, for the failure message. */
  path: string[];
}

interface Focused {
  /** A short description: tag, test id and accessible text. */
  what: string;
  testid: string;
  label: string;
  /** A visible focus indicator: an outline or a box shadow of some width. */
  indicator: boolean;
  style: string;
}

const keys = suite<Ctx>('a participant with only the keyboard');

async function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { what: 'body', testid: '', label: '', indicator: false, style: '' };
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    const shadow = style.boxShadow !== 'none' && style.boxShadow !== '';
    const label = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 60);
    const testid = el.dataset.testid ?? '';
    return {
      what: `<${el.tagName.toLowerCase()}${testid ? ` ${testid}` : ''}> ${label}`,
      testid,
      label,
      indicator: outline || shadow,
      style: `outline: ${style.outlineStyle} ${style.outlineWidth}; box-shadow: ${style.boxShadow}`,
    };
  });
}

/** What has focus must show it. */
async function visible(ctx: Ctx): Promise<Focused> {
  const now = await focused(ctx.page);
  ctx.path.push(now.what);
  assert.ok(now.what !== 'body', `focus was lost (to the page itself) after: ${ctx.path.slice(-4).join(' → ')}`);
  assert.ok(now.indicator, `no visible focus indicator on ${now.what} (${now.style})`);
  return now;
}

/** Press Tab (or Shift+Tab) until the focused element matches; every stop must show focus. */
async function tabTo(ctx: Ctx, match: (f: Focused) => boolean, { back = false, max = 40 } = {}): Promise<Focused> {
  for (let i = 0; i < max; i++) {
    await ctx.page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const now = await visible(ctx);
    if (match(now)) return now;
  }
  throw new Error(`never reached the element in ${max} presses: ${ctx.path.slice(-max).join(' → ')}`);
}

const byTestid = (id: string) => (f: Focused) => f.testid === id;

keys.before(async (ctx) => {
  const problem = browserTestsReady();
  assert.ok(!problem, problem ?? '');
  ctx.path = [];
  ctx.srv = await startServer({ clientDir });
  ctx.workshop = await createWorkshop(ctx.srv.url, {
    title: 'Samråd Kronoberg',
    agenda: [{ kind: 'brainstorm', title: 'Vad fungerar bra i samverkan?' }, { kind: 'prioritise', title: 'Vad gör vi först?' }],
  });
  ctx.f = await facilitator(ctx.srv.url, ctx.workshop);
  ctx.vote = ctx.f.state!.activities[1].id;
  for (const [i, text] of ['Nära vård', 'Barn och unga'].entries()) {
    const ack = await ctx.f.command({ type: 'note.add', noteId: `option-${i}-kbd`, activityId: ctx.vote, columnId: 'options', text });
    assert.ok(ack.ok, 'the options are in');
  }
  ctx.browser = await launchChromium();
  const context = await ctx.browser.newContext(LAPTOP);
  ctx.page = await context.newPage();
  ctx.page.setDefaultTimeout(10_000);
});

keys.after(async (ctx) => {
  ctx.f?.close();
  await ctx.browser?.close();
  await ctx.srv?.close();
});

keys('the skip link is the first stop, shows itself and leads past the top bar', async (ctx) => {
  const { page } = ctx;
  await page.goto(`${ctx.srv.url}/j/${ctx.workshop.joinCode}`);
  await page.getByTestId('join-name').waitFor();
  const first = await tabTo(ctx, () => true, { max: 1 });
  assert.is(first.label, 'Hoppa till innehållet');
  const box = await page.locator(':focus').boundingBox();
  assert.ok(box && box.y >= 0 && box.width > 0, 'the skip link is on screen when focused');
  await page.keyboard.press('Enter');
  assert.is(await page.evaluate(() => document.activeElement?.id), 'main', 'focus moved to the main content');
  const next = await tabTo(ctx, () => true, { max: 1 });
  assert.is(next.testid, 'join-name', 'the next Tab is the first field of the form');
});

keys('joining: name, organisation, its kind with the arrow keys, and Enter', async (ctx) => {
  const { page } = ctx;
  await page.keyboard.type('Dagny Lind');
  await tabTo(ctx, byTestid('join-organisation'), { max: 1 });
  await page.keyboard.type('Region Kronoberg');
  await tabTo(ctx, byTestid('join-orgkind'), { max: 1 });
  assert.is(await page.getByTestId('join-orgkind').inputValue(), 'region', 'the name suggested "Region"');
  await page.keyboard.press('ArrowDown');
  assert.is(await page.getByTestId('join-orgkind').inputValue(), 'brukarrepresentant', 'the arrow keys change it');
  await page.keyboard.press('ArrowUp');
  assert.is(await page.getByTestId('join-orgkind').inputValue(), 'region', 'and choose "Region"');
  await visible(ctx);
  // Shift+Tab goes back without losing anything.
  await tabTo(ctx, byTestid('join-organisation'), { back: true, max: 1 });
  assert.is(await page.getByTestId('join-organisation').inputValue(), 'Region Kronoberg');
  await tabTo(ctx, byTestid('join-submit'), { max: 3 });
  await page.keyboard.press('Enter');
  await page.getByTestId('participant-board').waitFor();
  // The form is gone: focus goes to the board's heading, not back to the top of the page.
  await page.waitForFunction(() => document.activeElement?.id === 'activity-title');
  await visible(ctx);
});

keys('posting a note: Tab to "+ Ny lapp", Enter opens it in the text, type, Tab to the button, Enter', async (ctx) => {
  const { page } = ctx;
  await tabTo(ctx, byTestid('composer-open'));
  await page.keyboard.press('Enter');
  assert.is((await visible(ctx)).testid, 'note-input', 'Enter on "+ Ny lapp" puts focus in the text field');
  await page.keyboard.type('Korta vägar mellan kommun och region');
  await tabTo(ctx, byTestid('note-submit'), { max: 3 });
  await page.keyboard.press('Enter');
  await page.getByTestId('note').filter({ hasText: 'Korta vägar mellan kommun och region' }).waitFor();
  await ctx.f.until((s) => Object.values(s.notes).some((n) => n.text === 'Korta vägar mellan kommun och region'));
  // Straight on to the next note, without hunting for the field.
  const after = await visible(ctx);
  assert.is(after.testid, 'note-input', 'focus is back in the text field after posting');
  await page.keyboard.type('Gemensamma utbildningar');
  await page.keyboard.press('Control+Enter');
  await page.getByTestId('note').filter({ hasText: 'Gemensamma utbildningar' }).waitFor();
  await visible(ctx);
});

keys("voting: Tab to an option's + and press Space or Enter; Shift+Tab to take one back", async (ctx) => {
  const { page } = ctx;
  await ctx.f.command({ type: 'activity.focus', activityId: ctx.vote });
  await ctx.f.command({ type: 'voting.start', activityId: ctx.vote, dotsPerPerson: 3, maxPerOption: 2 });
  const left = (n: number) => page.getByTestId('dots-left').filter({ hasText: `Prickar kvar: ${n}` }).waitFor();
  await left(3);
  // The board was replaced: the next Tab starts from the top of the new content, not lost.
  await tabTo(ctx, (f) => f.testid === 'vote-add' && f.label === 'Rösta på Nära vård');
  await page.keyboard.press('Space');
  await left(2);
  await visible(ctx);
  await page.keyboard.press('Enter');
  await left(1);
  const full = await visible(ctx);
  assert.is(full.testid, 'vote-add', 'the button keeps focus when its option is full');
  await tabTo(ctx, (f) => f.testid === 'vote-remove' && f.label.includes('Nära vård'), { back: true, max: 2 });
  await page.keyboard.press('Enter');
  await left(2);
  await tabTo(ctx, (f) => f.testid === 'vote-add' && f.label === 'Rösta på Barn och unga');
  await page.keyboard.press('Space');
  await left(1);
  await visible(ctx);
  // The server has the dots: one on each option.
  await ctx.f.until((s) => Object.values(s.ballots[ctx.vote] ?? {}).some((b) => b['option-0-kbd'] === 1 && b['option-1-kbd'] === 1));
});

keys.run();
