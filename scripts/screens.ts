// The screenshots in docs/screens/ that show a newcomer the product before installing it: the
// projector in a hall (a SWOT at 1920×1080), a phone in a grupprum (360×740) and the results page
// of the Word minutes as LibreOffice prints them. A real server on the built client, real
// socket.io-client participants and Debian's headless Chromium play an LGS workshop in Kalmar län
// (a SWOT, then a discussion in three groups); the minutes are those of the prioritisation
// workshop the Word layout test plays (tests/helpers/lgsWorkshop.ts).
//
//   npm run screens                       (builds the client when it is stale, then this)
//   node --import tsx scripts/screens.ts [--client dist/client] [--out docs/screens]
//
// Needs /usr/bin/chromium, LibreOffice (soffice) and poppler-utils (pdftotext, pdftoppm).
import { execFile } from 'node:child_process';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify, parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import type { OrgKind } from '../shared/workshop/model.ts';
import { clientDir as builtClient, composer, fillJoinForm, launchChromium, PHONE } from '../tests/helpers/browser.ts';
import { createWorkshop, facilitator, participant, type TestClient } from '../tests/helpers/clients.ts';
import { playLgsWorkshop } from '../tests/helpers/lgsWorkshop.ts';
import { createServer } from '../server/server.ts';
import { MemoryStore } from '../server/store/memory.ts';

const run = promisify(execFile);
const { values: args } = parseArgs({
  options: { client: { type: 'string', default: builtClient }, out: { type: 'string', default: 'docs/screens' } },
});
const clientDir = resolve(args.client!);
const outDir = resolve(args.out!);
for (const [path, why] of [
  [join(clientDir, 'index.html'), 'the client is not built: run `npx vite build`'],
  ['/usr/bin/chromium', 'apt-get install chromium'],
  ['/usr/bin/soffice', 'apt-get install libreoffice-writer-nogui'],
  ['/usr/bin/pdftoppm', 'apt-get install poppler-utils'],
] as const)
  if (!existsSync(path)) throw new Error(`${path} is missing: ${why}`);
mkdirSync(outDir, { recursive: true });

type Who = { name: string; organisation: string; orgKind: OrgKind };
const PEOPLE: Who[] = [
  { name: 'Cecilia Frid', organisation: 'Kalmar kommun', orgKind: 'kommun' },
  { name: 'Johan Rosenqvist', organisation: 'Region Kalmar län', orgKind: 'region' },
  { name: 'Gudrun Johnsson', organisation: 'Nybro kommun', orgKind: 'kommun' },
  { name: 'Kerstin Johansson', organisation: 'Brukarrepresentant NSPH', orgKind: 'brukarrepresentant' },
  { name: 'Claes Wiridén', organisation: 'Torsås kommun', orgKind: 'kommun' },
  { name: 'Sofia Hartz', organisation: 'Region Kalmar län', orgKind: 'region' },
  { name: 'Anna Lindquist', organisation: 'Oskarshamns kommun', orgKind: 'kommun' },
  { name: 'Sven-Erik Karlsson', organisation: 'Brukarrepresentant PRO', orgKind: 'brukarrepresentant' },
];
/** The one who joins on the photographed phone, in the room "Norra länet". */
const PHONE_PERSON: Who = { name: 'Carina Leijon', organisation: 'Nybro kommun', orgKind: 'kommun' };

const SWOT: Array<[who: number, column: 's' | 'w' | 'o' | 't', text: string]> = [
  [0, 's', 'Etablerad samverkan mellan kommun och region'],
  [1, 's', 'Gemensam utskrivningsplanering fungerar i hela länet'],
  [3, 's', 'Brukarrepresentanter med i alla grupper'],
  [2, 'w', 'Fast vårdkontakt utses inte alltid i tid'],
  [4, 'w', 'Olika journalsystem, information faller bort'],
  [5, 'o', 'Nära vård med primärvården som nav'],
  [6, 'o', 'Digitala vårdmöten även i hemtjänsten'],
  [7, 'o', 'Gemensamma målbilder i samverkansplanen'],
  [1, 't', 'Svårt att rekrytera sjuksköterskor'],
  [2, 't', 'Ökat antal utskrivningsklara dagar'],
];

