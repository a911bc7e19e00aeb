// `npm run backup` copies a running server's store consistently.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { nanoid } from 'nanoid';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SqliteStore } from '../server/store/sqlite.ts';
import { fold } from '../shared/workshop/apply.ts';
import { createWorkshop, facilitator, participant } from './helpers/clients.ts';
import { startServer, tempDir } from './helpers/server.ts';

test('a backup taken while the server runs holds every acknowledged note', async () => {
  const srv = await startServer();
  const created = await createWorkshop(srv.url);
  const f = await facilitator(srv.url, created);
  const anna = await participant(srv.url, created.id);
  const swot = f.state!.activities[0];
  const acks = await Promise.all(
    Array.from({ length: 30 }, (_, i) =>
      anna.command({ type: 'note.add', noteId: nanoid(), activityId: swot.id, columnId: 's', text: `Lapp ${i}` }),
    ),
  );
  assert.ok(acks.every((a) => a.ok));
  const target = join(tempDir('verkstad-backup-'), 'copy.db');
  const out = execFileSync(process.execPath, ['scripts/backup.mjs', target], {
    env: { ...process.env, DATA_DIR: srv.dataDir },
    encoding: 'utf8',
  });
  assert.match(out, /integrity: ok/);
  const copy = new SqliteStore(join(target, '..'), 'copy.db');
  const state = fold(await copy.load(created.id))!;
  await copy.close();
  assert.is(Object.keys(state.notes).length, 30);
  f.close();
  anna.close();
  await srv.close();
});

test.run();
