// `npm test`: the type check, a client build, then every uvu test file in its own process.
// Ends with the line CI reads, `N passed, N failed`, and exits non-zero on any failure —
// including a file that crashed before uvu could print its summary.
//   --no-check   skip tsc + svelte-check     --no-e2e   skip tests/e2e (and the build)
//   other args   only test files whose path contains one of them
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const filters = args.filter((a) => !a.startsWith('--'));
const FILE_TIMEOUT_MS = 3 * 60 * 1000;
const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function run(cmd, cmdArgs, { timeout = FILE_TIMEOUT_MS, quiet = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, cmdArgs, { env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
    let output = '';
    const onData = (chunk) => {
      output += chunk;
      if (!quiet) process.stdout.write(chunk);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => {
      output += `\n[killed after ${timeout / 1000} s]\n`;
      child.kill('SIGKILL');
    }, timeout);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function step(name, ok, output) {
  if (ok) totals.passed += 1;
  else {
    totals.failed += 1;
    failures.push(name);
    if (output) process.stdout.write(output.slice(-4000));
  }
  console.log(`${ok ? '✔' : '✘'} ${name}`);
}

const testFiles = (dir) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.test.ts'))
        .sort()
        .map((f) => join(dir, f))
    : [];

const e2e = !flags.has('--no-e2e');
let files = [...testFiles('tests'), ...(e2e ? testFiles('tests/e2e') : [])];
if (filters.length) files = files.filter((f) => filters.some((p) => f.includes(p)));

if (!flags.has('--no-check') && !filters.length) {
  console.log('\n# type check (tsc + svelte-check)');
  const tsc = await run(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tsconfig.json'], { quiet: true });
  step('tsc --noEmit', tsc.code === 0, tsc.output);
  const sc = await run(
    process.execPath,
    ['node_modules/svelte-check/bin/svelte-check', '--tsconfig', './tsconfig.json', '--fail-on-warnings', '--output', 'human'],
    { quiet: true },
  );
  step('svelte-check', sc.code === 0, sc.output);
}

if (e2e && files.some((f) => f.includes('e2e'))) {
  console.log('\n# client build for the browser tests');
  const build = await run(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], { quiet: true });
  step('vite build', build.code === 0, build.output);
}

for (const file of files) {
  console.log(`\n# ${file}`);
  const started = Date.now();
  const { code, output } = await run(process.execPath, ['--import', 'tsx', file]);
  const text = output.replace(/\x1b\[[0-9;]*m/g, '');
  const total = /Total:\s+(\d+)/.exec(text);
  const passed = /Passed:\s+(\d+)/.exec(text);
  const skipped = /Skipped:\s+(\d+)/.exec(text);
  if (!total || !passed) {
    totals.failed += 1;
    failures.push(`${file} (crashed or printed no summary, exit ${code})`);
    continue;
  }
  const p = Number(passed[1]);
  const s = Number(skipped?.[1] ?? 0);
  const f = Number(total[1]) - p; // uvu's Total counts only the tests it ran, not skipped ones
  totals.passed += p;
  totals.skipped += s;
  totals.failed += f;
  if (f > 0 || code !== 0) {
    if (f === 0) totals.failed += 1;
    failures.push(file);
  }
  console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

if (failures.length) console.log(`\nFailed: ${failures.join(', ')}`);
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
