// `npm run bench [-- --only export] [--runs 20] [--warmup 3]`: runs the scenarios in order,
// prints a table of each, and replaces that scenario's section in bench/results.md (other
// sections stay, so `--only` keeps earlier results of the others). A new scenario is one file
// exporting a `Scenario` and one line in SCENARIOS.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { exportScenario } from './export.ts';
import { phoneScenario } from './phone.ts';
import { passes, type Result, type Row, type Scenario } from './measure.ts';

const SCENARIOS: Scenario[] = [exportScenario, phoneScenario];
const RESULTS = fileURLToPath(new URL('./results.md', import.meta.url));
const HEADER = `# Benchmarks

Written by \`npm run bench\` (bench/run.ts). Each scenario's section is replaced when it runs
again; the machine and date are those of that run. Times are wall-clock ms; a row passes when
its p95 is under the target.
`;

function flagsOf() {
  try {
    return parseArgs({
      options: {
        only: { type: 'string' },
        runs: { type: 'string', default: '20' },
        warmup: { type: 'string', default: '3' },
      },
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\nusage: npm run bench [-- --only export] [--runs 20] [--warmup 3]`);
    process.exit(2);
  }
}
const flags = flagsOf();
const wanted = flags.only?.split(',').map((s) => s.trim()) ?? SCENARIOS.map((s) => s.name);
const unknown = wanted.filter((name) => !SCENARIOS.some((s) => s.name === name));
if (unknown.length) {
  console.error(`unknown scenario ${unknown.join(', ')}; there are: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const options = { runs: Number(flags.runs), warmup: Number(flags.warmup) };
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

/** Other work on the machine skews the figures; the 1-minute load average says how much there was. */
const load = () => `load ${os.loadavg()[0].toFixed(1)}`;

function section(name: string, result: Result, date: string, loadBefore: string): string {
  return [
    `<!-- bench:${name} -->`,
    `## ${name}: ${result.title}`,
    '',
    `${date}, ${machine}, ${loadBefore} before the run. ${options.runs} runs after ${options.warmup} warm-up runs.`,
    '',
    markdownTable(result.rows),
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

console.log(`${machine}, ${load()}\n`);
let doc = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : HEADER;
let missed = 0;
for (const scenario of SCENARIOS.filter((s) => wanted.includes(s.name))) {
  const loadBefore = load();
  const result = await scenario.run(options);
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  console.log(`${scenario.name}: ${result.title}\n\n${textTable(result.rows)}\n\n${result.notes.join('\n')}\n`);
  doc = withSection(doc, scenario.name, section(scenario.name, result, date, loadBefore));
  missed += result.rows.filter((r) => passes(r) === false).length;
}
writeFileSync(RESULTS, doc);
console.log(`${missed ? `${missed} target(s) missed` : 'every target met'}; written to bench/results.md`);
