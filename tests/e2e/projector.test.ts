// The projector read from the back of a hall: a 1920×1080 screen in Swedish. Before any activity
// it welcomes the hall (title, code, QR code, who has joined); a board of a few notes fills the
// screen in type at least twice the old 21.6 px; a report-back of 8 notes from four groups fits
// without scrolling, side by side; a board too big for the screen pages by itself instead; the
// facilitator puts one column in focus from the laptop; during a vote the projector counts who
// has voted, never who. Axe finds nothing serious on any of these screens.
// Needs the built client (dist/client) and Debian's chromium.
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CreatedWorkshop } from '../../shared/protocol.ts';
import { groupedCode } from '../../shared/joinCode.ts';
import { createWorkshop, facilitator, participant, type TestClient } from '../helpers/clients.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { browserTestsReady, clientDir, launchChromium, LAPTOP } from '../helpers/browser.ts';

const PROJECTOR = { viewport: { width: 1920, height: 1080 }, locale: 'sv-SE' };
/** Note text on the projector before issue 16, at 1920×1080. */
const OLD_NOTE_PX = 21.6;
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

const PEOPLE = [
  { name: 'Anna Lind', organisation: 'Nybro kommun', orgKind: 'kommun' },
  { name: 'Bo Ek', organisation: 'Region Kalmar län', orgKind: 'region' },
  { name: 'Carin Holm', organisation: 'Kalmar kommun', orgKind: 'kommun' },
  { name: 'Dan Sjö', organisation: 'Region Kalmar län', orgKind: 'region' },
  { name: 'Eva Strand', organisation: 'NSPH Kalmar län', orgKind: 'brukarrepresentant' },
  { name: 'Fredrik Berg', organisation: 'Emmaboda kommun', orgKind: 'kommun' },
  { name: 'Gun Ås', organisation: 'Torsås kommun', orgKind: 'kommun' },
  { name: 'Hans Vik', organisation: 'Region Kalmar län', orgKind: 'region' },
] as const;

interface Ctx {
  srv: TestServer;
  browser: Browser;
  big: BrowserContext;
  laptop: BrowserContext;
  projector: Page;
  facilitatorPage: Page;
  workshop: CreatedWorkshop;
  f: TestClient;
  people: TestClient[];
  ids: { swot: string; groups: string; vote: string; many: string };
}

const hall = suite<Ctx>('the projector in a hall');

const must = async (c: TestClient, command: Record<string, unknown> & { type: string }) => {
  const ack = await c.command(command);
  if (!ack.ok) throw new Error(`${command.type}: ${ack.error} ${ack.message}`);
  return ack.data.seq;
};

async function audit(page: Page, view: string) {
  const result = await new AxeBuilder({ page }).withTags(TAGS).setLegacyMode().analyze();
  const severe = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.ok(result.passes.length > 0, `axe ran on ${view}`);
  assert.equal(
    severe.map((v) => `${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`),
    [],
    `${view} has serious or critical violations`,
  );
}

/** The computed font size of every note's text on the page, in px. */
const noteTextSizes = (page: Page) =>
  page.$$eval('[data-testid="note"] .text', (els) => els.map((el) => parseFloat(getComputedStyle(el).fontSize)));

/** Whether the page scrolls, and every note that is not wholly on the screen. */
async function layout(page: Page) {
  return page.evaluate(() => {
    const fill = document.querySelector('[data-testid="projector-fill"]') as HTMLElement;
    const off = [...document.querySelectorAll('[data-testid="note"]')]
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.top < 0 || r.left < 0 || r.bottom > innerHeight + 0.5 || r.right > innerWidth + 0.5;
      })
      .map((el) => el.textContent?.trim());
    return {
      scrollHeight: document.documentElement.scrollHeight,
      innerHeight,
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth,
      // The board's own box hides what runs over: nothing may.
      clipped: fill.scrollHeight > fill.clientHeight + 1 || fill.scrollWidth > fill.clientWidth + 1,
      off,
    };
  });
}

async function fitsTheScreen(page: Page, what: string) {
  if (process.env.PROJECTOR_SHOTS) await page.screenshot({ path: `${process.env.PROJECTOR_SHOTS}/${what.replace(/\W+/g, '-')}.png` });
  const l = await layout(page);
  assert.ok(l.scrollHeight <= l.innerHeight, `${what}: the page is ${l.scrollHeight} px high on a ${l.innerHeight} px screen`);
  assert.ok(l.scrollWidth <= l.innerWidth, `${what}: the page is ${l.scrollWidth} px wide on a ${l.innerWidth} px screen`);
  assert.not.ok(l.clipped, `${what}: nothing is cut off`);
  assert.equal(l.off, [], `${what}: every note is on the screen`);
}

