// Scenario `join-storm` (issue 8): 1,000 participants connect and join within 10 s, as a hall
// does when the facilitator shows the QR code. Timed per participant from the start of its
// page (connect, then `join` as the join form sends it) to its first full state: the
// participant's `snapshot` after its `join` (§5). Each join is fanned out to everyone already
// in (`participant.joined`) and the facilitator and projector are connected, as in the room.
import { counts, info, int, latencyFigure, mb, pct, rssFigure } from './figures.ts';
import { LoadSession, size } from './load.ts';
import type { Result, Scenario } from './measure.ts';
import { profileSummary } from './profile.ts';
import { BOTS, RSS_TARGET_KB } from './rooms.ts';

export const JOIN_P99_MS = 1000;
/** The storm: everyone within 10 s. */
const WINDOW_S = 10;

export const joinStormScenario: Scenario = {
  name: 'join-storm',
  async run({ load }): Promise<Result> {
    const n = size(load, 'participants', 1000, 100);
    const windowS = WINDOW_S;
    const session = await LoadSession.open('verkstad', n, load, 'join-storm');
    try {
      const joined = await session.join(n, n / windowS);
      const rssPerParticipant = await session.settle();
      const report = await session.fleet.report();
      return {
        title: `join storm: ${int(n)} participants connect and join within ${windowS} s`,
        setup: `Connections started evenly over ${windowS} s; ${BOTS(load)}; facilitator and projector connected.`,
        rows: [],
        figures: [
          latencyFigure('connect start → snapshot after join', joined.readyMs, JOIN_P99_MS),
          { name: 'joined', value: `${int(joined.ready)} of ${int(n)}`, target: 'all', pass: joined.ready === n },
          info('last participant in after', `${joined.wallS.toFixed(1)} s`),
          info('server CPU during the storm', pct(joined.serverCpuPct)),
          info('bot processes CPU during the storm', pct(joined.botCpuPct)),
          rssFigure('server RSS per participant', rssPerParticipant, RSS_TARGET_KB),
        ],
        notes: [
          `Failures: ${counts(joined.failed)}. Disconnects: ${counts(report.disconnects)}. Bots' event-loop delay p99 ${report.loopDelayP99.toFixed(1)} ms, max ${report.loopDelayMax.toFixed(0)} ms.`,
          `Server RSS ${mb(session.rssBeforeKb)} before, ${mb(session.rssAfterKb)} after (after a full GC: ${mb(session.rssBeforeGcKb)}, ${mb(session.rssAfterGcKb)}); mean ${joined.readyMs.mean.toFixed(0)} ms, max ${joined.readyMs.max.toFixed(0)} ms.`,
          `${session.memoryBreakdown()}.`,
        ],
      };
    } finally {
      await session.close();
      if (load.profile) for (const line of profileSummary('join-storm')) console.log(line);
    }
  },
};
