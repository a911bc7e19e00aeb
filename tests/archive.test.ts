// Archive and erase: a closed workshop takes no more joining or writing but still exports; a
// deleted one is gone from the store (checked on the SQLite file), its links and code answer
// "not found" and everyone connected is let go; RETENTION_DAYS erases closed workshops in time.
import Database from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CreatedWorkshop, JoinInfo, Snapshot } from '../shared/protocol.ts';
import { createWorkshop, facilitator, participant, TestClient } from './helpers/clients.ts';
import { startServer, type TestServer } from './helpers/server.ts';

const DAY = 24 * 60 * 60 * 1000;
const SECRET = 'Uppgift-om-brukare-91c4e7';

interface Ctx {
  srv: TestServer;
  clients: TestClient[];
}

const api = (srv: TestServer, path: string, init: RequestInit = {}) => fetch(`${srv.url}/api/${path}`, init);

function erase(srv: TestServer, id: string, key: string | null, confirmTitle?: unknown) {
  return api(srv, `workshops/${id}`, {
    method: 'DELETE',
    headers: { 'content-type': 'application/json', ...(key === null ? {} : { authorization: `Bearer ${key}` }) },
    body: JSON.stringify(confirmTitle === undefined ? {} : { confirmTitle }),
  });
}

const exportStatus = async (srv: TestServer, w: CreatedWorkshop) =>
  (await api(srv, `workshops/${w.id}/summary.md`, { headers: { authorization: `Bearer ${w.facilitatorKey}` } })).status;

/** What the SQLite file still holds for a workshop, counted per table, from a second connection. */
function rowsFor(dataDir: string, id: string): Record<string, number> {
  const db = new Database(join(dataDir, 'verkstad.db'), { readonly: true });
  try {
    const count = (sql: string) => (db.prepare(sql).get(id) as { n: number }).n;
    return {
      workshops: count('SELECT COUNT(*) AS n FROM workshops WHERE id = ?'),
      events: count('SELECT COUNT(*) AS n FROM events WHERE workshop_id = ?'),
      commands: count('SELECT COUNT(*) AS n FROM commands WHERE workshop_id = ?'),
      credentials: count('SELECT COUNT(*) AS n FROM credentials WHERE workshop_id = ?'),
    };
  } finally {
    db.close();
  }
}

const rawFiles = (dir: string) =>
  readdirSync(dir)
    .map((f) => readFileSync(join(dir, f)).toString('latin1'))
    .join('\n');

async function swotWithNote(srv: TestServer, ctx: Ctx, title: string) {
  const created = await createWorkshop(srv.url, { title, agenda: [{ kind: 'swot' }] });
  const f = await facilitator(srv.url, created);
  const anna = await participant(srv.url, created.id, { name: 'Anna Andersson', organisation: 'Kalmar kommun' });
  ctx.clients.push(f, anna);
  const swot = f.state!.activities[0];
  const ack = await anna.command({ type: 'note.add', noteId: `note-${created.id}`, activityId: swot.id, columnId: 's', text: `${SECRET} ${title}` });
  assert.ok(ack.ok);
  return { created, f, anna, swot };
}

const it = suite<Ctx>('closing and deleting a workshop');
it.before.each(async (ctx) => {
  ctx.srv = await startServer();
  ctx.clients = [];
});
it.after.each(async (ctx) => {
  ctx.clients.forEach((c) => c.close());
  await ctx.srv.close();
});

it('a closed workshop takes no joining or writing, still exports, and reopens', async (ctx) => {
  const { created, f, anna, swot } = await swotWithNote(ctx.srv, ctx, 'LGS mars');
  assert.ok((await f.command({ type: 'workshop.close' })).ok);
  const state = await anna.until((s) => s.status === 'closed');
  assert.type(state.closedAt, 'number');
  const refused = await anna.command({ type: 'note.add', noteId: 'note-late-01', activityId: swot.id, columnId: 's', text: 'För sent' });
  assert.is(refused.ok ? null : refused.error, 'closed');
  const joinRes = await api(ctx.srv, `join/${created.joinCode}`);
  assert.is(joinRes.status, 410);
  const newcomer = await participant(ctx.srv.url, created.id).then(() => null, (e: Error) => e.message);
  assert.match(newcomer ?? '', /closed/);
  assert.is(await exportStatus(ctx.srv, created), 200, 'export still works');
  // Anna, who joined before, can still come back and read (a reload: a new connection).
  const back = new TestClient(ctx.srv.url, { workshopId: created.id, participantToken: anna.auth.participantToken });
  ctx.clients.push(back);
  await back.connected();
  assert.is(back.state!.status, 'closed');
  assert.ok(Object.values(back.state!.notes).some((n) => n.text.startsWith(SECRET)));
  assert.ok((await f.command({ type: 'workshop.reopen' })).ok);
  assert.is((await anna.until((s) => s.status === 'open')).closedAt, null);
});

