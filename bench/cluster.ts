// Scenario `cluster` (issue 15; `npm run bench -- --only cluster`, needs PostgreSQL and haproxy):
// Verkstad as several servers on one PostgreSQL behind HAProxy with deploy/haproxy.cfg.
//   rooms:   2,000 participants in 100 breakout rooms of 20 — ten workshops of 200, each with ten
//            rooms, as a region's servers carry many workshops at once — first on one server
//            behind HAProxy, then on three; each bot posts a note every 10 s into its room. Timed
//            from a note's send to its arrival at every other member of the room and the
//            facilitator. HAProxy spreads workshops (not rooms) by its hash of ?w=.
//   plenary: one workshop of 2,000 at 10 notes/s on the same three servers: through HAProxy all
//            its phones are on the one server its id hashes to (the deployment as shipped); then
//            the same phones spread a third to each server's own port, so every note reaches
//            two thirds of them through another server (hint, read from PostgreSQL, send).
// Bots are the web client's own code (bench/client/headless.ts), as in every load scenario.
// Everything runs on this one machine: the figures come with the CPU of each process, and of
// the whole machine, which is what bounds them here.
import { BotFleet, type BotSpec, type PostPlan } from './bots.ts';
import {
  benchDatabase,
  machineMeter,
  postgresMeter,
  seedWorkshops,
  serverLog,
  startGroup,
  stateChanges,
  storeReads,
  type SeededWorkshop,
  type ServerGroup,
} from './clusterSession.ts';
import { counts, info, int, latencyFigure, ms, pct, wireFigures } from './figures.ts';
import type { Histogram } from './latency.ts';
import { size, sleep } from './load.ts';
import { cpuSeconds } from './loadServer.ts';
import type { Figure, LoadOptions, Result, Scenario } from './measure.ts';
import { haproxyMissing } from '../tests/helpers/cluster.ts';

const ROOMS_PER_WORKSHOP = 10;
/** Returning phones connect this many a second (each gets a snapshot). */
const CONNECT_PER_S = 500;

interface Measured {
  latency: Histogram;
  ackP99: number;
  cpu: Cpu;
  workshopReads: number;
  figures: Figure[];
  notes: string[];
}

/** CPU of every process over a phase, % of one core; the machine's busy share of both cores. */
async function cpuMeters(group: ServerGroup, fleet: BotFleet, databaseUrl: string) {
  const machine = machineMeter();
  const haproxyPid = await group.balancer.pid();
  const postgres = await postgresMeter(databaseUrl);
  const read = () => ({
    servers: group.servers.map((s) => s.cpuSeconds()),
    haproxy: cpuSeconds(haproxyPid),
    postgres: postgres(),
    bots: fleet.cpuSeconds(),
  });
  const before = read();
  const t0 = Date.now();
  return () => {
    const after = read();
    const s = (Date.now() - t0) / 1000;
    const p = (a: number, b: number) => ((a - b) / s) * 100;
    return {
      servers: after.servers.map((v, i) => p(v, before.servers[i])),
      haproxy: p(after.haproxy, before.haproxy),
      postgres: p(after.postgres, before.postgres),
      bots: p(after.bots, before.bots),
      machine: machine() * 100,
    };
  };
}
type Cpu = ReturnType<Awaited<ReturnType<typeof cpuMeters>>>;

const cpuText = (group: ServerGroup, cpu: Cpu) =>
  `servers ${group.names.map((n, i) => `${n} ${pct(cpu.servers[i])}`).join(', ')}; HAProxy ${pct(cpu.haproxy)}; ` +
  `PostgreSQL ${pct(cpu.postgres)}; bots ${pct(cpu.bots)}; the machine ${pct(cpu.machine)} busy (of 2 cores)`;

/** Connections HAProxy holds to each server now, as text. */
async function spread(group: ServerGroup): Promise<string> {
  const states = await group.balancer.states();
  return states.map((s) => `${s.name} ${int(s.current)}`).join(', ');
}

