// `npm run soak [-- --kills 100 --bots 40 --notes 4000 --seed N --minutes 20]`: the crash
// scenario of tests/faults.test.ts at length. Bots post numbered notes through an outbox while
// the real server process is SIGKILLed `--kills` times and restarted on the same data folder;
// then every acked note must be stored exactly once, in each bot's order. Prints the figures;
// exits 1 if anything was lost, doubled or otherwise wrong.
import { parseArgs } from 'node:util';
import { randomSeed, runScenario, summaryLine } from '../tests/helpers/crashScenario.ts';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '100' },
    bots: { type: 'string', default: '40' },
    notes: { type: 'string', default: '4000' },
    seed: { type: 'string' },
    minutes: { type: 'string', default: '20' },
    quiet: { type: 'boolean', default: false },
  },
});
const number = (name: keyof typeof values, min: number) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be a whole number ≥ ${min}, got ${values[name]}`);
    process.exit(2);
  }
  return n;
};
const kills = number('kills', 0);
const bots = number('bots', 1);
const notes = number('notes', 1);
const minutes = number('minutes', 1);
const seed = values.seed !== undefined ? number('seed', 0) : randomSeed();

console.log(`soak: seed ${seed}, ${bots} bots, ${notes} notes, ${kills} kills (rerun with --seed ${seed})`);
const started = Date.now();
const r = await runScenario({
  seed,
  bots,
  notes,
  kills,
  deadlineMs: minutes * 60_000,
  log: values.quiet ? undefined : (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${line}`),
});

const restarts = r.restartMs.length
  ? `restart until healthy: median ${median(r.restartMs)} ms, max ${Math.max(...r.restartMs)} ms`
  : 'no restarts';
console.log(`
kills survived        ${r.kills} of ${kills}
notes acked           ${r.acked} of ${r.notes}
notes lost            ${r.lost}
duplicates            ${r.duplicates}
unexpected notes      ${r.unexpected}
out of order          ${r.outOfOrder}
resends               ${r.resends} (${r.deduped} answered from the command-id record)
acks lost to a kill   ${r.ackLost} (stored, then acked only by a resend)
rate limited          ${r.rateLimited}
integrity_check       ${r.integrity}
duration              ${(r.durationMs / 1000).toFixed(1)} s (${restarts})
`);
console.log(summaryLine(r));
if (r.problems.length) console.log(`\nproblems:\n- ${r.problems.join('\n- ')}`);
if (r.dataDir) console.log(`data folder kept: ${r.dataDir}`);
const ok = r.problems.length === 0 && r.lost === 0 && r.duplicates === 0 && r.acked === r.notes && r.kills === kills;
console.log(ok ? 'soak passed' : 'soak FAILED');
process.exit(ok ? 0 : 1);

function median(list: number[]) {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
