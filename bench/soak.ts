// Scenario `soak` (issue 8; only with `--only soak`): 2,000 participants in a plenary for 10
// minutes at 5 notes/s (--participants, --minutes, --rate). Server RSS when the posting starts
// and when it ends (sampled every 30 s between), its growth, and notes lost: acked to their
// author but never in the facilitator's state. Participants are seeded into the store and
// connect as returning phones, as in the ceiling scenario.
import { counts, info, int, mb, pct, percentiles, phaseFigures } from './figures.ts';
import { LoadSession, seedWorkshop, size } from './load.ts';
import type { Result, Scenario } from './measure.ts';
import { profileSummary } from './profile.ts';

export const SOAK_GROWTH_PCT = 10;

export const soakScenario: Scenario = {
  name: 'soak',
  optIn: true,
  async run({ load }): Promise<Result> {
    const n = size(load, 'participants', 2000, 200);
    const minutes = size(load, 'minutes', 10, 1);
    const rate = size(load, 'rate', 5, 5);
    const seeded = await seedWorkshop(n);
    const session = await LoadSession.open('verkstad', n, load, 'soak', seeded);
    try {
      const joined = await session.join(n, 500, seeded);
      if (joined.ready !== n) throw new Error(`only ${joined.ready} of ${n} connected: ${counts(joined.failed)}`);
      await session.settle(3000);
      const rssStart = session.server.rssKb();
      const rssStartGc = session.rssAfterGcKb;
      const samples: number[] = [rssStart];
      const sampler = setInterval(() => samples.push(session.server.rssKb()), 30_000);
      const workers = session.fleet.size;
      const phase = await session.measure(
        (w) => ({ mode: 'rate', perSecond: rate / workers, offsetMs: (w * 1000) / rate }),
        minutes * 60_000,
        true,
      );
      clearInterval(sampler);
      const rssEnd = session.server.rssKb();
      samples.push(rssEnd);
      const growth = ((rssEnd - rssStart) / rssStart) * 100;
      // The same after a full GC at both ends: what stays, without the young generation's swings.
      const rssEndGc = await session.server.rssAfterGcKb();
      const growthGc = ((rssEndGc - rssStartGc) / rssStartGc) * 100;
      const heapGrowth = session.server.lastGcMemory.heapUsed - session.memoryAfter.heapUsed;
      const lost = phase.posted.ackedIds.filter((id) => !phase.report.facilitatorIds.has(id)).length;
      const unacked = phase.posted.sent - phase.posted.acked;
      return {
        title: `soak: ${int(n)} participants in a plenary for ${minutes} min at ${rate} notes/s`,
        setup: `Bots in ${load.workers} worker processes; participants seeded into the store, connecting up to date; server RSS sampled every 30 s.`,
        rows: [],
        figures: [
          { name: 'server RSS growth', value: `${growth.toFixed(1)} % (${mb(rssStart)} → ${mb(rssEnd)})`, target: `< ${SOAK_GROWTH_PCT} % (issue 8)`, pass: growth < SOAK_GROWTH_PCT },
          info('server RSS growth after a full GC at both ends', `${growthGc.toFixed(1)} % (${mb(rssStartGc)} → ${mb(rssEndGc)}); V8 heap in use ${heapGrowth >= 0 ? '+' : ''}${(heapGrowth / 1024).toFixed(1)} MB`),
          { name: 'notes lost (acked, never at the facilitator)', value: `${int(lost)} of ${int(phase.posted.acked)}`, target: '0 (issue 8)', pass: lost === 0 },
          { name: 'notes sent but not acked', value: `${int(unacked)} of ${int(phase.posted.sent)}`, target: '0', pass: unacked === 0 },
          info('note → every other client', percentiles(phase.report.latency)),
          ...phaseFigures(phase),
        ],
        notes: [
          `RSS samples (MB): ${samples.map((s) => (s / 1024).toFixed(0)).join(', ')}.`,
          `Refused ${counts(phase.posted.errors)}; disconnects ${counts(phase.report.disconnects)}; bots used ${pct(phase.botCpuPct)} CPU, event-loop delay p99 ${phase.report.loopDelayP99.toFixed(1)} ms.`,
        ],
      };
    } finally {
      await session.close();
      if (load.profile) for (const line of profileSummary('soak')) console.log(line);
    }
  },
};