/** Post by `plan` for the duration; the phase's report, CPU and timing. */
async function measure(group: ServerGroup, fleet: BotFleet, databaseUrl: string, plan: PostPlan | ((w: number) => PostPlan), durationS: number) {
  await fleet.measure(true);
  await Promise.all(group.servers.map((s) => s.rssAfterGcKb())); // resets each server's loop-delay record
  const cpu = await cpuMeters(group, fleet, databaseUrl);
  const reads = await storeReads(databaseUrl);
  const t0 = Date.now();
  const posted = await fleet.post(plan, durationS * 1000);
  const wallS = (Date.now() - t0) / 1000;
  const used = cpu();
  await sleep(3000);
  const workshopReads = await reads();
  const report = await fleet.report();
  await fleet.measure(false);
  await Promise.all(group.servers.map((s) => s.rssAfterGcKb()));
  const loops = group.servers.map((s) => s.lastLoop.p99);
  return { posted, report, wallS, cpu: used, loops, workshopReads };
}

/**
 * The facilitator of each workshop of `seeded` (bot `staff + w`, and a projector after them) and
 * then its participants, paced CONNECT_PER_S over all workshops, each to `urlOf(its bot number)`
 * (staff: `urlOf(-1)`).
 */
async function connect(fleet: BotFleet, seeded: SeededWorkshop[], staff: number, urlOf: (i: number) => string, projector = false) {
  const t0 = Date.now();
  const staffUp = await Promise.all(
    seeded.map((ws, w) => {
      const specs: BotSpec[] = [{ i: staff + w, role: 'facilitator', key: ws.key, atMs: 0 }];
      if (projector) specs.push({ i: staff + seeded.length + w, role: 'projector', atMs: 0 });
      return fleet.connect(urlOf(-1), ws.workshopId, specs, 60_000);
    }),
  );
  // One connect per workshop and server url (BotFleet.connect takes one of each), all sent at
  // once: the pacing (atMs) then holds across all of them.
  let k = 0;
  const groups = new Map<string, { workshopId: string; url: string; specs: BotSpec[] }>();
  for (const ws of seeded)
    for (const p of ws.participants) {
      const url = urlOf(p.i);
      const key = `${ws.workshopId} ${url}`;
      if (!groups.has(key)) groups.set(key, { workshopId: ws.workshopId, url, specs: [] });
      groups.get(key)!.specs.push({ i: p.i, role: 'participant', token: p.token, atMs: (k++ / CONNECT_PER_S) * 1000 });
    }
  const results = await Promise.all([...groups.values()].map((g) => fleet.connect(g.url, g.workshopId, g.specs, 600_000)));
  const all = [...staffUp, ...results];
  const ready = all.reduce((sum, r) => sum + r.ready, 0);
  const failed: Record<string, number> = {};
  for (const r of all) for (const [code, n] of Object.entries(r.failed)) failed[code] = (failed[code] ?? 0) + n;
  return { ready, failed, wallS: (Date.now() - t0) / 1000 };
}

