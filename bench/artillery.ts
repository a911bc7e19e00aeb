// `npm run bench:artillery [-- http://localhost:3000]`: Artillery (bench/artillery.yml) against a
// running server. Creates a workshop with one brainstorm (POST /api/workshops), keeps a
// facilitator connected to count the notes that arrive, runs `artillery run` with the
// workshop's ids in WORKSHOP_ID and ACTIVITY_ID, and writes Artillery's summary report into
// bench/results.md (section `artillery`). Telemetry to Artillery's servers is switched off.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { createWorkshopAt } from './load.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ARTILLERY = fileURLToPath(new URL('../node_modules/.bin/artillery', import.meta.url));
const SCRIPT = fileURLToPath(new URL('./artillery.yml', import.meta.url));
const RESULTS = fileURLToPath(new URL('./results.md', import.meta.url));

const target = (process.argv[2] ?? 'http://localhost:3000').replace(/\/+$/, '');
if (!existsSync(ARTILLERY)) {
  console.error('Artillery is not installed: run `npm install` (it is a devDependency, pinned to 2.0.21 for Node 20).');
  process.exit(2);
}
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
const code = await new Promise<number>((resolve) => {
  const child = spawn(ARTILLERY, ['run', '--target', target, SCRIPT], {
    cwd: ROOT,
    env: { ...process.env, WORKSHOP_ID: workshop.workshopId, ACTIVITY_ID: workshop.activityId, ARTILLERY_DISABLE_TELEMETRY: 'true' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    output += chunk.toString();
  });
  child.on('close', (c) => resolve(c ?? 1));
});
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
