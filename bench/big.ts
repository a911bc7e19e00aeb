// Scenario `big` (issue 13): a workshop at the notes limit (20,000), built through the server
// (seedBig.ts), then the server restarted on the same data folder. Measured after the restart:
// how long the first socket waits for its snapshot (the workshop loaded from the store), the
// server's CPU per event while 20 phones edit their own notes in it, and meanwhile the ack time
// of another, small workshop whose 20 phones post notes — one big workshop must not hold up
// the others. Each workshop's bots have their own worker processes: a phone in the big one
// folds every edit into its 20,000 notes, which must not hold up the other workshop's phones
// on a shared event loop (they are other people's phones).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { BotFleet, type BotSpec } from './bots.ts';
import { counts, info, int, kb, latencyFigure, mb, ms, pct, wireFigures } from './figures.ts';
import type { Histogram } from './latency.ts';
import { createWorkshopAt, newToken, size, sleep } from './load.ts';
import { startServer, tempDataDir } from './loadServer.ts';
import type { Figure, Result, Scenario } from './measure.ts';
import { PROFILES, profileSummary } from './profile.ts';
import { BOTS } from './rooms.ts';
import { BIG_AGENDA, seedBig } from './seedBig.ts';

export const FIRST_SNAPSHOT_MS = 1000;
export const CPU_PER_EVENT_MS = 1;
export const OTHER_ACK_P99_MS = 50;
const EDITORS = 20;
const OTHERS = 20;