/** Waits until the fit has settled: the same note size twice, a beat apart. */
async function settled(page: Page): Promise<number[]> {
  let last = '';
  for (let i = 0; i < 40; i++) {
    await page.waitForTimeout(150);
    const sizes = await noteTextSizes(page);
    const now = JSON.stringify(sizes);
    if (now === last) return sizes;
    last = now;
  }
  throw new Error('the projector never settled');
}

hall.before(async (ctx) => {
  const problem = browserTestsReady();
  assert.ok(!problem, problem ?? '');
  ctx.srv = await startServer({ clientDir });
  ctx.workshop = await createWorkshop(ctx.srv.url, {
    title: 'LGS Kalmar län – vår',
    place: 'Kalmar',
    agenda: [
      { kind: 'swot' },
      { kind: 'brainstorm', title: 'Vad gör vi först?' },
      { kind: 'prioritise', title: 'Vad ska vi prioritera?' },
      { kind: 'brainstorm', title: 'Allt vi hörde i dag' },
    ],
  });
  ctx.f = await facilitator(ctx.srv.url, ctx.workshop);
  ctx.people = [];
  for (const who of PEOPLE) ctx.people.push(await participant(ctx.srv.url, ctx.workshop.id, who));
  const [swot, groups, vote, many] = ctx.f.state!.activities.map((a) => a.id);
  ctx.ids = { swot, groups, vote, many };
  ctx.browser = await launchChromium();
  ctx.big = await ctx.browser.newContext(PROJECTOR);
  ctx.laptop = await ctx.browser.newContext(LAPTOP);
  ctx.projector = await ctx.big.newPage();
  ctx.facilitatorPage = await ctx.laptop.newPage();
  for (const page of [ctx.projector, ctx.facilitatorPage]) page.setDefaultTimeout(10_000);
});

hall.after(async (ctx) => {
  for (const c of [ctx.f, ...(ctx.people ?? [])]) c?.close();
  await ctx.browser?.close();
  await ctx.srv?.close();
});

hall('before any activity the projector welcomes the hall: title, code, QR code and who has joined', async (ctx) => {
  const page = ctx.projector;
  // A new workshop starts on its first activity; before the facilitator shows it, none is.
  await must(ctx.f, { type: 'activity.focus', activityId: null });
  await page.goto(`${ctx.srv.url}/p/${ctx.workshop.id}`);
  const welcome = page.getByTestId('projector-welcome');
  await welcome.getByRole('heading', { level: 1, name: 'LGS Kalmar län – vår' }).waitFor();
  assert.is((await welcome.getByTestId('projector-code').innerText()).trim(), groupedCode(ctx.workshop.joinCode));
  const qr = welcome.getByRole('img', { name: 'QR-kod med länken för deltagare' });
  assert.ok(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), 'the QR code is shown');
  await welcome.getByTestId('projector-joined').filter({ hasText: '8 har gått med' }).waitFor();
  const names = (await welcome.getByTestId('projector-names').locator('li').allInnerTexts()).map((n) => n.trim());
  assert.equal(names, PEOPLE.map((p) => p.name), 'everyone who joined, in the order they came');

  // Someone coming in late sees their name come up.
  const late = await participant(ctx.srv.url, ctx.workshop.id, { name: 'Ingrid Öst', organisation: 'Borgholms kommun', orgKind: 'kommun' });
  await welcome.getByTestId('projector-joined').filter({ hasText: '9 har gått med' }).waitFor();
  await welcome.getByTestId('projector-names').getByText('Ingrid Öst').waitFor();
  const l = await layout(page);
  assert.ok(l.scrollHeight <= l.innerHeight, 'the welcome fits the screen');
  // The join code is read from the back: far bigger than the old 20.8 px join line.
  const codePx = await welcome.getByTestId('projector-code').evaluate((el) => el.getBoundingClientRect().height);
  assert.ok(codePx >= 60, `the code is ${codePx} px high`);
  await audit(page, 'projector (welcome)');
  await must(ctx.f, { type: 'participant.remove', participantId: late.participant!.id });
  late.close();
  await welcome.getByTestId('projector-joined').filter({ hasText: '8 har gått med' }).waitFor();
});

