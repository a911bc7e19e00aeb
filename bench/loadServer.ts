// The server under load, in its own process: ours (`node --import tsx server/index.ts`, the real
// entry, DATA_DIR in a temp folder) or the bare Socket.IO baseline (bench/bareServer.ts). Its
// own process, so the bots never share its event loop and /proc/<pid> gives its RSS and CPU
// time alone.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const READY = /(?:Verkstad is running on|bare Socket\.IO on) (http:\/\/\S+)/;
// Preloaded into the server: if the bench dies without cleaning up, its server follows.
const ORPHAN_GUARD =
  "data:text/javascript,const p=process.ppid;setInterval(()=>{if(process.ppid!==p)process.kill(process.pid,'SIGKILL')},250).unref();";
// Also preloaded (with --expose-gc): the server's event-loop delay is recorded, and SIGUSR2
// answers with a line on stdout holding the delay since the last signal (p99 and max, ms),
// then runs a full garbage collection and adds process.memoryUsage(), so RSS can be read
// without the garbage a burst of joins leaves behind. A loop that is late while the CPU is
// idle is waiting on something synchronous: here, SQLite's fsync. Every 5 s it also writes
// that window's delay (`bench: loop window`), so a phase can be held to a limit throughout,
// not only on the whole.
const GC_ON_SIGNAL =
  'data:text/javascript,' +
  "import{monitorEventLoopDelay as m}from'node:perf_hooks';const h=m({resolution:5});h.enable();" +
  "const w=m({resolution:5});w.enable();setInterval(()=>{process.stdout.write('bench: loop window '+" +
  "JSON.stringify({at:Date.now(),p99:w.percentile(99)/1e6,max:w.max/1e6})+'\\n');w.reset()},5000).unref();" +
  "process.on('SIGUSR2',()=>{const loop={loopP99:h.percentile(99)/1e6,loopMax:h.max/1e6};globalThis.gc();globalThis.gc();" +
  "process.stdout.write('bench: gc done '+JSON.stringify({...process.memoryUsage(),...loop})+'\\n');h.reset()});";

export type ServerKind = 'verkstad' | 'bare';

let ticksPerSecond = 100;
try {
  ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  // no getconf: Linux's USER_HZ is 100 nearly everywhere
}

/** Resident memory of a process in KB (VmRSS in /proc/<pid>/status). */
export function rssKb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  return line ? Number(line[1]) : NaN;
}

/** CPU time (user + system) a process has used, in seconds (/proc/<pid>/stat). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command name: state is field 3, utime 14 and stime 15 (1-based, man proc).
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return 0;
  }
}

export interface ServerProcess {
  kind: ServerKind;
  url: string;
  pid: number;
  dataDir: string | null;
  rssKb(): number;
  /** RSS right after a full garbage collection in the server (SIGUSR2, see GC_ON_SIGNAL). */
  rssAfterGcKb(): Promise<number>;
  /** process.memoryUsage() of the server right after the last such collection, in KB. */
  lastGcMemory: Record<string, number>;
  /** The server's event-loop delay between the last two collections (ms). */
  lastLoop: { p99: number; max: number };
  /** The worst p99 of the 5 s windows that lie wholly between two times (ms epoch); NaN if none. */
  worstLoopWindow(from: number, to: number): number;
  cpuSeconds(): number;
  /** SIGTERM (graceful: a CPU profile gets written), SIGKILL after 15 s. */
  stop(): Promise<void>;
  output(): string;
}

export interface StartOptions {
  /** Data folder to use (e.g. one seeded beforehand); default a fresh temp folder. */
  dataDir?: string;
  /** Write a V8 CPU profile (`--cpu-prof`) into this folder when the server stops. */
  profileDir?: string;
  /** More environment, e.g. DATABASE_URL and TRUST_PROXY for servers behind HAProxy (bench/cluster.ts). */
  env?: Record<string, string>;
}

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'verkstad-bench-'));
}

export async function startServer(kind: ServerKind, options: StartOptions = {}): Promise<ServerProcess> {
  const ownDir = kind === 'verkstad' && !options.dataDir;
  const dataDir = kind === 'verkstad' ? (options.dataDir ?? tempDataDir()) : null;
  const profile = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [];
  if (options.profileDir) mkdirSync(options.profileDir, { recursive: true });
  const entry = kind === 'verkstad' ? 'server/index.ts' : 'bench/bareServer.ts';
  const preload = ['--import', ORPHAN_GUARD, '--expose-gc', '--import', GC_ON_SIGNAL];
  const child = spawn(process.execPath, [...preload, ...profile, '--import', 'tsx', entry], {
    cwd: ROOT,
    env: { ...process.env, ...options.env, PORT: '0', HOST: '127.0.0.1', ...(dataDir && { DATA_DIR: dataDir }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const windows: Array<{ at: number; p99: number }> = [];
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) if (line.startsWith('bench: loop window ')) windows.push(JSON.parse(line.slice(19)));
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not start in 30 s:\n${output}`)), 30_000);
    const look = () => {
      const m = output.match(READY);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off('data', look);
      resolve(m[1]);
    };
    child.stdout!.on('data', look);
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code}:\n${output}`)));
  });
  const pid = child.pid!;
  const proc: ServerProcess = {
    kind,
    url,
    pid,
    dataDir,
    rssKb: () => rssKb(pid),
    lastGcMemory: {},
    lastLoop: { p99: NaN, max: NaN },
    worstLoopWindow(from, to) {
      const inside = windows.filter((w) => w.at - 5000 >= from && w.at <= to);
      return inside.length ? Math.max(...inside.map((w) => w.p99)) : NaN;
    },
    async rssAfterGcKb() {
      const done = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 10_000);
        const look = (chunk: Buffer) => {
          const m = chunk.toString().match(/bench: gc done (\{.*\})/);
          if (!m) return;
          clearTimeout(timer);
          child.stdout!.off('data', look);
          const { loopP99, loopMax, ...usage } = JSON.parse(m[1]) as Record<string, number>;
          proc.lastGcMemory = Object.fromEntries(Object.entries(usage).map(([k, v]) => [k, Math.round(v / 1024)]));
          proc.lastLoop = { p99: loopP99, max: loopMax };
          resolve();
        };
        child.stdout!.on('data', look);
      });
      child.kill('SIGUSR2');
      await done;
      await new Promise((r) => setTimeout(r, 200));
      return rssKb(pid);
    },
    cpuSeconds: () => cpuSeconds(pid),
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        });
      }
      children.delete(child);
      if (ownDir && dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return proc;
}