/** Rooms on `serverCount` servers behind HAProxy, in a database of their own. */
async function rooms(serverCount: number, load: LoadOptions, databaseUrl: string): Promise<Measured> {
  const n = size(load, 'participants', 2000, 200);
  const roomCount = size(load, 'rooms', 100, 20);
  const durationS = size(load, 'duration', 60, 15);
  const periodS = size(load, 'period', 10, 10);
  const workshops = Math.max(1, Math.round(roomCount / ROOMS_PER_WORKSHOP));
  const each = Math.floor(n / workshops);
  const roomsEach = Math.round(roomCount / workshops);
  const seeded = await seedWorkshops(databaseUrl, workshops, each);
  const group = await startGroup(serverCount, databaseUrl);
  const fleet = await BotFleet.start(load.workers);
  const label = `${serverCount} server${serverCount > 1 ? 's' : ''}`;
  try {
    const total = workshops * each;
    const joined = await connect(fleet, seeded, total, () => group.balancer.url);
    if (joined.ready !== total + workshops) throw new Error(`rooms, ${label}: only ${joined.ready} of ${total + workshops} connected: ${counts(joined.failed)}`);
    const homes = await Promise.all(seeded.map((ws) => group.balancer.serverFor(ws.workshopId)));
    const byServer = group.names.map((name) => `${name} ${homes.filter((h) => h === name).length}`).join(', ');
    for (const [w, ws] of seeded.entries()) {
      const plan = Array.from({ length: roomsEach }, (_, r) => ({
        id: `room-${String(r + 1).padStart(2, '0')}`,
        name: `Grupp ${r + 1}`,
        members: ws.participants.filter((_, k) => k % roomsEach === r).map((p) => p.id),
      }));
      await fleet.call(total + w, 'openBreakout', ws.activityId, 'manual', plan);
    }
    for (let waited = 0; ; waited += 250) {
      const { breakoutSeen } = await fleet.report();
      if (breakoutSeen >= total + workshops) break;
      if (waited > 60_000) throw new Error(`rooms, ${label}: breakout.opened reached only ${breakoutSeen} of ${total + workshops} bots`);
      await sleep(250);
    }
    const connections = await spread(group);
    const phase = await measure(group, fleet, databaseUrl, { mode: 'each', periodMs: periodS * 1000 }, durationS);
    const { posted, report } = phase;
    const roomSize = each / roomsEach;
    const expected = posted.acked * roomSize; // the other members and the facilitator
    const got = report.received.participant + report.received.facilitator;
    return {
      latency: report.latency,
      ackP99: posted.ackMs.percentile(0.99),
      cpu: phase.cpu,
      workshopReads: phase.workshopReads,
      figures: [
        latencyFigure(`rooms, ${label}: note → other room members + facilitator`, report.latency, null),
        info(`rooms, ${label}: note → ack (author)`, `p50 ${ms(posted.ackMs.percentile(0.5))} · p99 ${ms(posted.ackMs.percentile(0.99))} ms`),
        info(`rooms, ${label}: CPU while posting (% of one core)`, cpuText(group, phase.cpu)),
        info(`rooms, ${label}: server event-loop delay p99`, group.names.map((name, i) => `${name} ${ms(phase.loops[i])} ms`).join(', ')),
        { name: `rooms, ${label}: deliveries missing`, value: `${int(Math.max(0, expected - got))} of ${int(expected)}`, target: 'none', pass: got >= expected },
        ...wireFigures(phase).map((f) => ({ ...f, name: `rooms, ${label}: ${f.name}` })),
      ],
      notes: [
        `rooms, ${label}: ${workshops} workshops of ${each} participants, ${roomsEach} rooms of ${roomSize} each; workshops per server (HAProxy's hash) ${byServer}; ` +
          `connections ${connections}; ${int(total)} phones connected (${CONNECT_PER_S}/s, a snapshot each) in ${joined.wallS.toFixed(1)} s; ` +
          `${int(posted.sent)} notes sent, ${int(posted.acked)} acked in ${phase.wallS.toFixed(0)} s (one per bot every ${periodS} s); refused ${counts(posted.errors)}; ` +
          `disconnects ${counts(report.disconnects)}; bots' event-loop delay p99 ${report.loopDelayP99.toFixed(1)} ms.`,
        diagnosis(`rooms, ${label}`, group, phase.workshopReads, 0),
      ],
    };
  } finally {
    await fleet.close();
    await group.stop();
  }
}

/** What the servers and HAProxy said during a part, and how often a workshop was read whole while posting. */
function diagnosis(label: string, group: ServerGroup, workshopReads: number, changesBefore: number): string {
  const changes = stateChanges(group).slice(changesBefore);
  return (
    `${label}: workshops read whole from the store while posting ${int(workshopReads)} times (a write refused because another server wrote first drops the held state); ` +
    `HAProxy's server state changes: ${changes.length ? changes.join('; ') : 'none'}; the servers logged: ${serverLog(group)}.`
  );
}

