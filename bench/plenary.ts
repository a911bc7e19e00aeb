// Scenario `plenary` (issue 8): the same 1,000 participants in one brainstorm, 10 notes a
// second across the crowd. Timed from a note's send to its arrival in the state of every
// other client: the other participants, the facilitator and the projector.
import { counts, int, latencyFigure, phaseFigures, phaseNotes, rssFigure, wireFigures } from './figures.ts';
import { LoadSession, size } from './load.ts';
import type { ServerKind } from './loadServer.ts';
import type { Figure, LoadOptions, Result, Scenario } from './measure.ts';
import { profileSummary } from './profile.ts';
import { BOTS, remember, RSS_TARGET_KB, type LoadOutcome } from './rooms.ts';

export const PLENARY_P99_MS = 100;
/** Plenary p99 may be at most this many times the bare Socket.IO server's. */
export const BASELINE_RATIO = 1.5;

export async function runPlenary(kind: ServerKind, load: LoadOptions): Promise<LoadOutcome> {
  const n = size(load, 'participants', 1000, 100);
  const rate = size(load, 'rate', 10, 10);
  const durationS = size(load, 'duration', 60, 15);
  const session = await LoadSession.open(kind, n, load, 'plenary');
  try {
    const joined = await session.join(n, 100);
    if (joined.ready !== n) throw new Error(`only ${joined.ready} of ${n} joined: ${counts(joined.failed)}`);
    const rssPerParticipant = await session.settle();
    const workers = session.fleet.size;
    // Each worker posts its share, offset so the notes come evenly spaced across the crowd.
    const phase = await session.measure((w) => ({ mode: 'rate', perSecond: rate / workers, offsetMs: (w * 1000) / rate }), durationS * 1000);
    const { posted, report } = phase;
    const expected = posted.acked * (n - 1 + 2);
    const got = report.received.participant + report.received.facilitator + report.received.projector;
    const figures: Figure[] = [
      latencyFigure('note → every other client', report.latency, kind === 'verkstad' ? PLENARY_P99_MS : null),
      rssFigure('server RSS per participant', rssPerParticipant, kind === 'verkstad' ? RSS_TARGET_KB : null),
      ...phaseFigures(phase),
      { name: 'deliveries missing', value: `${int(Math.max(0, expected - got))} of ${int(expected)}`, target: 'none', pass: got >= expected },
      ...wireFigures(phase),
    ];
    const notes = [
      `${kind}: ${int(n)} participants joined (100/s) in ${joined.wallS.toFixed(1)} s; ${int(posted.sent)} notes sent, ${int(posted.acked)} acked in ${phase.wallS.toFixed(0)} s (${rate}/s across the crowd).`,
      ...phaseNotes(kind, session, joined, phase),
    ];
    const participantBytes = report.wire.participantBytes;
    return { kind, latency: report.latency, rssPerParticipant, serverCpuPct: phase.serverCpuPct, participantBytes, figures, notes };
  } finally {
    await session.close();
    if (load.profile) for (const line of profileSummary('plenary')) console.log(line);
  }
}

export const plenaryScenario: Scenario = {
  name: 'plenary',
  async run({ load }): Promise<Result> {
    const outcome = await runPlenary('verkstad', load);
    remember('plenary', outcome);
    return {
      title: `plenary: ${int(size(load, 'participants', 1000, 100))} participants in one brainstorm, ${size(load, 'rate', 10, 10)} notes/s across the crowd`,
      setup: `${size(load, 'duration', 60, 15)} s of posting; ${BOTS(load)}, server \`node --import tsx server/index.ts\` in its own process. The comparison with bare Socket.IO is in the baseline section.`,
      rows: [],
      figures: outcome.figures,
      notes: outcome.notes,
    };
  },
};