const must = async (c: TestClient, command: Record<string, unknown> & { type: string }) => {
  const ack = await c.command(command);
  if (!ack.ok) throw new Error(`${command.type} refused: ${ack.error} ${ack.message}`);
};

/** Waits until the projector's fit has settled: the same note sizes twice, a beat apart. */
async function settled(page: Page) {
  let last = '';
  for (let i = 0; i < 40; i++) {
    await page.waitForTimeout(200);
    const now = JSON.stringify(
      await page.$$eval('[data-testid="note"] .text', (els) => els.map((el) => getComputedStyle(el).fontSize)),
    );
    if (now === last) return;
    last = now;
  }
  throw new Error('the projector never settled');
}

function saved(name: string): string {
  const path = join(outDir, name);
  console.log(`  ${path} (${Math.round(statSync(path).size / 1024)} KB)`);
  return path;
}

/** A port nobody listens on now. */
const freePort = () =>
  new Promise<number>((done) => {
    const probe = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => done(port));
    });
  });

// The join line and QR code show the address a real installation gives (PUBLIC_URL), not this
// machine's LAN address and a random port; the browser, on 127.0.0.1, is let in as an allowed origin.
const port = await freePort();
const server = createServer({
  store: new MemoryStore(),
  clientDir,
  publicUrl: 'https://verkstad.example.org',
  allowedOrigins: [`http://127.0.0.1:${port}`],
});
const url = await server.listen(port, '127.0.0.1');
const browser = await launchChromium();
const clients: TestClient[] = [];
const work = mkdtempSync(join(tmpdir(), 'verkstad-screens-'));
try {
  console.log(`Playing an LGS workshop on ${url} …`);
  const created = await createWorkshop(url, {
    title: 'Länsgemensam ledning i samverkan – hösten 2026',
    date: '2026-09-04',
    place: 'Regionhuset Kalmar, sal Runsten',
    purpose: 'Ta tillvara erfarenheterna från våren och enas om nästa steg för utskrivningsprocessen.',
    agenda: [
      { kind: 'swot', title: 'SWOT: samverkan kring utskrivning' },
      {
        kind: 'brainstorm',
        title: 'Gruppdiskussion: utskrivning från sluten vård',
        questions: ['Vad fungerar bra i dag?', 'Vad behöver vi göra annorlunda?'],
      },
    ],
  });
  const f = await facilitator(url, created);
  clients.push(f);
  const people: TestClient[] = [];
  for (const who of PEOPLE) people.push(await participant(url, created.id, who));
  clients.push(...people);
  const [swot, discussion] = f.state!.activities.map((a) => a.id);

  // 1. The projector: a SWOT with ten notes, as the hall sees it.
  await must(f, { type: 'activity.focus', activityId: swot });
  for (const [i, [who, columnId, text]] of SWOT.entries())
    await must(people[who], { type: 'note.add', noteId: `swot-${i}`, activityId: swot, columnId, text });
  const projector = await (await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'sv-SE' })).newPage();
  projector.setDefaultTimeout(15_000);
  await projector.goto(`${url}/p/${created.id}`);
  await projector.getByTestId('note').filter({ hasText: SWOT.at(-1)![2] }).waitFor();
  await settled(projector);
  await projector.screenshot({ path: join(outDir, 'projector.png') });
  saved('projector.png');

  // 2. A phone in a grupprum: Carina joins on her phone, the facilitator opens three groups.
  const phone = await (await browser.newContext({ ...PHONE, deviceScaleFactor: 2 })).newPage();
  phone.setDefaultTimeout(15_000);
  await phone.goto(`${url}/j/${created.joinCode}`);
  await fillJoinForm(phone, PHONE_PERSON);
  await phone.getByTestId('note').first().waitFor();
  const state = await f.until((s) => Object.values(s.participants).some((p) => p.name === PHONE_PERSON.name));
  const carina = Object.values(state.participants).find((p) => p.name === PHONE_PERSON.name)!.id;
  const id = (i: number) => people[i].participant!.id;
  await must(f, { type: 'activity.focus', activityId: discussion });
  await must(f, {
    type: 'breakout.open',
    activityId: discussion,
    assignment: 'manual',
    rooms: [
      { id: 'room-norra', name: 'Norra länet', members: [carina, id(1), id(3)], reporterId: id(1) },
      { id: 'room-mellersta', name: 'Mellersta länet', members: [id(0), id(5), id(7)], reporterId: id(0) },
      { id: 'room-sodra', name: 'Södra länet och Öland', members: [id(2), id(4), id(6)], reporterId: id(2) },
    ],
  });
  const roomNote = (who: number, room: string, columnId: string, text: string) =>
    must(people[who], { type: 'note.add', noteId: `${room}-${columnId}-${who}`, activityId: discussion, columnId, text });
  await roomNote(1, 'norra', 'q1', 'Vårdplanering via SAMSA innan patienten skrivs ut');
  await roomNote(3, 'norra', 'q1', 'Patienten och anhöriga är med när planen görs');
  await roomNote(1, 'norra', 'q2', 'Fast vårdkontakt ska finnas innan hemgång');
  await roomNote(0, 'mellersta', 'q1', 'Täta avstämningar mellan kommun och region');
  await roomNote(2, 'sodra', 'q2', 'Gemensam utbildning för biståndshandläggare');
  await phone.getByTestId('my-room-name').filter({ hasText: 'Norra länet' }).waitFor();
  await (await composer(phone)).fill('Samordnad individuell plan (SIP) inom två veckor');
  await phone.getByTestId('note-submit').click();
  await phone.getByTestId('note').filter({ hasText: 'Samordnad individuell plan' }).waitFor();
  await phone.getByTestId('note').filter({ hasText: 'Fast vårdkontakt ska finnas' }).waitFor();
  // Folded again, the composer is a "+ Ny lapp" button that leaves the room's notes in view.
  await phone.getByTestId('composer-close').click();
  await phone.getByTestId('composer-open').waitFor();
  // The activity's title at the top, the group, its members and its notes below it (once the
  // smooth scroll to the note just posted is over).
  await phone.waitForTimeout(1000);
  const title = phone.getByRole('heading', { name: 'Gruppdiskussion: utskrivning från sluten vård' });
  await title.evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 10));
  await phone.waitForTimeout(500);
  await phone.screenshot({ path: join(outDir, 'phone-room.png') });
  saved('phone-room.png');

  // 3. The Word minutes of a whole LGS workshop with a prioritisation, printed by LibreOffice:
  // the page with the results.
  const lgs = await playLgsWorkshop(url);
  clients.push(...lgs.clients);
  const res = await fetch(`${url}/api/workshops/${lgs.created.id}/summary.docx`, {
    headers: { authorization: `Bearer ${lgs.created.facilitatorKey}` },
  });
  if (res.status !== 200) throw new Error(`summary.docx: ${res.status}`);
  const docx = join(work, 'minnesanteckningar.docx');
  writeFileSync(docx, Buffer.from(await res.arrayBuffer()));
  await run(
    '/usr/bin/soffice',
    [`-env:UserInstallation=file://${join(work, 'profile')}`, '--headless', '--convert-to', 'pdf', '--outdir', work, docx],
    { timeout: 180_000 },
  );
  const pdf = join(work, 'minnesanteckningar.pdf');
  const { stdout } = await run('/usr/bin/pdftotext', ['-layout', pdf, '-']);
  const page = stdout.split('\f').findIndex((text) => /Placering\s+Alternativ/.test(text)) + 1;
  if (page < 1) throw new Error('no page of the minutes holds the results table');
  await run('/usr/bin/pdftoppm', ['-png', '-r', '80', '-f', String(page), '-l', String(page), '-singlefile', pdf, join(outDir, 'word-results')]);
  saved('word-results.png');
} finally {
  for (const c of clients) c.close();
  await browser.close();
  await server.close();
  rmSync(work, { recursive: true, force: true });
}