/** The plenary on three servers: through HAProxy (all on one server), then spread over the three. */
async function plenary(load: LoadOptions, databaseUrl: string): Promise<Measured[]> {
  const n = size(load, 'participants', 2000, 200);
  const rate = size(load, 'rate', 10, 10);
  const durationS = size(load, 'duration', 60, 15);
  const [ws] = await seedWorkshops(databaseUrl, 1, n);
  const group = await startGroup(3, databaseUrl);
  const home = await group.balancer.serverFor(ws.workshopId);
  const out: Measured[] = [];
  try {
    for (const spreadOut of [false, true]) {
      const label = spreadOut ? 'spread over 3 servers' : `3 servers through HAProxy (its hash: ${home})`;
      const changesBefore = stateChanges(group).length;
      const fleet = await BotFleet.start(load.workers);
      try {
        const urlOf = (i: number) => (spreadOut && i >= 0 && i < n ? group.servers[i % 3].url : group.balancer.url);
        const joined = await connect(fleet, [ws], n, urlOf, true);
        if (joined.ready !== n + 2) throw new Error(`plenary, ${label}: only ${joined.ready} of ${n + 2} connected: ${counts(joined.failed)}`);
        await sleep(2000);
        const connections = await spread(group);
        const workers = fleet.size;
        const plan = (w: number): PostPlan => ({ mode: 'rate', perSecond: rate / workers, offsetMs: (w * 1000) / rate });
        const phase = await measure(group, fleet, databaseUrl, plan, durationS);
        const { posted, report } = phase;
        const expected = posted.acked * (n - 1 + 2);
        const got = report.received.participant + report.received.facilitator + report.received.projector;
        out.push({
          latency: report.latency,
          ackP99: posted.ackMs.percentile(0.99),
          cpu: phase.cpu,
          workshopReads: phase.workshopReads,
          figures: [
            latencyFigure(`plenary, ${label}: note → every other client`, report.latency, null),
            info(`plenary, ${label}: note → ack (author)`, `p50 ${ms(posted.ackMs.percentile(0.5))} · p99 ${ms(posted.ackMs.percentile(0.99))} ms`),
            info(`plenary, ${label}: CPU while posting (% of one core)`, cpuText(group, phase.cpu)),
            info(`plenary, ${label}: server event-loop delay p99`, group.names.map((name, i) => `${name} ${ms(phase.loops[i])} ms`).join(', ')),
            { name: `plenary, ${label}: deliveries missing`, value: `${int(Math.max(0, expected - got))} of ${int(expected)}`, target: 'none', pass: got >= expected },
            ...wireFigures(phase).map((f) => ({ ...f, name: `plenary, ${label}: ${f.name}` })),
          ],
          notes: [
            `plenary, ${label}: ${spreadOut ? `phones straight to each server's port, a third each; facilitator and projector through HAProxy; HAProxy's connections ${connections}` : `connections ${connections}`}; ${int(n)} phones connected (${CONNECT_PER_S}/s, a snapshot each) in ${joined.wallS.toFixed(1)} s; ` +
              `${int(posted.sent)} notes sent, ${int(posted.acked)} acked in ${phase.wallS.toFixed(0)} s (${rate}/s across the crowd); refused ${counts(posted.errors)}; ` +
              `disconnects ${counts(report.disconnects)}; bots' event-loop delay p99 ${report.loopDelayP99.toFixed(1)} ms.`,
            diagnosis(`plenary, ${label}`, group, phase.workshopReads, changesBefore),
          ],
        });
      } finally {
        await fleet.close();
      }
    }
    return out;
  } finally {
    await group.stop();
  }
}

