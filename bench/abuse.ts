// Scenario `abuse` (issue 14): the server's default limits (server/quotas.ts, server/limits.ts;
// no QUOTAS) hold under attack. 200 honest phones, the web client's own code, post in workshop A
// at a human rate, first alone, then while scripts of bench/abuseAttackers.ts (a process of
// their own, each attack from loopback addresses of its own) flood commands and snapshots,
// guess join codes, create workshops and open sockets. Throughout both phases: a right join code
// from a fresh address every 500 ms, which must always open; /api/health every 100 ms, which must
// always answer within 200 ms; the server's RSS every second. The attackers run at nice 19
// (ABUSE_NICE=0: as the server's equals), since on a real network their CPU is not the server's.
// `npm run bench -- --only abuse [--participants 200] [--duration 30] [--quick]`: --duration is
// each phase's seconds; --quick is 50 phones, 10 s and smaller bursts.
import { execFileSync, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ADDRESS, bigCreation, type AttackPlan, type AttackResult } from './abuseAttackers.ts';
import { attackFigures, honestFigures, readingNotes, sideFigures, timeline, type PhaseOutcome, type ProbeOutcome } from './abuseFigures.ts';
import { counts, info, int } from './figures.ts';
import { Histogram } from './latency.ts';
import { createWorkshopAt, LoadSession, size } from './load.ts';
import type { Figure, LoadOptions, Result, Scenario } from './measure.ts';
import { profileSummary } from './profile.ts';
import { BOTS } from './rooms.ts';

/**
 * The server's RSS, held throughout: what it holds before the attack (~180 MB with 200 phones)
 * and what the defaults let the attack add — 200 workshops an hour in all, each in memory for 10
 * minutes after its last use, and 1,000 visitor sockets for the one address of attack e — with
 * room for the garbage of the bursts. The sum is worked out under the figures (readingNotes).
 */
export const RSS_BOUND_MB = 400;
const ATTACKERS = fileURLToPath(new URL('./abuseAttackers.ts', import.meta.url));
/** ABUSE_NICE=0 lets the attackers compete with the server for the 2 cores as equals. */
const ATTACKERS_NICE = Number(process.env.ABUSE_NICE ?? 19);

export interface Sizes {
  participants: number;
  durationS: number;
  plan: Omit<AttackPlan, 'url' | 'flood' | 'syncWorkshopId' | 'durationMs'> & { sockets: number };
}

function sizes(load: LoadOptions): Sizes {
  const quick = load.quick;
  return {
    participants: size(load, 'participants', 200, 50),
    durationS: size(load, 'duration', 30, 10),
    plan: { sockets: 50, wrongCodes: quick ? 300 : 1000, creations: quick ? 300 : 1500, addresses: 30, opens: quick ? 1500 : 3000 },
  };
}

/** Every /proc/stat CPU tick of the machine; busy is what was not idle or waiting on the disk. */
function machineTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - fields[3] - fields[4], total };
}

/** GET `path` from `from` (on a connection of its own unless an agent is given); status and ms. */
function timedGet(url: string, from: string, agent?: Agent): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = request(url, { agent: agent ?? false, localAddress: from, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, ms: performance.now() - t0 }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, ms: performance.now() - t0 }));
    req.end();
  });
}

let fresh = 0;
/** A client address never used before in this run: 127.1.0.1, 127.1.0.2, … */
const freshAddress = () => (++fresh, `127.1.${fresh >> 8}.${fresh & 255}`);

/** The three probes of a phase; `stop` ends them and waits for their last answers. */
function startProbes(session: LoadSession, joinCode: string) {
  const { url } = session.server;
  const out: ProbeOutcome = { health: new Histogram(), healthAt: [], healthFailed: 0, code: new Histogram(), codeAnswers: {}, rss: [] };
  const agent = new Agent({ keepAlive: true, maxSockets: 4, localAddress: ADDRESS.health } as never);
  const pending = new Set<Promise<void>>();
  const track = (p: Promise<void>) => (pending.add(p), p.then(() => pending.delete(p)));
  const timers = [
    setInterval(
      () => {
        const at = Date.now();
        track(
          timedGet(`${url}/api/health`, ADDRESS.health, agent).then(({ status, ms }) => {
            out.health.add(ms);
            out.healthAt.push([at, ms]);
            if (status !== 200) out.healthFailed++;
          }),
        );
      },
      100,
    ),
    setInterval(
      () =>
        track(
          timedGet(`${url}/api/join/${joinCode}`, freshAddress()).then(({ status, ms }) => {
            out.code.add(ms);
            out.codeAnswers[status] = (out.codeAnswers[status] ?? 0) + 1;
          }),
        ),
      500,
    ),
    setInterval(() => out.rss.push(session.server.rssKb()), 1000),
  ];
  return async () => {
    for (const t of timers) clearInterval(t);
    out.rss.push(session.server.rssKb());
    await Promise.all(pending);
    agent.destroy();
    return out;
  };
}

