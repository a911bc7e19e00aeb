// The real server in its own Node process (`node --import tsx server/index.ts`), so a test can
// SIGKILL it mid-write like a crash or a pulled plug of the process, and start it again on the
// same data folder and the same port — socket.io-client's reconnection then finds it again.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const READY = /Verkstad is running on (http:\/\/\S+)/;
// Preloaded into the server process: if the test process dies without cleaning up (say the
// runner SIGKILLed it), its server follows within a quarter second instead of lingering.
const ORPHAN_GUARD =
  "data:text/javascript,const p=process.ppid;setInterval(()=>{if(process.ppid!==p)process.kill(process.pid,'SIGKILL')},250).unref();";

export interface ChildServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** Is a server process running now? */
  readonly running: boolean;
  /** How many times a process was started (1 after `startChildServer`). */
  readonly starts: number;
  /** SIGKILL the process (no shutdown code runs) and wait until it is gone. */
  kill(): Promise<void>;
  /** Start a new process on the same data folder and port; resolves once /api/health answers. */
  restart(): Promise<void>;
  /** Stop (SIGTERM, then SIGKILL if it lingers) and remove the data folder unless `keepData`. */
  stop(options?: { keepData?: boolean }): Promise<void>;
  /** The last lines the server processes printed (stdout and stderr), for failure reports. */
  output(): string;
  /** Lines the server printed to stderr, e.g. "command failed …" on an internal error. */
  readonly errors: string[];
}

export interface ChildServerOptions {
  /** Default: a fresh temp folder, removed by `stop()`. */
  dataDir?: string;
  /** Default: 0 for the first start (the OS picks), then the port it got. */
  port?: number;
  /** How long one start may take until /api/health answers. */
  startTimeoutMs?: number;
  env?: Record<string, string>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// A test that crashes must not leave servers behind.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function healthy(url: string, until: number): Promise<void> {
  let last = 'no answer';
  while (Date.now() < until) {
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(1000) });
      const body = await res.text();
      if (res.ok && (JSON.parse(body) as { ok?: boolean }).ok) return;
      last = `${res.status} ${body.slice(0, 200)}`;
    } catch (err) {
      last = `${(err as Error).message}${(err as Error).cause ? ` (${(err as { cause: Error }).cause.message})` : ''}`;
    }
    await sleep(25);
  }
  throw new Error(`${url}/api/health did not answer in time; last: ${last}`);
}

export async function startChildServer(options: ChildServerOptions = {}): Promise<ChildServer> {
  const ownDir = !options.dataDir;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'verkstad-child-'));
  const startTimeoutMs = options.startTimeoutMs ?? 20_000;
  let port = options.port ?? 0;
  let url = '';
  let child: ChildProcess | null = null;
  let starts = 0;
  const lines: string[] = [];
  const errors: string[] = [];
  const remember = (line: string, stderr: boolean) => {
    lines.push(line);
    if (lines.length > 200) lines.shift();
    if (stderr && line.trim()) errors.push(line);
  };

  function spawnOnce(): Promise<void> {
    const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
    for (const key of ['PUBLIC_URL', 'RETENTION_DAYS', 'TRUST_PROXY']) if (!options.env?.[key]) delete env[key];
    Object.assign(env, { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir });
    const proc = spawn(process.execPath, ['--import', ORPHAN_GUARD, '--import', 'tsx', 'server/index.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    starts++;
    live.add(proc);
    proc.once('exit', () => live.delete(proc));
    child = proc;
    const tag = `[server ${starts}]`;
    const startBy = Date.now() + startTimeoutMs;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (err?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      };
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        settle(new Error(`${tag} did not start within ${startTimeoutMs} ms\n${lines.slice(-20).join('\n')}`));
      }, startTimeoutMs + 2000);
      const reader = (stderr: boolean) => {
        let buffered = '';
        return (chunk: Buffer) => {
          buffered += chunk.toString();
          let nl;
          while ((nl = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, nl);
            buffered = buffered.slice(nl + 1);
            remember(`${tag} ${line}`, stderr);
            const ready = !stderr && READY.exec(line);
            if (ready) {
              url = ready[1];
              port = Number(new URL(url).port);
              healthy(url, startBy).then(
                () => settle(),
                (err: Error) => {
                  proc.kill('SIGKILL');
                  settle(new Error(`${tag} ${err.message}\n${lines.slice(-20).join('\n')}`));
                },
              );
            }
          }
        };
      };
      proc.stdout!.on('data', reader(false));
      proc.stderr!.on('data', reader(true));
      proc.once('exit', (code, signal) =>
        settle(new Error(`${tag} exited before it was ready (${signal ?? code})\n${lines.slice(-20).join('\n')}`)),
      );
    });
  }

  async function start(): Promise<void> {
    // The port was just freed by a killed process; if something else grabbed it, say so.
    for (let attempt = 1; ; attempt++) {
      try {
        return await spawnOnce();
      } catch (err) {
        const inUse = /EADDRINUSE/.test(lines.slice(-20).join('\n'));
        if (!inUse || attempt >= 5) throw err;
        await sleep(200 * attempt);
      }
    }
  }

  async function kill(signal: NodeJS.Signals = 'SIGKILL') {
    const proc = child;
    if (!proc) return;
    proc.kill(signal);
    await exited(proc);
    child = null;
  }

  await start();
  return {
    get url() {
      return url;
    },
    get port() {
      return port;
    },
    dataDir,
    get running() {
      return child !== null;
    },
    get starts() {
      return starts;
    },
    errors,
    kill: () => kill('SIGKILL'),
    async restart() {
      if (child) await kill('SIGKILL');
      await start();
    },
    async stop({ keepData = false } = {}) {
      const proc = child;
      if (proc) {
        proc.kill('SIGTERM');
        const gone = await Promise.race([exited(proc).then(() => true), sleep(5000).then(() => false)]);
        if (!gone) await kill('SIGKILL');
        child = null;
      }
      if (ownDir && !keepData) rmSync(dataDir, { recursive: true, force: true });
    },
    output: () => lines.join('\n'),
  };
}
