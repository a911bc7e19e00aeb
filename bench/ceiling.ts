// Scenario `ceiling` (issue 8): the largest plenary whose p99 note-to-everyone stays under
// 250 ms at 5 notes/s. Steps up through --steps (default 1000, 2000, 3000, 4000, 5000, 6000,
// 8000, 10000) on a fresh server each, stops at the first step that misses, and starts no new
// step after 15 minutes. The participants of each step are seeded into the data folder before
// the server starts (load.ts `seedWorkshop`) and connect as returning phones (their token is
// known, so no `join`): joining thousands over sockets would take most of the time budget,
// since every join goes to everyone already in. A returning page asks for no catch-up on its
// first connection, so each gets the full snapshot, as phones do.
import { counts, info, int, kb, mb, ms, pct } from './figures.ts';
import { LoadSession, seedWorkshop, size } from './load.ts';
import type { Figure, Result, Scenario } from './measure.ts';
import { profileSummary } from './profile.ts';

export const CEILING_P99_MS = 250;
export const CEILING_TARGET = 3000;
const STEPS = [1000, 2000, 3000, 4000, 5000, 6000, 8000, 10_000];
const QUICK_STEPS = [100, 200];
const BUDGET_MS = 15 * 60_000;

export const ceilingScenario: Scenario = {
  name: 'ceiling',
  async run({ load }): Promise<Result> {
    const steps = load.steps ?? (load.quick ? QUICK_STEPS : STEPS);
    const rate = size(load, 'rate', 5, 5);
    const durationS = size(load, 'duration', 30, 5);
    const started = Date.now();
    const figures: Figure[] = [];
    const notes: string[] = [];
    let held = 0;
    const rssBySize: Array<[number, number]> = []; // participants, server RSS after a full GC (KB)
    let stoppedBy = 'every step held';
    for (const n of steps) {
      if (Date.now() - started > BUDGET_MS) {
        stoppedBy = `time budget (${BUDGET_MS / 60_000} min) spent before ${int(n)}`;
        break;
      }
      const seeded = await seedWorkshop(n);
      const session = await LoadSession.open('verkstad', n, load, 'ceiling', seeded);
      try {
        const joined = await session.join(n, 500, seeded);
        if (joined.ready !== n) {
          figures.push({ name: `${int(n)} participants`, value: `only ${joined.ready} connected (${counts(joined.failed)})`, target: '', pass: false });
          stoppedBy = `connections failed at ${int(n)}`;
          break;
        }
        await session.settle(2000);
        rssBySize.push([n, session.rssAfterGcKb]);
        const workers = session.fleet.size;
        const phase = await session.measure((w) => ({ mode: 'rate', perSecond: rate / workers, offsetMs: (w * 1000) / rate }), durationS * 1000);
        const { report, posted } = phase;
        const p99 = report.latency.percentile(0.99);
        const expected = posted.acked * (n + 1);
        const got = report.received.participant + report.received.facilitator + report.received.projector;
        const ok = p99 < CEILING_P99_MS && got >= expected;
        figures.push({
          name: `${int(n)} participants`,
          value:
            `p50 ${ms(report.latency.percentile(0.5))} · p95 ${ms(report.latency.percentile(0.95))} · p99 ${ms(p99)} ms; ` +
            `server CPU ${pct(phase.serverCpuPct)}, loop delay p99 ${ms(phase.serverLoop.p99)} ms; bots CPU ${pct(phase.botCpuPct)}`,
          target: `p99 < ${CEILING_P99_MS} ms`,
          pass: ok,
        });
        notes.push(
          `${int(n)}: ${int(posted.acked)} notes acked, deliveries missing ${int(Math.max(0, expected - got))}; server RSS ${mb(session.rssAfterKb)}; ` +
            `bots' event-loop delay p99 ${report.loopDelayP99.toFixed(1)} ms; refused ${counts(posted.errors)}; disconnects ${counts(report.disconnects)}.`,
        );
        if (!ok) {
          stoppedBy = `${int(n)} missed`;
          break;
        }
        held = n;
      } finally {
        await session.close();
        if (load.profile) for (const line of profileSummary('ceiling')) console.log(line);
      }
    }
    figures.unshift({
      name: 'largest plenary that held',
      value: held ? int(held) : 'none',
      target: load.quick ? '' : `≥ ${int(CEILING_TARGET)} (issue 8)`,
      pass: load.quick ? null : held >= CEILING_TARGET,
    });
    if (rssBySize.length > 1) {
      // What one more participant costs, without the fixed part (V8's young generation, code):
      // the slope of the server's RSS over the steps.
      const [[n0, r0], [n1, r1]] = [rssBySize[0], rssBySize[rssBySize.length - 1]];
      figures.push(info(`server RSS per extra participant, ${int(n0)} → ${int(n1)} (after a full GC)`, kb((r1 - r0) / (n1 - n0))));
    }
    notes.unshift(`Stopped: ${stoppedBy}. Participants seeded into the store, connecting as returning phones (a snapshot each), 500 a second.`);
    return {
      title: `ceiling: the largest plenary with p99 < ${CEILING_P99_MS} ms at ${rate} notes/s`,
      setup: `Steps ${steps.map(int).join(', ')}; ${durationS} s of posting each on a fresh server; bots in ${load.workers} worker processes.`,
      rows: [],
      figures,
      notes,
    };
  },
};
