// The attackers of the abuse scenario (bench/abuse.ts), forked into a process of their own so
// their floods never share an event loop with the probes that time the server: the HTTP attacks
// (c, d) here, the socket ones (a, b, e) in abuseSockets.ts; node:http and raw
// socket.io-client, as an attacker writes them (never our client), each attack from loopback
// addresses of its own: all of 127.0.0.0/8 is this machine, and the server counts what it sees
// in the socket's remote address (no header is trusted).
import { randomInt } from 'node:crypto';
import { Agent, request } from 'node:http';
import type { Socket } from 'socket.io-client';
import { add, ADDRESS, closeAll, flood, floodSockets, opens, sleep, syncFlood, syncSocket, type Prepared } from './abuseSockets.ts';
import { cpuSeconds } from './loadServer.ts';

export { ADDRESS };

export interface AttackPlan {
  url: string;
  /** a) One participant of workshop B on this many sockets, flooding note.add and note.edit. */
  flood: { workshopId: string; sockets: number };
  /** b) A public socket of workshop A asking for snapshots. */
  syncWorkshopId: string;
  /** c) Wrong join codes, d) workshop creations, both from `addresses` addresses. */
  wrongCodes: number;
  creations: number;
  addresses: number;
  /** e) Socket opens from one address (as visitors of workshop B). */
  opens: number;
  durationMs: number;
}


export type Tally = Record<string, number>;

export interface AttackResult {
  flood: {
    /** Sockets that connected with the participant's token in the handshake (of `sockets`). */
    handshake: Tally;
    /** Those refused, opened again as visitors that then `join` with the same token. */
    viaJoin: Tally;
    sent: number;
    acked: Tally;
    refused: Tally;
    /** Times the server let one of its sockets go, and how opening another went. */
    cut: number;
    reopened: Tally;
  };
  /** `snapshots`: every one received, answers to `sync` and catch-up on each new socket alike. */
  sync: { sent: number; acked: number; refused: Tally; snapshots: number; cut: number; reopened: Tally };
  codes: { sent: number; byStatus: Tally; /** Wrong codes looked up (404), most from one address. */ maxPerAddress: number; wallS: number };
  creations: { sent: number; byStatus: Tally; bodyBytes: number; wallS: number };
  opens: { tried: number; outcome: Tally; wallS: number };
  /** When each burst ran (ms epoch): the floods a and b run throughout. */
  spans: Record<'codes' | 'creations' | 'opens', [number, number]>;
  /** CPU seconds this process used during the attack. */
  cpuS: number;
}


interface Answer {
  status: number;
  detail: string;
}

/** One HTTP request from `agent`'s address; the status and, for a refusal, its error and detail. */
function http(url: string, agent: Agent, method: string, body?: string): Promise<Answer> {
  return new Promise((resolve) => {
    const headers = body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {};
    const req = request(url, { method, agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let detail = '';
        if (res.statusCode! >= 400)
          try {
            const refused = JSON.parse(text) as { error?: string; detail?: string };
            detail = ` ${refused.error ?? ''}${refused.detail ? ` (${refused.detail})` : ''}`;
          } catch {
            // not JSON: the status says enough
          }
        resolve({ status: res.statusCode!, detail });
      });
    });
    req.on('error', (err) => resolve({ status: 0, detail: ` ${err.message}` }));
    req.end(body);
  });
}

/** `total` requests from `addresses` addresses, one at a time from each, as fast as answered. */
async function fromAddresses(addresses: number, total: number, each: (agent: Agent, k: number) => Promise<void>) {
  let left = total;
  const agents = Array.from({ length: addresses }, (_, k) => new Agent({ keepAlive: true, maxSockets: 1, localAddress: ADDRESS.http(k) } as never));
  await Promise.all(
    agents.map(async (agent, k) => {
      while (left > 0) {
        left--;
        await each(agent, k);
      }
    }),
  );
  for (const agent of agents) agent.destroy();
}