export const bigScenario: Scenario = {
  name: 'big',
  async run({ load }): Promise<Result> {
    const notes = load.quick ? 2000 : 20_000;
    const durationS = size(load, 'duration', 30, 10);
    const periodS = size(load, 'period', 2, 2);
    const dataDir = tempDataDir();
    let server = await startServer('verkstad', { dataDir });
    let fleet: BotFleet | null = null;
    let otherFleet: BotFleet | null = null;
    try {
      const big = await seedBig(server.url, await createWorkshopAt(server.url, BIG_AGENDA), notes, EDITORS);
      await server.stop();
      const profileDir = load.profile ? join(PROFILES, `big-verkstad-${Date.now()}`) : undefined;
      server = await startServer('verkstad', { dataDir, profileDir });
      fleet = await BotFleet.start(load.workers);
      otherFleet = await BotFleet.start(1);

      // Bot 0: the facilitator's laptop, the first socket after the restart.
      const first = await fleet.connect(server.url, big.workshopId, [{ i: 0, role: 'facilitator', key: big.key, atMs: 0 }], 60_000);
      if (first.ready !== 1) throw new Error(`the first socket did not get its snapshot: ${counts(first.failed)}`);
      const editorSpecs: BotSpec[] = big.editors.map((token, k) => ({ i: 1 + k, role: 'participant', token, atMs: k * 50 }));
      const editors = await fleet.connect(server.url, big.workshopId, editorSpecs, 120_000);
      if (editors.ready !== EDITORS) throw new Error(`only ${editors.ready} editors connected: ${counts(editors.failed)}`);
      const snapshotBytes = (await fleet.report()).wire.participantBytes;

      const other = await createWorkshopAt(server.url);
      const otherSpecs: BotSpec[] = [
        { i: 100, role: 'facilitator', key: other.key, atMs: 0 },
        ...Array.from({ length: OTHERS }, (_, k): BotSpec => ({ i: 101 + k, role: 'participant', token: newToken(101 + k), join: true, atMs: k * 20 })),
      ];
      const others = await otherFleet.connect(server.url, other.workshopId, otherSpecs, 60_000);
      if (others.ready !== OTHERS + 1) throw new Error(`only ${others.ready} of the other workshop connected: ${counts(others.failed)}`);
      await sleep(2000);
      const rssKb = server.rssKb();

      const each = { mode: 'each' as const, periodMs: periodS * 1000 };
      // What the server spends with everyone connected and nobody writing, beside the figure.
      const idle0 = server.cpuSeconds();
      await sleep(5000);
      const idlePct = ((server.cpuSeconds() - idle0) / 5) * 100;
      // Edits alone: the server's CPU is the big workshop's.
      await fleet.measure(true);
      const cpu0 = server.cpuSeconds();
      const bots0 = fleet.cpuSeconds();
      const alone = await fleet.post(each, durationS * 1000, 'edit', big.workshopId);
      const cpuS = server.cpuSeconds() - cpu0;
      const botsPct = ((fleet.cpuSeconds() - bots0) / durationS) * 100;
      const cpuPerEvent = (cpuS * 1000) / Math.max(1, alone.acked);
      const aboveIdle = ((cpuS - (idlePct / 100) * durationS) * 1000) / Math.max(1, alone.acked);
      // Edits and the other workshop's notes together.
      await fleet.measure(true);
      await otherFleet.measure(true);
      await server.rssAfterGcKb(); // resets the loop delay record
      const t0 = Date.now();
      const [edits, posts] = await Promise.all([
        fleet.post(each, durationS * 1000, 'edit', big.workshopId),
        otherFleet.post(each, durationS * 1000, 'note', other.workshopId),
      ]);
      const wallS = (Date.now() - t0) / 1000;
      const [report, otherReport] = await Promise.all([fleet.report(), otherFleet.report()]);
      await server.rssAfterGcKb();
      const loop = server.lastLoop;
      const together = { posted: { unacked: posts.unacked + edits.unacked }, report: merged(report, otherReport), wallS };

      const firstMs = first.readyMs.max;
      const figures: Figure[] = [
        { name: 'restart: first socket → its snapshot', value: `${ms(firstMs)} ms`, target: `< ${int(FIRST_SNAPSHOT_MS)} ms (issue 13)`, pass: firstMs < FIRST_SNAPSHOT_MS },
        info('then each editor: connect → snapshot', percentilesOf(editors.readyMs)),
        info('a snapshot of the big workshop (what an editor received)', kb(Math.max(...snapshotBytes) / 1024)),
        {
          name: 'server CPU per event, 20 phones editing',
          value:
            `${cpuPerEvent.toFixed(2)} ms (${cpuS.toFixed(1)} s CPU / ${int(alone.acked)} edits; ${pct((cpuS / durationS) * 100)} CPU, ${pct(idlePct)} with nobody writing: ` +
            `${aboveIdle.toFixed(2)} ms an edit above that)`,
          target: `< ${CPU_PER_EVENT_MS} ms (issue 13)`,
          pass: cpuPerEvent < CPU_PER_EVENT_MS,
        },
        latencyFigure('other workshop: note → ack, while the big one edits', posts.ackMs, OTHER_ACK_P99_MS, 'issue 13'),
        info('edit → ack (editors), alone / with the other workshop', `p99 ${ms(alone.ackMs.percentile(0.99))} / ${ms(edits.ackMs.percentile(0.99))} ms`),
        info('server event-loop delay, both together', `p99 ${ms(loop.p99)} · max ${ms(loop.max)} ms`),
        ...wireFigures(together),
      ];
      return {
        title: `big workshop: ${int(notes)} notes, server restarted, ${EDITORS} phones editing beside another workshop`,
        setup:
          `Seeded through the server (${int(EDITORS)} participants' notes, the rest by ${10} facilitator sockets) in ${big.seconds.toFixed(0)} s, then the server restarted on the same data folder; ` +
          `${durationS} s of edits (one per phone every ${periodS} s) alone, then ${durationS} s more with ${OTHERS} phones posting as often in another workshop; ${BOTS(load)}.`,
        rows: [],
        figures,
        notes: [
          `Server RSS with both workshops loaded ${mb(rssKb)}. Edits: alone ${int(alone.acked)} acked, together ${int(edits.acked)}; refused ${counts({ ...alone.errors, ...edits.errors })}; the other workshop ${int(posts.acked)} notes acked, refused ${counts(posts.errors)}.`,
          `The big workshop's bots used ${pct(botsPct)} CPU while editing alone; their event-loop delay p99 ${report.loopDelayP99.toFixed(1)} ms, max ${report.loopDelayMax.toFixed(0)} ms (the other workshop's: p99 ${otherReport.loopDelayP99.toFixed(1)} ms); disconnects ${counts({ ...report.disconnects, ...otherReport.disconnects })}.`,
        ],
      };
    } finally {
      await fleet?.close();
      await otherFleet?.close();
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
      if (load.profile) for (const line of profileSummary('big')) console.log(line);
    }
  },
};

type FleetReport = Awaited<ReturnType<BotFleet['report']>>;

/** Two fleets' wire counts as one (for the zero-targets of both workshops). */
function merged(a: FleetReport, b: FleetReport): FleetReport {
  const { wire } = a;
  return {
    ...a,
    unfolded: a.unfolded + b.unfolded,
    wire: {
      snapshots: { participant: wire.snapshots.participant + b.wire.snapshots.participant, facilitator: wire.snapshots.facilitator + b.wire.snapshots.facilitator, projector: wire.snapshots.projector + b.wire.snapshots.projector },
      syncs: wire.syncs + b.wire.syncs,
      resends: wire.resends + b.wire.resends,
      participantBytes: [...wire.participantBytes, ...b.wire.participantBytes],
    },
  };
}

const percentilesOf = (h: Histogram) => `p50 ${ms(h.percentile(0.5))} · p99 ${ms(h.percentile(0.99))} · max ${ms(h.max)} ms`;