/** A measured phase of honest posting (a note per phone every 10 s), with the attack beside it or not. */
async function runPhase(session: LoadSession, joinCode: string, durationS: number, attack: (() => Promise<AttackResult>) | null): Promise<PhaseOutcome> {
  const stop = startProbes(session, joinCode);
  const startedAt = Date.now();
  // CPU over the posting time alone, the same window for the server, the phones and the machine.
  const { server, fleet } = session;
  const cpuNow = () => ({ ticks: machineTicks(), server: server.cpuSeconds(), bots: fleet.cpuSeconds(), at: Date.now() });
  const cpu0 = cpuNow();
  const cpu1 = new Promise<ReturnType<typeof cpuNow>>((resolve) => setTimeout(() => resolve(cpuNow()), durationS * 1000));
  const attacked = attack?.();
  const phase = await session.measure({ mode: 'each', periodMs: 10_000 }, durationS * 1000);
  const result = (await attacked) ?? null;
  const probes = await stop();
  const end = await cpu1;
  const seconds = (end.at - cpu0.at) / 1000;
  const cpu = {
    server: ((end.server - cpu0.server) / seconds) * 100,
    bots: ((end.bots - cpu0.bots) / seconds) * 100,
    machine: ((end.ticks.busy - cpu0.ticks.busy) / (end.ticks.total - cpu0.ticks.total)) * 100,
    attackers: result ? (result.cpuS / seconds) * 100 : 0,
  };
  // session.measure ended with a full GC in the server: what the phase left behind.
  const gcRssKb = await server.rssAfterGcKb();
  return { startedAt, phase, probes, cpu, attack: result, heapKb: server.lastGcMemory.heapUsed, gcRssKb };
}

/** The attackers' process: forked, then told to prepare (connect) and to attack; one answer each. */
function attackers(plan: AttackPlan) {
  const child = fork(ATTACKERS, ['attackers'], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  // On a real network the attackers' CPU is not the server's: here they get what the server and
  // the phones leave of the 2 cores, and still send as fast as that allows.
  setPriority(child.pid!, ATTACKERS_NICE);
  const ask = <T>(type: 'prepare' | 'attack') =>
    new Promise<T>((resolve, reject) => {
      const exited = (code: number | null) => reject(new Error(`the attackers' process exited (${code})`));
      child.once('exit', exited);
      child.once('message', (m: { ok: true; result: T } | { ok: false; error: string }) => {
        child.off('exit', exited);
        if (m.ok) resolve(m.result);
        else reject(new Error(m.error));
      });
      child.send({ type, plan });
    });
  return {
    prepare: () => ask<void>('prepare'),
    run: () => ask<AttackResult>('attack'),
    close: () => child.kill(),
  };
}

/** Which server code ran: the commit, and its files that differed from it on disk. */
function codeUnderTest(): string {
  const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', cwd: fileURLToPath(new URL('..', import.meta.url)) });
  try {
    const commit = git('rev-parse', '--short', 'HEAD').trim();
    const paths = git('status', '--porcelain', '--', 'server', 'shared').split('\n').filter(Boolean).map((line) => line.slice(3));
    return `the server ran as committed at ${commit}${paths.length ? `, with changes not yet committed in ${paths.join(', ')}` : ''}`;
  } catch {
    return 'the server ran from a folder git does not know';
  }
}

/** One creation from an address that has made none, after the attack. */
async function legitCreation(url: string): Promise<string> {
  return new Promise((resolve) => {
    const body = JSON.stringify({ title: 'Ett vanligt möte', agenda: 'lgs' });
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    const req = request(`${url}/api/workshops`, { method: 'POST', headers, localAddress: '127.2.0.1' }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve(`${res.statusCode}${res.statusCode === 201 ? '' : ` ${text.slice(0, 200)}`}`));
    });
    req.on('error', (err) => resolve(err.message));
    req.end(body);
  });
}

