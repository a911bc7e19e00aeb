// Scenario `rooms` (issues 8 and 13): 1,000 participants in 50 breakout rooms of 20, opened by
// the facilitator's page (openBreakout, manual assignment listing the members); every bot posts
// a note about every 10 s into its room, as its page does. Timed from a note's send to its
// arrival in the state of every other member of the room and the facilitator. The projector is
// connected too, and by the protocol (§6.5) gets no note of an open room: its count is reported
// as a check that none leaked. After the rooms open no phone may receive a snapshot.
import { counts, int, latencyFigure, phaseFigures, phaseNotes, rssFigure, wireFigures } from './figures.ts';
import type { Histogram } from './latency.ts';
import { LoadSession, size, sleep, type RssPerParticipant } from './load.ts';
import type { ServerKind } from './loadServer.ts';
import type { Figure, LoadOptions, Result, Scenario } from './measure.ts';
import { profileSummary } from './profile.ts';

export const ROOM_P99_MS = 25;
/** Under --disk-pressure: a note may wait for the disk's fsync, and this much more (issue 13). */
export const OVER_FSYNC_MS = 15;
export const RSS_TARGET_KB = 32;

export interface LoadOutcome {
  kind: ServerKind;
  latency: Histogram;
  rssPerParticipant: RssPerParticipant;
  serverCpuPct: number;
  /** Bytes each participant's phone received in the measured phase. */
  participantBytes: number[];
  figures: Figure[];
  notes: string[];
}

export async function runRooms(kind: ServerKind, load: LoadOptions): Promise<LoadOutcome> {
  const n = size(load, 'participants', 1000, 100);
  const roomCount = size(load, 'rooms', 50, 5);
  const durationS = size(load, 'duration', 60, 15);
  const periodS = size(load, 'period', 10, 10);
  const session = await LoadSession.open(kind, n, load, 'rooms');
  try {
    const joined = await session.join(n, 100);
    if (joined.ready !== n) throw new Error(`only ${joined.ready} of ${n} joined: ${counts(joined.failed)}`);
    const rssPerParticipant = await session.settle();

    // Members by bot number, in contiguous blocks: room r holds bots r·size … (r+1)·size-1.
    const ids = [...session.participants.entries()].sort((a, b) => a[0] - b[0]).map(([, id]) => id);
    const rooms = Array.from({ length: roomCount }, (_, r) => ({
      id: `room-${String(r + 1).padStart(2, '0')}`,
      name: `Grupp ${r + 1}`,
      members: ids.filter((_, k) => k % roomCount === r),
    }));
    // Opening the rooms is no resync either: phones counted from before the open, not only while posting.
    const before = totalSnapshots(await session.fleet.report());
    await session.fleet.call(session.staff.facilitator, 'openBreakout', session.activityId, 'manual', rooms);
    for (let waited = 0; ; waited += 250) {
      const { breakoutSeen } = await session.fleet.report();
      if (breakoutSeen >= n + 2) break;
      if (waited > 60_000) throw new Error(`breakout.opened reached only ${breakoutSeen} of ${n + 2} bots`);
      await sleep(250);
    }

    const atOpen = totalSnapshots(await session.fleet.report()) - before;
    const phase = await session.measure({ mode: 'each', periodMs: periodS * 1000 }, durationS * 1000);
    const { posted, report } = phase;
    const roomSize = n / roomCount;
    // Every other member of the author's room, and the facilitator.
    const expected = posted.acked * roomSize;
    const got = report.received.participant + report.received.facilitator;
    // Under pressure a note waits for the disk: held to the disk's own fsync p99 plus a margin.
    const p99Target = kind !== 'verkstad' ? null : phase.competing && phase.diskSync ? phase.diskSync.p99 + OVER_FSYNC_MS : ROOM_P99_MS;
    const figures: Figure[] = [
      latencyFigure('note → other room members + facilitator', report.latency, p99Target, phase.competing ? 'disk fsync p99 + 15, issue 13' : 'issue 8'),
      rssFigure('server RSS per participant', rssPerParticipant, kind === 'verkstad' ? RSS_TARGET_KB : null),
      ...phaseFigures(phase),
      { name: 'deliveries missing', value: `${int(Math.max(0, expected - got))} of ${int(expected)}`, target: 'none', pass: got >= expected },
      { name: 'room notes at the projector', value: int(report.received.projector), target: '0 (§6.5)', pass: report.received.projector === 0 },
      { name: 'snapshots received as the rooms opened', value: int(atOpen), target: '0 (issue 13)', pass: atOpen === 0 },
      ...wireFigures(phase),
    ];
    const notes = [
      `${kind}: ${int(n)} participants joined (100/s) in ${joined.wallS.toFixed(1)} s, ${roomCount} rooms of ${roomSize}; ${int(posted.sent)} notes sent, ${int(posted.acked)} acked in ${phase.wallS.toFixed(0)} s (one per bot every ${periodS} s).`,
      ...phaseNotes(kind, session, joined, phase),
    ];
    const participantBytes = report.wire.participantBytes;
    return { kind, latency: report.latency, rssPerParticipant, serverCpuPct: phase.serverCpuPct, participantBytes, figures, notes };
  } finally {
    await session.close();
    if (load.profile) for (const line of profileSummary('rooms')) console.log(line);
  }
}

export const roomsScenario: Scenario = {
  name: 'rooms',
  async run({ load }): Promise<Result> {
    const outcome = await runRooms('verkstad', load);
    remember('rooms', outcome);
    return {
      title: `breakout rooms: ${int(size(load, 'participants', 1000, 100))} participants in ${size(load, 'rooms', 50, 5)} rooms, a note per bot every ${size(load, 'period', 10, 10)} s`,
      setup: `${size(load, 'duration', 60, 15)} s of posting; ${BOTS(load)}, server \`node --import tsx server/index.ts\` in its own process.${load.diskPressure ? ' --disk-pressure: a competing writer in the data folder while posting.' : ''}`,
      rows: [],
      figures: outcome.figures,
      notes: outcome.notes,
    };
  },
};

const totalSnapshots = (report: Awaited<ReturnType<LoadSession['fleet']['report']>>) =>
  Object.values(report.wire.snapshots).reduce((a, b) => a + b, 0);

/** How the bots are run, for the setup line of every load scenario. */
export const BOTS = (load: LoadOptions) =>
  `phones in ${load.workers} worker processes and facilitator and projector in one more, each bot the web client's own WorkshopState and Connection (client/src/lib) over socket.io-client`;

/** Our figures of this bench run, for the baseline scenario to set beside the bare server's. */
export const ours = new Map<'rooms' | 'plenary', LoadOutcome>();
export const remember = (name: 'rooms' | 'plenary', outcome: LoadOutcome) => ours.set(name, outcome);