/** What bounds the figures on this machine, in words, from what was measured. */
function bounds(one: Measured, three: Measured, [hashed, spreadOut]: Measured[]): string[] {
  const core = (cpu: Cpu) => cpu.servers.reduce((a, b) => a + b, 0) + cpu.haproxy + cpu.postgres + cpu.bots;
  const lines = [
    `What bounds these figures: everything shares this machine's 2 cores — the servers, HAProxy, PostgreSQL and 2,000 headless phones, each running the web client's code. ` +
      `Rooms: our processes used ${pct(core(one.cpu))} of one core on 1 server and ${pct(core(three.cpu))} on 3 (the machine ${pct(one.cpu.machine)} and ${pct(three.cpu.machine)} busy, ` +
      `other work included); no server was near a core (the busiest ${pct(Math.max(...one.cpu.servers))} alone, ${pct(Math.max(...three.cpu.servers))} of three), so three servers ` +
      `do not make a note faster here, they take a third of the work each; a server's own core would be its own on separate machines. The bots are the largest user.`,
  ];
  if (hashed)
    lines.push(
      `Plenary through HAProxy: one workshop is on one server however many there are (${pct(Math.max(...hashed.cpu.servers))} of a core on it, the others idle); ` +
        `the phones folding every note (bots ${pct(hashed.cpu.bots)}) and HAProxy relaying each to 2,000 sockets (${pct(hashed.cpu.haproxy)}) take most of the machine ` +
        `(${pct(hashed.cpu.machine)} busy): the p99 is the machine's queue more than the server's.`,
    );
  if (spreadOut)
    lines.push(
      `Plenary spread over three servers: every server writes into the one workshop, and a write another server got in first makes the server drop what it holds and ` +
        `read the workshop whole again (${int(spreadOut.workshopReads)} times in the phase, each a 2,000-participant workshop: its snapshot, events, command ids and credentials), ` +
        `then decide again: note → ack p99 ${ms(spreadOut.ackP99)} ms against ${ms(hashed?.ackP99 ?? NaN)} ms on one server. This is what a workshop costs while its phones are on ` +
        `two servers (after a failover, until they reconnect); HAProxy's hash exists to avoid it.`,
    );
  return lines;
}

export const clusterScenario: Scenario = {
  name: 'cluster',
  optIn: true,
  async run({ load }): Promise<Result> {
    const n = size(load, 'participants', 2000, 200);
    const roomCount = size(load, 'rooms', 100, 20);
    const missing = haproxyMissing();
    if (missing) throw new Error(`the cluster bench needs HAProxy: ${missing}`);
    const db = await benchDatabase();
    try {
      const one = await rooms(1, load, await db.another());
      const three = await rooms(3, load, await db.another());
      const plenaries = await plenary(load, await db.another());
      const ratio = three.latency.percentile(0.99) / one.latency.percentile(0.99);
      return {
        title: `several servers behind HAProxy: ${int(n)} participants in ${roomCount} rooms on 1 and on 3 servers; a plenary of ${int(n)} on 3`,
        setup:
          `${size(load, 'duration', 60, 15)} s of posting a phase; one PostgreSQL 15 database per part, workshops and participants written into it first ` +
          `(phones connect as returning participants); each server \`node --import tsx server/index.ts\` with DATABASE_URL, TRUST_PROXY=loopback; ` +
          `HAProxy 2.6 with deploy/haproxy.cfg; bots in ${load.workers} worker processes and the facilitators and projector in one more, each the web client's ` +
          'own WorkshopState and Connection. All of it on this one machine.',
        rows: [],
        figures: [
          ...one.figures,
          ...three.figures,
          info('rooms: p99 on 3 servers / on 1', `${ratio.toFixed(2)}×`),
          ...plenaries.flatMap((p) => p.figures),
        ],
        notes: [...one.notes, ...three.notes, ...plenaries.flatMap((p) => p.notes), ...bounds(one, three, plenaries)],
      };
    } finally {
      await db.drop();
    }
  },
};
