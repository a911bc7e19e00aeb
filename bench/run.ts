// `npm run bench [-- --only export] [--runs 20] [--warmup 3]`: runs the scenarios in order,
// prints a table of each, and replaces that scenario's section in bench/results.md (other
// sections stay, so `--only` keeps earlier results of the others). A new scenario is one file
// exporting a `Scenario` and one line in SCENARIOS.
//
// The load scenarios of issues 8 and 13 (rooms, plenary, baseline, silent, voting, big,
// join-storm, ceiling; soak and cluster only with --only: cluster needs PostgreSQL and haproxy,
// see bench/cluster.ts) take sizes and rates from flags, each with
// the issue's default. Their bots run the web client's own code (bench/client/headless.ts):
//   --participants N  --rooms N  --duration S  --rate N_PER_S  --period S (rooms: per bot)
//   --steps 1000,2000,… (ceiling)  --minutes M (soak)  --workers N (phone processes, default 2;
//   the facilitator and projector get one more)
//   --quick (small sizes, short runs: a smoke test)  --profile (server with --cpu-prof)
//   --disk-pressure (a competing writer, 4 KB + fsync as fast as it can, in the server's data
//   folder during every measured phase)
//   --wait-load L (before each scenario, wait up to 10 min for the 1-minute load to drop below L)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { abuseScenario } from './abuse.ts';
import { baselineScenario } from './baseline.ts';
import { bigScenario } from './big.ts';
import { ceilingScenario } from './ceiling.ts';
import { clusterScenario } from './cluster.ts';
import { exportScenario } from './export.ts';
import { joinStormScenario } from './joinStorm.ts';
import { passes, type Figure, type LoadOptions, type Result, type Row, type Scenario } from './measure.ts';
import { phoneScenario } from './phone.ts';
import { plenaryScenario } from './plenary.ts';
import { roomsScenario } from './rooms.ts';
import { silentScenario } from './silent.ts';
import { soakScenario } from './soak.ts';
import { votingScenario } from './voting.ts';

const SCENARIOS: Scenario[] = [
  exportScenario,
  phoneScenario,
  roomsScenario,
  plenaryScenario,
  baselineScenario,
  silentScenario,
  votingScenario,
  bigScenario,
  joinStormScenario,
  ceilingScenario,
  abuseScenario,
  soakScenario,
  clusterScenario,
];
const RESULTS = fileURLToPath(new URL('./results.md', import.meta.url));
const HEADER = `# Benchmarks

Written by \`npm run bench\` (bench/run.ts). Each scenario's section is replaced when it runs
again; the machine and date are those of that run. Times are wall-clock ms; a row passes when
its p95 is under the target. The load scenarios (issue 8) list figures instead, each held to the
target beside it (latencies by their p99).
`;