hall('a SWOT of a few notes fills the screen in type at least twice as big as before', async (ctx) => {
  const page = ctx.projector;
  const { swot } = ctx.ids;
  await must(ctx.f, { type: 'activity.focus', activityId: swot });
  const notes = [
    [0, 's', 'Korta beslutsvägar'],
    [1, 'w', 'Långa avstånd'],
    [2, 'w', 'Svårt att rekrytera'],
    [3, 'o', 'Gemensam rekrytering'],
    [4, 't', 'Färre bussar'],
  ] as const;
  for (const [i, [who, columnId, text]] of notes.entries())
    await must(ctx.people[who], { type: 'note.add', noteId: `swot-note-${i}`, activityId: swot, columnId, text });
  await page.getByRole('heading', { level: 1, name: 'SWOT' }).waitFor();
  await page.getByTestId('note').filter({ hasText: 'Färre bussar' }).waitFor();
  const sizes = await settled(page);
  assert.is(sizes.length, 5);
  for (const px of sizes) assert.ok(px >= 2 * OLD_NOTE_PX, `note text is ${px} px, at least ${2 * OLD_NOTE_PX} px`);
  await fitsTheScreen(page, 'a SWOT of 5 notes');
  assert.is(await page.getByTestId('projector-page').count(), 0, 'one page');
  await audit(page, 'projector (SWOT)');
});

hall('the facilitator puts one column in focus from the laptop; the projector shows it alone, then all again', async (ctx) => {
  const page = ctx.projector;
  const laptop = ctx.facilitatorPage;
  const before = Math.min(...(await settled(page)));
  await laptop.goto(`${ctx.srv.url}/f/${ctx.workshop.id}#${ctx.workshop.facilitatorKey}`);
  await laptop.getByTestId('projector-focus-select').selectOption({ label: 'Svagheter' });
  await laptop.getByTestId('projector-focus-showing').filter({ hasText: 'Projektorn visar bara ”Svagheter”.' }).waitFor();

  await page.getByTestId('projector-focus').filter({ hasText: 'I fokus: Svagheter' }).waitFor();
  await page.getByTestId('note').filter({ hasText: 'Korta beslutsvägar' }).waitFor({ state: 'detached' });
  const shown = (await page.getByTestId('note').locator('.text').allInnerTexts()).sort();
  assert.equal(shown, ['Långa avstånd', 'Svårt att rekrytera']);
  const focused = await settled(page);
  assert.ok(Math.min(...focused) > before, `two notes alone are bigger (${focused} px) than five (${before} px)`);
  await fitsTheScreen(page, 'one column in focus');
  await audit(page, 'projector (a column in focus)');
  // The phones do not follow: only the big screen changes.
  assert.equal(ctx.people[0].state!.projectorFocus, { activityId: ctx.ids.swot, kind: 'column', id: 'w' });

  await laptop.getByTestId('projector-focus-clear').click();
  await page.getByTestId('note').filter({ hasText: 'Korta beslutsvägar' }).waitFor();
  await page.getByTestId('projector-focus').waitFor({ state: 'detached' });
  assert.is(await page.getByTestId('note').count(), 5);
});

hall('a report-back of 8 notes from four groups fits the screen, side by side, without scrolling', async (ctx) => {
  const page = ctx.projector;
  const { groups } = ctx.ids;
  await must(ctx.f, { type: 'activity.focus', activityId: groups });
  const ids = ctx.people.map((c) => c.participant!.id);
  const rooms = [0, 1, 2, 3].map((r) => ({
    id: `room-${r + 1}-abcdef`,
    name: `Grupp ${r + 1}`,
    members: [ids[2 * r], ids[2 * r + 1]],
    reporterId: ids[2 * r],
  }));
  await must(ctx.f, { type: 'breakout.open', activityId: groups, assignment: 'manual', rooms });
  const texts = [
    'Gemensam utbildning för chefer i kommun och region',
    'Samordnad individuell plan oftare',
    'Ett ställe att ringa för anhöriga',
    'Mobila team för äldre i hemmet',
    'Skolan och BUP träffas varje månad',
    'Kortare väntetider till psykiatrin',
    'Brukarrådet med från början i alla projekt',
    'Följ upp samverkansplanen varje kvartal',
  ];
  for (const [i, text] of texts.entries())
    await must(ctx.people[i], { type: 'note.add', noteId: `room-note-${i}`, activityId: groups, columnId: 'q1', text });
  await must(ctx.people[0], { type: 'room.update', activityId: groups, roomId: rooms[0].id, summary: 'Utbildning och planer' });
  await must(ctx.f, { type: 'breakout.close', activityId: groups });

  const report = page.getByTestId('report-back');
  await report.getByTestId('report-room').first().waitFor();
  for (const text of texts) await report.getByTestId('note').filter({ hasText: text }).waitFor();
  const sizes = await settled(page);
  assert.is(sizes.length, 8);
  for (const px of sizes) assert.ok(px > OLD_NOTE_PX, `report-back note text is ${px} px`);
  await fitsTheScreen(page, 'a report-back of 8 notes');
  const boxes = await report.getByTestId('report-room').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().toJSON()));
  assert.is(boxes.length, 4);
  for (let i = 1; i < 4; i++) {
    assert.ok(boxes[i - 1].right <= boxes[i].left + 1, 'the groups stand side by side');
    assert.ok(Math.abs(boxes[i].top - boxes[0].top) < 2, 'and start at the same height');
  }
  assert.is(await page.getByTestId('projector-page').count(), 0, 'on one page');
  await audit(page, 'projector (report-back)');

  // One group in focus: it alone, bigger.
  await must(ctx.f, { type: 'projector.focus', focus: { activityId: groups, kind: 'room', id: rooms[2].id } });
  await page.getByTestId('projector-focus').filter({ hasText: 'I fokus: Grupp 3' }).waitFor();
  await report.getByTestId('report-room').nth(1).waitFor({ state: 'detached' });
  assert.equal((await report.getByTestId('note').locator('.text').allInnerTexts()).sort(), [texts[4], texts[5]].sort());
  const alone = await settled(page);
  assert.ok(Math.min(...alone) > Math.max(...sizes), 'one group alone in bigger type');
  await fitsTheScreen(page, 'one group in focus');
});

