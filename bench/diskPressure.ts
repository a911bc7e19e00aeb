// `--disk-pressure` (issue 13): another program writing to the server's disk as fast as it can
// while a phase runs — 4 KB appended and fsynced, again and again, in the data folder, as a
// busy database or a backup beside Verkstad would. Its own process, so its waits block neither
// the server nor the bench. Run as a program, this file is that writer.
import { fork } from 'node:child_process';
import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface DiskPressureResult {
  writes: number;
  perSecond: number;
}

export interface DiskPressure {
  stop(): Promise<DiskPressureResult>;
}

/** Starts the writer in `dir`; resolves once it writes. */
export function startDiskPressure(dir: string): Promise<DiskPressure> {
  const child = fork(fileURLToPath(import.meta.url), [dir], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`disk writer exited with ${code}`)));
    child.once('message', () => {
      child.removeAllListeners('exit');
      resolve({
        stop: () =>
          new Promise((done) => {
            child.once('message', (writes: number) => done({ writes, perSecond: writes / ((Date.now() - t0) / 1000) }));
            child.send('stop');
          }),
      });
    });
  });
}

/** The writer: appends 4 KB blocks with an fsync each, wrapping at 64 MB so the file stays bounded. */
function write(dir: string) {
  const path = join(dir, 'bench-disk-pressure');
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(4096, 1);
  const blocks = (64 * 2 ** 20) / block.length;
  let writes = 0;
  let running = true;
  const finish = () => {
    closeSync(fd);
    rmSync(path, { force: true });
  };
  process.on('message', () => (running = false));
  // The bench is gone: stop and clean up.
  process.on('disconnect', () => (running = false));
  process.send!('writing');
  const burst = () => {
    // A burst, then a turn of the event loop so 'stop' can arrive.
    for (let k = 0; k < 20 && running; k++) {
      writeSync(fd, block, 0, block.length, (writes % blocks) * block.length);
      fsyncSync(fd);
      writes++;
    }
    if (running) return setImmediate(burst);
    finish();
    if (process.connected) process.send!(writes, () => process.exit(0));
    else process.exit(0);
  };
  burst();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) write(process.argv[2]);
