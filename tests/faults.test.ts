// Acked means stored exactly once (docs/protocol.md §6), proved against the real server in its
// own process: SIGKILLed while 40 bots post, and with connections dropped mid-command. Every
// random choice comes from one seed, printed first; rerun a failure with FAULT_SEED=<seed>.
// `npm run soak` runs the same scenario with a hundred kills.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomSeed, runScenario, summaryLine, type ScenarioResult } from './helpers/crashScenario.ts';

const seed = process.env.FAULT_SEED ? Number(process.env.FAULT_SEED) : randomSeed();
console.log(`fault tests: seed ${seed} (rerun with FAULT_SEED=${seed})`);

function report(r: ScenarioResult) {
  console.log(summaryLine(r));
  if (r.problems.length) console.log(`problems:\n- ${r.problems.join('\n- ')}`);
  if (r.dataDir) console.log(`data folder kept for a look: ${r.dataDir}`);
}

function assertProved(r: ScenarioResult, kills: number) {
  assert.equal(r.problems, [], 'no problems');
  assert.is(r.acked, r.notes, 'every note acked');
  assert.is(r.lost, 0, 'no acked note lost');
  assert.is(r.duplicates, 0, 'no note doubled');
  assert.is(r.unexpected, 0, 'no note that no bot sent');
  assert.is(r.outOfOrder, 0, "each bot's notes in its order");
  assert.is(r.refused, 0, 'no command refused');
  assert.is(r.integrity, 'ok');
  assert.is(r.kills, kills);
}

const faults = suite('faults');

faults('40 bots, 2,000 notes, the server SIGKILLed three times: every acked note once, in order', async () => {
  const r = await runScenario({ seed, bots: 40, notes: 2000, kills: 3, deadlineMs: 75_000, log: console.log });
  report(r);
  assertProved(r, 3);
});

faults('20 bots, 1,000 notes, connections dropped right after ~5% of sends: every acked note once, in order', async () => {
  const r = await runScenario({ seed: seed + 1, bots: 20, notes: 1000, kills: 0, dropRate: 0.05, deadlineMs: 35_000 });
  report(r);
  assertProved(r, 0);
  assert.ok(r.drops > 0, 'some connections were dropped');
  assert.ok(r.resends >= r.drops, 'every dropped command was resent');
  // A dropped command usually reached the server first: its resend is answered from the record.
  assert.ok(r.deduped > 0, 'some resends were answered from the record of command ids');
});

faults.run();