it('deleting needs the facilitator key and the exact title; a refusal erases nothing', async (ctx) => {
  const { created, anna } = await swotWithNote(ctx.srv, ctx, 'LGS april');
  const other = await createWorkshop(ctx.srv.url, { title: 'LGS april' });
  const token = anna.auth.participantToken!;
  const cases: Array<[string | null, unknown, number]> = [
    [null, 'LGS april', 401],
    [token, 'LGS april', 403],
    [other.facilitatorKey, 'LGS april', 403],
    [created.facilitatorKey, undefined, 400],
    [created.facilitatorKey, 'LGS', 400],
    [created.facilitatorKey, 'lgs april', 400],
    [created.facilitatorKey, { $ne: '' }, 400],
  ];
  for (const [key, title, status] of cases) {
    const res = await erase(ctx.srv, created.id, key, title);
    assert.is(res.status, status, `${key?.slice(0, 4)} ${JSON.stringify(title)}`);
    const body = await res.json();
    assert.is(body.ok, false);
    if (status === 400) {
      assert.is(body.detail, 'confirmTitle');
      assert.match(body.message, /titeln stämmer inte/);
    }
  }
  assert.is((await api(ctx.srv, 'workshops/nosuchworkshop1', { method: 'DELETE', headers: { authorization: `Bearer ${created.facilitatorKey}` } })).status, 404);
  assert.is(rowsFor(ctx.srv.dataDir, created.id).events, 3, 'created, joined, note: all still there');
  assert.is(await exportStatus(ctx.srv, created), 200);
});

it('a deleted workshop is gone from the store file, its links and code answer not found, everyone is let go', async (ctx) => {
  const { created, f, anna } = await swotWithNote(ctx.srv, ctx, '  Samråd  ');
  const projector = new TestClient(ctx.srv.url, { workshopId: created.id });
  ctx.clients.push(projector);
  await projector.connected();
  const kept = await swotWithNote(ctx.srv, ctx, 'Kvar');
  assert.ok(rowsFor(ctx.srv.dataDir, created.id).credentials > 0);

  const ended = [f, anna, projector].map(
    (c) =>
      new Promise<{ error: string; message: string }>((resolve) => c.socket.once('ended', resolve)),
  );
  const gone = [f, anna, projector].map((c) => new Promise((resolve) => c.socket.once('disconnect', resolve)));
  const res = await erase(ctx.srv, created.id, created.facilitatorKey, 'Samråd');
  assert.is(res.status, 204);
  for (const reason of await Promise.all(ended)) {
    assert.is(reason.error, 'deleted');
    assert.match(reason.message, /raderats/);
  }
  await Promise.all(gone);

  assert.equal(rowsFor(ctx.srv.dataDir, created.id), { workshops: 0, events: 0, commands: 0, credentials: 0 });
  const files = rawFiles(ctx.srv.dataDir);
  assert.not.ok(files.includes(`${SECRET}   Samråd`), 'the note text is not left in the file or WAL');
  assert.ok(files.includes(`${SECRET} Kvar`), 'the other workshop’s note is still there');
  for (const path of [`join/${created.joinCode}`, `workshops/${created.id}/links`, `workshops/${created.id}/qr.svg`])
    assert.is((await api(ctx.srv, path)).status, 404, path);
  assert.is(await exportStatus(ctx.srv, created), 404);
  const again = new TestClient(ctx.srv.url, { workshopId: created.id, participantToken: anna.auth.participantToken });
  ctx.clients.push(again);
  const err = await again.connected().then(() => null, (e: Error & { data?: { error: string } }) => e.data?.error);
  assert.is(err, 'not_found');
  assert.is((await erase(ctx.srv, created.id, created.facilitatorKey, 'Samråd')).status, 404);

  // The other workshop is untouched, also after a restart.
  await ctx.srv.restart();
  assert.is((await api(ctx.srv, `join/${kept.created.joinCode}`)).status, 200);
  assert.is(await exportStatus(ctx.srv, kept.created), 200);
  assert.is((await api(ctx.srv, `join/${created.joinCode}`)).status, 404);
});