export const abuseScenario: Scenario = {
  name: 'abuse',
  async run({ load }): Promise<Result> {
    const { participants: n, durationS, plan: sized } = sizes(load);
    const code = codeUnderTest();
    const session = await LoadSession.open('verkstad', n, load, 'abuse');
    try {
      const joined = await session.join(n, 100);
      if (joined.ready !== n) throw new Error(`only ${joined.ready} of ${n} joined: ${counts(joined.failed)}`);
      const { url } = session.server;
      const b = await createWorkshopAt(url);
      const links = (await (await fetch(`${url}/api/workshops/${session.workshopId}/links`)).json()) as { participantUrl: string };
      const joinCode = links.participantUrl.split('/j/')[1];
      await session.settle();
      const plan: AttackPlan = {
        url,
        flood: { workshopId: b.workshopId, sockets: sized.sockets },
        syncWorkshopId: session.workshopId,
        wrongCodes: sized.wrongCodes,
        creations: sized.creations,
        addresses: sized.addresses,
        opens: sized.opens,
        durationMs: durationS * 1000,
      };
      const alone = await runPhase(session, joinCode, durationS, null);
      const attack = attackers(plan);
      let attacked: PhaseOutcome;
      try {
        await attack.prepare();
        attacked = await runPhase(session, joinCode, durationS, attack.run);
      } finally {
        attack.close();
      }
      const after = await legitCreation(url);
      const figures: Figure[] = [
        ...honestFigures('alone', alone, RSS_BOUND_MB),
        ...honestFigures('under attack', attacked, RSS_BOUND_MB),
        ...attackFigures(attacked.attack!, durationS, sized, 2),
        ...sideFigures(alone, attacked, ATTACKERS_NICE),
        info('a creation from a fresh address after the attack', after),
      ];
      return {
        title: `abuse: ${int(n)} honest phones in workshop A (a note each every 10 s), alone and then under attack on the default limits`,
        setup:
          `${durationS} s alone, then ${durationS} s under attack, one server process (no QUOTAS); ${BOTS(load)}, all from 127.0.0.1. ` +
          `Attackers (bench/abuseAttackers.ts, a process of their own at nice ${ATTACKERS_NICE}: on a real network their CPU is not the server's; raw socket.io-client and node:http, every socket the server lets go opened again at once): a) one participant of workshop B on ${sized.sockets} sockets ` +
          `(${ADDRESS.flood}) flooding note.add and note.edit, 4 in flight a socket; b) a public socket of A (${ADDRESS.sync}) flooding sync; ` +
          `c) ${int(sized.wrongCodes)} wrong join codes and d) ${int(sized.creations)} creations of ${(Buffer.byteLength(bigCreation('x')) / 1000).toFixed(0)} kB, from ${sized.addresses} addresses (${ADDRESS.http(0)}…); ` +
          `e) ${int(sized.opens)} socket opens from ${ADDRESS.opens}. Probes: a right code for A from a fresh address (127.1.x.y) every 500 ms, /api/health from ${ADDRESS.health} every 100 ms.`,
        rows: [],
        figures,
        notes: [
          `${int(n)} joined (100/s) in ${joined.wallS.toFixed(1)} s; ${code}; notes acked alone ${int(alone.phase.posted.acked)}, under attack ${int(attacked.phase.posted.acked)}.`,
          `Under attack, each 5 s: the slowest /api/health answer / the server's event-loop delay p99, ms (bursts running: c codes, d creations, e socket opens): ${timeline(attacked, (from, to) => session.server.worstLoopWindow(from, to))}.`,
          ...readingNotes(alone, attacked, durationS, ATTACKERS_NICE, { beforeKb: session.rssAfterKb, boundMb: RSS_BOUND_MB }),
        ],
      };
    } finally {
      await session.close();
      if (load.profile) for (const line of profileSummary('abuse')) console.log(line);
    }
  },
};
