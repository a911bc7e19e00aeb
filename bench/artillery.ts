// `npm run bench:artillery [-- http://localhost:3000]`: Artillery (bench/artillery.yml) against a
// running server. Creates a workshop with one brainstorm (POST /api/workshops), keeps a
// facilitator connected to count the notes that arrive, runs `artillery run` with the
// workshop's ids in WORKSHOP_ID and ACTIVITY_ID, and writes Artillery's summary report into
// bench/results.md (section `artillery`). Telemetry to Artillery's servers is switched off.
// Artillery is fetched by npx on first use, not installed with the app: it was ~60 % of what
// `npm install` downloaded, for a benchmark few run.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { createWorkshopAt } from './load.ts';

/** 2.0.21 is the last Artillery for Node 20 (2.0.22 and later need Node 22). */
const ARTILLERY = 'artillery@2.0.21';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCRIPT = fileURLToPath(new URL('./artillery.yml', import.meta.url));
const RESULTS = fileURLToPath(new URL('./results.md', import.meta.url));

/** `npx --yes artillery@2.0.21 …`: npx keeps it in npm's cache, so only the first run downloads. */
function artillery(args: string[], env: NodeJS.ProcessEnv, onOutput?: (chunk: Buffer) => void): Promise<number> {
  const windows = process.platform === 'win32';
  return new Promise((resolve) => {
    const child = spawn(windows ? 'npx.cmd' : 'npx', ['--yes', ARTILLERY, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env, ARTILLERY_DISABLE_TELEMETRY: 'true' },
      stdio: ['ignore', onOutput ? 'pipe' : 'inherit', 'inherit'],
      shell: windows,
    });
    child.stdout?.on('data', (chunk: Buffer) => onOutput?.(chunk));
    child.on('error', (err) => {
      console.error(`could not start npx (${err.message}): it comes with npm`);
      resolve(127);
    });
    child.on('close', (c) => resolve(c ?? 1));
  });
}

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log('usage: npm run bench:artillery [-- <server address, default http://localhost:3000>]');
  console.log(`runs bench/artillery.yml with ${ARTILLERY} (fetched by npx on first use) against a running server`);
  process.exit(await artillery(['--version'], {}));
}

const target = (process.argv[2] ?? 'http://localhost:3000').replace(/\/+$/, '');
try {
  await fetch(`${target}/api/health`);
} catch {
  console.error(`No server answers at ${target}. Start one first (npm start), or pass its address.`);
  process.exit(2);
}

const workshop = await createWorkshopAt(target);
console.log(`workshop ${workshop.workshopId}, brainstorm ${workshop.activityId}`);

// The facilitator's view of the run: every note acked to an Artillery user should arrive here.
let notes = 0;
let joined = 0;
const facilitator = io(target, {
  transports: ['websocket'],
  forceNew: true,
  auth: { protocol: 1, workshopId: workshop.workshopId, facilitatorKey: workshop.key },
});
facilitator.on('events', (batch: Array<{ event: { type: string } }>) => {
  for (const { event } of batch) {
    if (event.type === 'note.added') notes++;
    if (event.type === 'participant.joined') joined++;
  }
});

const started = new Date();
let output = '';
console.log(`running ${ARTILLERY} (the first run downloads it into npm's cache)`);
const code = await artillery(
  ['run', '--target', target, SCRIPT],
  { WORKSHOP_ID: workshop.workshopId, ACTIVITY_ID: workshop.activityId },
  (chunk) => {
    process.stdout.write(chunk);
    output += chunk.toString();
  },
);
await new Promise((r) => setTimeout(r, 2000)); // the last broadcasts
facilitator.close();

const summary = output.slice(output.lastIndexOf('Summary report')).trim();
const line = `The facilitator received ${notes} notes from ${joined} participants who joined.`;
console.log(`\n${line}`);
if (code !== 0 || !summary.startsWith('Summary report')) {
  console.error(`artillery exited with ${code}; nothing written to bench/results.md`);
  process.exit(code || 1);
}

const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
const machine = `${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${os.type()} ${os.release()}`;
const section = [
  '<!-- bench:artillery -->',
  '## artillery: bench/artillery.yml against a running server (`npm run bench:artillery`)',
  '',
  `${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${machine}, load ${os.loadavg()[0].toFixed(1)} after the run. ` +
    `Artillery 2.0.21 (socketio engine, socket.io-client 4.8) in one process against \`${target}\`.`,
  '',
  '```',
  summary,
  '```',
  '',
  `- ${line}`,
  '- socketio.response_time is send → acknowledgement of each `join` and `note.add` (ms).',
  '<!-- /bench:artillery -->',
].join('\n');
const doc = readFileSync(RESULTS, 'utf8');
const pattern = /<!-- bench:artillery -->[\s\S]*?<!-- \/bench:artillery -->/;
writeFileSync(RESULTS, pattern.test(doc) ? doc.replace(pattern, () => section) : `${doc.trimEnd()}\n\n${section}\n`);
console.log('written to bench/results.md');
process.exit(0);
