// Scenario `silent` (issue 13): silent brainstorming with 1,000 phones. The facilitator's page
// hides the brainstorm (setHidden, the toolkit's method); then the participants post 10 notes
// a second across the crowd. A hidden note goes only to its author and the facilitators
// (§6.5): others learn only the count, through the projection. Nothing in a phone's stream may
// look like a loss, so no phone receives a snapshot while the notes come in.
import { counts, int, latencyFigure, phaseFigures, phaseNotes, wireFigures } from './figures.ts';
import { LoadSession, size, sleep } from './load.ts';
import type { Figure, Result, Scenario } from './measure.ts';
import { profileSummary } from './profile.ts';
import { BOTS } from './rooms.ts';

export const silentScenario: Scenario = {
  name: 'silent',
  async run({ load }): Promise<Result> {
    const n = size(load, 'participants', 1000, 100);
    const rate = size(load, 'rate', 10, 10);
    const durationS = size(load, 'duration', 60, 15);
    const session = await LoadSession.open('verkstad', n, load, 'silent');
    try {
      const joined = await session.join(n, 100);
      if (joined.ready !== n) throw new Error(`only ${joined.ready} of ${n} joined: ${counts(joined.failed)}`);
      await session.settle();
      // Hiding resends every participant and the projector a fresh view: wait for those first.
      const before = (await session.fleet.report()).wire.snapshots;
      await session.fleet.call(session.staff.facilitator, 'setHidden', session.activityId, true);
      for (let waited = 0; ; waited += 250) {
        const now = (await session.fleet.report()).wire.snapshots;
        if (now.participant - before.participant >= n && now.projector > before.projector) break;
        if (waited > 60_000) throw new Error(`the resync after hiding reached only ${now.participant - before.participant} of ${n} phones`);
        await sleep(250);
      }
      const workers = session.fleet.size;
      const phase = await session.measure((w) => ({ mode: 'rate', perSecond: rate / workers, offsetMs: (w * 1000) / rate }), durationS * 1000);
      const { posted, report } = phase;
      const leaked = report.received.participant + report.received.projector;
      const figures: Figure[] = [
        latencyFigure('note → facilitator', report.latency, null),
        { name: "others' hidden notes at phones and the projector", value: int(leaked), target: '0 (§6.5)', pass: leaked === 0 },
        {
          name: 'deliveries missing (facilitator)',
          value: `${int(Math.max(0, posted.acked - report.received.facilitator))} of ${int(posted.acked)}`,
          target: 'none',
          pass: report.received.facilitator >= posted.acked,
        },
        ...phaseFigures(phase),
        ...wireFigures(phase),
      ];
      return {
        title: `silent brainstorm: ${int(n)} phones, ${rate} notes/s across the crowd, notes hidden`,
        setup: `${durationS} s of posting after the facilitator hid the brainstorm (setHidden); ${BOTS(load)}.`,
        rows: [],
        figures,
        notes: [
          `${int(n)} participants joined (100/s) in ${joined.wallS.toFixed(1)} s; ${int(posted.sent)} notes sent, ${int(posted.acked)} acked in ${phase.wallS.toFixed(0)} s.`,
          ...phaseNotes('verkstad', session, joined, phase),
        ],
      };
    } finally {
      await session.close();
      if (load.profile) for (const line of profileSummary('silent')) console.log(line);
    }
  },
};

