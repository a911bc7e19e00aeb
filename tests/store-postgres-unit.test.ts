// The PostgreSQL store's parts that need no database: how it orders a batch of appends to one
// workshop (postgresPlan.ts), and how DATABASE_URL selects it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readConfig } from '../server/config.ts';
import { describeDatabase } from '../server/store/postgres.ts';
import { plan, type Ask, type Known } from '../server/store/postgresPlan.ts';
import { DuplicateCommand, SeqConflict } from '../server/store/store.ts';
import { joinedEvent } from './helpers/builders.ts';
import { noteEvent } from './store.contract.ts';

const ask = (expectedSeq: number, notes: number, options: Ask['options'] = {}): Ask => ({
  expectedSeq,
  events: Array.from({ length: notes }, (_, i) => noteEvent(`note-${expectedSeq}-${i}`)),
  options,
});
const at = (lastSeq: number, commands: Record<string, number> = {}, tokens: string[] = []): Known => ({
  lastSeq,
  commands: new Map(Object.entries(commands)),
  tokens: new Set(tokens),
});
const kinds = (outcomes: Array<number | Error>) =>
  outcomes.map((o) => (typeof o === 'number' ? o : o instanceof DuplicateCommand ? `duplicate ${o.seq}` : o instanceof SeqConflict ? 'conflict' : o.message));

test('appends built on each other are numbered on, and written as one', () => {
  const p = plan('ws-1', [ask(5, 1, { commandId: 'cmd-a' }), ask(6, 2), ask(8, 0, { commandId: 'cmd-b' })], at(5));
  assert.equal(kinds(p.outcomes), [6, 8, 8]);
  assert.equal(p.events.seq, [6, 7, 8]);
  assert.equal(p.commands, { id: ['cmd-a', 'cmd-b'], seq: [6, 8] });
  assert.is(p.firstSeq, 5);
  assert.is(p.lastSeq, 8);
  assert.ok(p.writes);
});

test('a command id recorded, or earlier in the batch, answers its seq', () => {
  const p = plan('ws-1', [ask(5, 1, { commandId: 'cmd-old' }), ask(5, 1, { commandId: 'cmd-a' }), ask(6, 1, { commandId: 'cmd-a' })], at(5, { 'cmd-old': 3 }));
  assert.equal(kinds(p.outcomes), ['duplicate 3', 6, 'duplicate 6']);
});

test('a stale seq is a conflict, and so is every append built on it, even where the seq happens to fit', () => {
  // Another server's event took seq 6: the batch's first expected 5, the second 6 — on the first's note.
  const p = plan('ws-1', [ask(5, 1), ask(6, 1), ask(7, 2)], at(6));
  assert.equal(kinds(p.outcomes), ['conflict', 'conflict', 'conflict']);
  assert.not.ok(p.writes);
  assert.equal([...p.failedEnds].sort(), [6, 7, 9]);
});

test('of two appends at one seq the first wins, and what follows the winner is taken', () => {
  const p = plan('ws-1', [ask(5, 1), ask(5, 1), ask(6, 1)], at(5));
  assert.equal(kinds(p.outcomes), [6, 'conflict', 7]);
  assert.equal(p.failedEnds, new Set());
});

test('a token taken refuses its append and those built on it; nothing of them is written', () => {
  const credential = (participantId: string) => ({ participantId, tokenHash: 'c'.repeat(64) });
  const p = plan(
    'ws-1',
    [{ expectedSeq: 5, events: [joinedEvent('p-mallory')], options: { credential: credential('p-mallory') } }, ask(6, 1), ask(5, 1)],
    at(5, {}, ['c'.repeat(64)]),
  );
  assert.equal(kinds(p.outcomes), ['token taken', 'conflict', 6]);
  assert.equal(p.credentials, { hash: [], participant: [] });
  assert.equal(p.events.seq, [6]);
});

test('closing and reopening in one batch: the last word is kept', () => {
  const p = plan('ws-1', [ask(5, 1, { closedAt: 1000 }), ask(6, 1, { closedAt: null })], at(5));
  assert.is(p.closedAt, null);
  assert.is(plan('ws-1', [ask(5, 1)], at(5)).closedAt, undefined);
});

test('DATABASE_URL selects PostgreSQL; without it the SQLite file stays the store', () => {
  assert.is(readConfig({}).databaseUrl, null);
  assert.is(readConfig({ DATABASE_URL: '  ' }).databaseUrl, null);
  assert.is(readConfig({ DATABASE_URL: ' postgres://verkstad@db.region.se/verkstad ' }).databaseUrl, 'postgres://verkstad@db.region.se/verkstad');
  assert.ok(readConfig({ DATABASE_URL: 'postgresql:///verkstad?host=/var/run/postgresql' }).databaseUrl);
  assert.throws(() => readConfig({ DATABASE_URL: 'mysql://db/verkstad' }), /DATABASE_URL/);
  assert.throws(() => readConfig({ DATABASE_URL: 'db.region.se' }), /DATABASE_URL/);
});

test('the log names the database without its password', () => {
  assert.is(describeDatabase('postgres://verkstad:hemligt@db.region.se:5433/verkstad'), 'PostgreSQL verkstad@db.region.se:5433/verkstad');
  assert.is(describeDatabase('postgresql:///verkstad?host=/var/run/postgresql'), 'PostgreSQL /var/run/postgresql/verkstad');
});

test.run();