function flagsOf() {
  try {
    return parseArgs({
      options: {
        only: { type: 'string' },
        runs: { type: 'string', default: '20' },
        warmup: { type: 'string', default: '3' },
        participants: { type: 'string' },
        rooms: { type: 'string' },
        duration: { type: 'string' },
        rate: { type: 'string' },
        period: { type: 'string' },
        steps: { type: 'string' },
        minutes: { type: 'string' },
        workers: { type: 'string', default: '2' },
        quick: { type: 'boolean', default: false },
        profile: { type: 'boolean', default: false },
        'disk-pressure': { type: 'boolean', default: false },
        'wait-load': { type: 'string' },
      },
    }).values;
  } catch (err) {
    console.error(
      `${(err as Error).message}\nusage: npm run bench [-- --only export,rooms] [--runs 20] [--warmup 3] [--quick] ` +
        '[--participants N] [--rooms N] [--duration S] [--rate N] [--period S] [--steps A,B,…] [--minutes M] [--workers N] [--profile] [--disk-pressure] [--wait-load L]',
    );
    process.exit(2);
  }
}
const flags = flagsOf();
const wanted = flags.only?.split(',').map((s) => s.trim()) ?? SCENARIOS.filter((s) => !s.optIn).map((s) => s.name);
const unknown = wanted.filter((name) => !SCENARIOS.some((s) => s.name === name));
if (unknown.length) {
  console.error(`unknown scenario ${unknown.join(', ')}; there are: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
/** A flag that must be a positive number, or undefined when not given. */
function positive(name: string, value: string | undefined, whole = true): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n > 0 && (!whole || Number.isInteger(n)))) {
    console.error(`--${name} must be a positive ${whole ? 'whole ' : ''}number, got ${value}`);
    process.exit(2);
  }
  return n;
}
const load: LoadOptions = {
  quick: flags.quick,
  profile: flags.profile,
  diskPressure: flags['disk-pressure'],
  workers: positive('workers', flags.workers)!,
  participants: positive('participants', flags.participants),
  rooms: positive('rooms', flags.rooms),
  duration: positive('duration', flags.duration, false),
  rate: positive('rate', flags.rate, false),
  period: positive('period', flags.period, false),
  minutes: positive('minutes', flags.minutes, false),
  steps: flags.steps?.split(',').map((step) => positive('steps', step.trim())!),
};
const waitLoad = positive('wait-load', flags['wait-load'], false);
const options = { runs: Number(flags.runs), warmup: Number(flags.warmup), load };
if (!(Number.isInteger(options.runs) && options.runs > 0 && Number.isInteger(options.warmup) && options.warmup >= 0)) {
  console.error('--runs must be a positive whole number and --warmup a whole number');
  process.exit(2);
}

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
const machine = `${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${os.cpus().length} cores, ${gib(os.totalmem())} RAM, ` +
  `Node ${process.version}, ${os.type()} ${os.release()}`;

const ms = (n: number) => n.toFixed(1);
const mark = (r: Row) => {
  const ok = passes(r);
  return ok === null ? '' : ok ? 'pass' : 'MISS';
};
const target = (r: Row) => (r.target === null ? '' : `< ${r.target}${r.source ? ` (${r.source})` : ''}`);
const cells = (r: Row) => [r.name, ms(r.median), ms(r.p95), target(r), mark(r)];
const HEAD = ['', 'median ms', 'p95 ms', 'target ms', ''];

/** Plain text for the terminal: columns padded, numbers right-aligned. */
function textTable(rows: Row[]): string {
  const lines = [HEAD, ...rows.map(cells)];
  const widths = HEAD.map((_, c) => Math.max(...lines.map((l) => l[c].length)));
  const line = (l: string[]) => l.map((v, c) => (c === 1 || c === 2 ? v.padStart(widths[c]) : v.padEnd(widths[c]))).join('  ');
  return lines.map((l) => line(l).trimEnd()).join('\n');
}

function markdownTable(rows: Row[]): string {
  return [`| ${HEAD.join(' | ')} |`, '|---|---:|---:|---|---|', ...rows.map((r) => `| ${cells(r).join(' | ')} |`)].join('\n');
}

// Load scenarios: one figure a line, what was measured beside its target.
const FIGURE_HEAD = ['', 'measured', 'target', ''];
const figureCells = (f: Figure) => [f.name, f.value, f.target, f.pass === null ? '' : f.pass ? 'pass' : 'MISS'];

function figureText(figures: Figure[]): string {
  const lines = [FIGURE_HEAD, ...figures.map(figureCells)];
  const widths = FIGURE_HEAD.map((_, c) => Math.max(...lines.map((l) => l[c].length)));
  return lines.map((l) => l.map((v, c) => v.padEnd(widths[c])).join('  ').trimEnd()).join('\n');
}

function figureMarkdown(figures: Figure[]): string {
  return [`| ${FIGURE_HEAD.join(' | ')} |`, '|---|---|---|---|', ...figures.map((f) => `| ${figureCells(f).join(' | ')} |`)].join('\n');
}

const tables = (result: Result, text: boolean) =>
  [
    result.rows.length ? (text ? textTable(result.rows) : markdownTable(result.rows)) : '',
    result.figures?.length ? (text ? figureText(result.figures) : figureMarkdown(result.figures)) : '',
  ]
    .filter(Boolean)
    .join('\n\n');

/** Share of the last 10 s some task waited on the disk (Linux PSI), or 0 where unknown. */
function ioPressure(): number {
  try {
    return Number(readFileSync('/proc/pressure/io', 'utf8').match(/^some avg10=([\d.]+)/)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/**
 * Before a scenario, with --wait-load: other work on the machine would skew the figures. The
 * server commits every note with an fsync on its event loop, so others' disk traffic counts
 * as much as their CPU: wait for the load to drop below L and the disk to be quiet too.
 */
async function quietEnough() {
  if (waitLoad === undefined) return;
  const until = Date.now() + 10 * 60_000;
  while ((os.loadavg()[0] >= waitLoad || ioPressure() >= 5) && Date.now() < until) {
    console.log(`${loadText()}, io pressure ${ioPressure()} %: waiting for the machine to quieten…`);
    await new Promise((r) => setTimeout(r, 20_000));
  }
}

/** Other work on the machine skews the figures; the 1-minute load average says how much there was. */
const loadText = () => `load ${os.loadavg()[0].toFixed(1)}, disk pressure ${ioPressure().toFixed(0)} %`;

function section(name: string, result: Result, date: string, loadBefore: string): string {
  return [
    `<!-- bench:${name} -->`,
    `## ${name}: ${result.title}`,
    '',
    `${date}, ${machine}, ${loadBefore} before the run. ${result.setup ?? `${options.runs} runs after ${options.warmup} warm-up runs.`}`,
    '',
    tables(result, false),
    '',
    ...result.notes.map((n) => `- ${n}`),
    `<!-- /bench:${name} -->`,
  ].join('\n');
}

/** results.md with this scenario's section replaced, or added at the end. */
function withSection(doc: string, name: string, text: string): string {
  const pattern = new RegExp(`<!-- bench:${name} -->[\\s\\S]*?<!-- /bench:${name} -->`);
  return pattern.test(doc) ? doc.replace(pattern, () => text) : `${doc.trimEnd()}\n\n${text}\n`;
}

console.log(`${machine}, ${loadText()}\n`);
let doc = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : HEADER;
let missed = 0;
for (const scenario of SCENARIOS.filter((s) => wanted.includes(s.name))) {
  await quietEnough();
  const loadBefore = loadText();
  let result: Result;
  try {
    result = await scenario.run(options);
  } catch (err) {
    // One scenario failing (a server that would not start, bots refused) leaves the others to run.
    console.error(`${scenario.name} failed: ${(err as Error).stack ?? err}\n`);
    missed++;
    continue;
  }
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  console.log(`${scenario.name}: ${result.title}\n\n${tables(result, true)}\n\n${result.notes.join('\n')}\n`);
  // Read again and written after each scenario: a long run that fails later keeps what it
  // measured, and a section another bench run wrote meanwhile is kept.
  // A run beside a competing writer is a section of its own: it does not replace the calm one.
  const key = load.diskPressure ? `${scenario.name}-disk-pressure` : scenario.name;
  doc = withSection(existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : doc, key, section(key, result, date, loadBefore));
  writeFileSync(RESULTS, doc);
  missed += result.rows.filter((r) => passes(r) === false).length + (result.figures ?? []).filter((f) => f.pass === false).length;
}
console.log(`${missed ? `${missed} target(s) missed` : 'every target met'}; written to bench/results.md`);