/** A creation body just under the 64 KB cap: long purpose and goal, 50 activities, follow-ups. */
export function bigCreation(title: string): string {
  const words = (n: number) => 'samverkan kring barn och unga med psykisk ohälsa kräver tydligt ansvar '.repeat(n);
  const body = {
    title,
    purpose: words(40).slice(0, 2000),
    goal: words(40).slice(0, 2000),
    agenda: Array.from({ length: 50 }, (_, i) => ({
      kind: 'brainstorm',
      title: `${i + 1}. ${words(4)}`.slice(0, 200),
      questions: Array.from({ length: 4 }, (_, q) => `${q + 1}: ${words(4)}`.slice(0, 200)),
    })),
    followUp: [] as Array<{ text: string; owner: string }>,
  };
  const item = { text: words(8).slice(0, 500), owner: 'Region Kalmar län' };
  while (Buffer.byteLength(JSON.stringify({ ...body, followUp: [...body.followUp, item] })) < 64_000) body.followUp.push(item);
  return JSON.stringify(body);
}

const emptyResult = (): AttackResult => ({
    flood: { handshake: {}, viaJoin: {}, sent: 0, acked: {}, refused: {}, cut: 0, reopened: {} },
    sync: { sent: 0, acked: 0, refused: {}, snapshots: 0, cut: 0, reopened: {} },
    codes: { sent: 0, byStatus: {}, maxPerAddress: 0, wallS: 0 },
    creations: { sent: 0, byStatus: {}, bodyBytes: Buffer.byteLength(bigCreation('x')), wallS: 0 },
    opens: { tried: 0, outcome: {}, wallS: 0 },
    spans: { codes: [0, 0], creations: [0, 0], opens: [0, 0] },
    cpuS: 0,
});

let prepared: Prepared | null = null;
let result = emptyResult();

/** Before the attack: the flooding participant's sockets and the public socket, connected. */
async function prepare(plan: AttackPlan): Promise<void> {
  result = emptyResult();
  const [flooding, sync] = await Promise.all([floodSockets(plan, result.flood), syncSocket(plan, result.sync)]);
  if (!sync) throw new Error('the public socket was refused');
  // Counted from the attack on: the public socket's catch-up snapshot and its opening are not.
  await sleep(200);
  Object.assign(result.sync, { snapshots: 0, reopened: {} });
  prepared = { ...flooding, sync };
}

async function attack(plan: AttackPlan): Promise<AttackResult> {
  if (!prepared) throw new Error('attack before prepare');
  const cpu0 = cpuSeconds(process.pid);
  const held: Socket[] = [];
  const end = Date.now() + plan.durationMs;
  const timed = async (span: keyof AttackResult['spans'], work: () => Promise<void>) => {
    const t0 = Date.now();
    await work();
    result.spans[span] = [t0, Date.now()];
    return (Date.now() - t0) / 1000;
  };
  const lookedUp = new Array<number>(plan.addresses).fill(0);
  flood(plan, prepared, result.flood);
  syncFlood(plan, prepared.sync, result.sync);
  await Promise.all([
    timed('codes', () =>
      fromAddresses(plan.addresses, plan.wrongCodes, async (agent, k) => {
        result.codes.sent++;
        const code = String(randomInt(1e8)).padStart(8, '0');
        const { status, detail } = await http(`${plan.url}/api/join/${code}`, agent, 'GET');
        add(result.codes.byStatus, `${status}${detail}`);
        if (status === 404) lookedUp[k]++;
      }),
    ).then((s) => (result.codes.wallS = s)),
    timed('creations', () =>
      fromAddresses(plan.addresses, plan.creations, async (agent) => {
        const n = ++result.creations.sent;
        const { status, detail } = await http(`${plan.url}/api/workshops`, agent, 'POST', bigCreation(`Workshop ${n}`));
        add(result.creations.byStatus, `${status}${detail}`);
      }),
    ).then((s) => (result.creations.wallS = s)),
    timed('opens', () => opens(plan, result.opens, held)).then((s) => (result.opens.wallS = s)),
  ]);
  result.codes.maxPerAddress = Math.max(...lookedUp);
  await sleep(Math.max(0, end - Date.now()));
  closeAll(held);
  result.cpuS = cpuSeconds(process.pid) - cpu0;
  return result;
}

// Forked by bench/abuse.ts with this argument; imported there too, for the plan's types and addresses.
if (process.argv[2] === 'attackers') {
  process.on('message', (message: { type: 'prepare' | 'attack'; plan: AttackPlan }) => {
    (message.type === 'prepare' ? prepare(message.plan) : attack(message.plan)).then(
      (result) => process.send!({ ok: true, result }),
      (err: Error) => process.send!({ ok: false, error: err.stack ?? err.message }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}