hall('a board too big for one screen pages by itself, in readable type, and never scrolls', async (ctx) => {
  const page = ctx.projector;
  const { many } = ctx.ids;
  await must(ctx.f, { type: 'activity.focus', activityId: many });
  const texts = Array.from(
    { length: 36 },
    (_, i) => `Synpunkt ${i + 1}: vi behöver en gemensam bild av läget innan vi bestämmer något om nästa steg`,
  );
  for (const [i, text] of texts.entries())
    await must(ctx.people[i % 8], { type: 'note.add', noteId: `many-note-${i}`, activityId: many, columnId: 'q1', text });
  const indicator = page.getByTestId('projector-page');
  await page.getByTestId('note').first().waitFor();
  await page.waitForTimeout(500); // the last notes reach the projector just after their acks
  await indicator.filter({ hasText: /^Sida 1 av \d$/ }).waitFor();
  const pages = Number((await indicator.innerText()).trim().split(' av ')[1]);
  assert.ok(pages >= 2, `${pages} pages`);
  const first = await settled(page);
  for (const px of first) assert.ok(px >= 1.4 * OLD_NOTE_PX - 0.5, `paged note text is ${px} px`);
  await fitsTheScreen(page, 'page 1 of a big board');
  const onFirst = await page.getByTestId('note').locator('.text').allInnerTexts();
  // The next page comes by itself.
  await indicator.filter({ hasText: `Sida 2 av ${pages}` }).waitFor({ timeout: 20_000 });
  await fitsTheScreen(page, 'page 2 of a big board');
  const onSecond = await page.getByTestId('note').locator('.text').allInnerTexts();
  assert.ok(onSecond.length > 0 && !onSecond.some((t) => onFirst.includes(t)), 'page 2 shows other notes');
  await audit(page, 'projector (a page of many)');
});

hall('during a vote the projector shows how many have voted, never who', async (ctx) => {
  const page = ctx.projector;
  const { vote } = ctx.ids;
  for (const [i, text] of ['Nära vård', 'Barn och unga', 'Psykisk hälsa'].entries())
    await must(ctx.f, { type: 'note.add', noteId: `option-${i}-vote`, activityId: vote, columnId: 'options', text });
  await must(ctx.f, { type: 'activity.focus', activityId: vote });
  await must(ctx.f, { type: 'voting.start', activityId: vote, dotsPerPerson: 3, maxPerOption: 2 });
  const voters = page.getByTestId('projector-voters');
  await voters.filter({ hasText: '0 av 8 har röstat' }).waitFor();
  await page.getByTestId('projector-voting').waitFor();
  const cast = (who: number, option: number, delta: 1 | -1 = 1) =>
    must(ctx.people[who], { type: 'vote.cast', activityId: vote, optionId: `option-${option}-vote`, delta });
  await cast(0, 0);
  await cast(0, 1); // two dots, one voter
  await cast(4, 2);
  await cast(7, 0);
  await voters.filter({ hasText: '3 av 8 har röstat' }).waitFor();
  await cast(4, 2, -1); // took back their only dot
  await voters.filter({ hasText: '2 av 8 har röstat' }).waitFor();
  const body = await page.locator('body').innerText();
  for (const { name } of PEOPLE) assert.not.ok(body.includes(name), `${name} is not named on the projector during the vote`);
  await fitsTheScreen(page, 'a vote');
  await audit(page, 'projector (vote count)');
  await must(ctx.f, { type: 'voting.close', activityId: vote });
  await voters.waitFor({ state: 'detached' });
});

hall.run();