it.run();

const retention = suite<Ctx & { clock: number }>('RETENTION_DAYS');
retention.before(async (ctx) => {
  ctx.clock = Date.UTC(2026, 2, 12, 9, 0);
  ctx.srv = await startServer({ retentionDays: 30, now: () => ctx.clock });
  ctx.clients = [];
});
retention.after(async (ctx) => {
  ctx.clients.forEach((c) => c.close());
  await ctx.srv.close();
});

retention('the setting is told at join and in the snapshot', async (ctx) => {
  const created = await createWorkshop(ctx.srv.url, { title: 'Med gallring' });
  const info = (await (await api(ctx.srv, `join/${created.joinCode}`)).json()) as JoinInfo;
  assert.is(info.retentionDays, 30);
  const f = new TestClient(ctx.srv.url, { workshopId: created.id, facilitatorKey: created.facilitatorKey });
  ctx.clients.push(f);
  const snapshot = new Promise<Snapshot>((resolve) => f.socket.once('snapshot', resolve));
  await f.connected();
  assert.is((await snapshot).retentionDays, 30);
});

retention('closed workshops are erased once closed longer than the setting, at start and hourly', async (ctx) => {
  const start = ctx.clock;
  const old = await swotWithNote(ctx.srv, ctx, 'Stängd för länge sedan');
  const recent = await swotWithNote(ctx.srv, ctx, 'Stängd nyss');
  const reopened = await swotWithNote(ctx.srv, ctx, 'Öppnad igen');
  const open = await swotWithNote(ctx.srv, ctx, 'Öppen');
  await old.f.command({ type: 'workshop.close' });
  await reopened.f.command({ type: 'workshop.close' });
  ctx.clock = start + 20 * DAY;
  await recent.f.command({ type: 'workshop.close' });
  await reopened.f.command({ type: 'workshop.reopen' });
  ctx.clock = start + 31 * DAY;
  await ctx.srv.restart(); // the purge runs at start
  const status = async (w: CreatedWorkshop) => (await api(ctx.srv, `workshops/${w.id}/links`)).status;
  assert.is(await status(old.created), 404, 'closed 31 days ago: erased');
  assert.equal(rowsFor(ctx.srv.dataDir, old.created.id), { workshops: 0, events: 0, commands: 0, credentials: 0 });
  assert.is(await status(recent.created), 200, 'closed 11 days ago: kept');
  assert.is(await status(reopened.created), 200, 'reopened: kept');
  assert.is(await status(open.created), 200, 'open: kept');
  ctx.clock = start + 51 * DAY;
  assert.is(await ctx.srv.server.workshops.purgeExpired(), 1);
  assert.is(await status(recent.created), 404, 'closed 31 days ago now: erased');
  assert.is(await status(open.created), 200);
});

retention.run();

const off = suite<Ctx>('without RETENTION_DAYS');
off('nothing is erased and the join info says so', async () => {
  let clock = Date.UTC(2026, 2, 12, 9, 0);
  const srv = await startServer({ now: () => clock });
  try {
    const created = await createWorkshop(srv.url, { title: 'Sparas' });
    const f = await facilitator(srv.url, created);
    const info = (await (await api(srv, `join/${created.joinCode}`)).json()) as JoinInfo;
    assert.is(info.retentionDays, null);
    await f.command({ type: 'workshop.close' });
    f.close();
    clock += 5000 * DAY;
    await srv.restart();
    assert.is(await srv.server.workshops.purgeExpired(), 0);
    assert.is((await api(srv, `workshops/${created.id}/links`)).status, 200);
  } finally {
    await srv.close();
  }
});
off.run();
