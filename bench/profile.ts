// After a profiled load run (`--profile`): where the server's CPU time went, as the top
// functions by self time of the V8 CPU profiles the server wrote when it stopped.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROFILES = fileURLToPath(new URL('../.tmp/profiles', import.meta.url));

/** After a profiled run: the functions that used the most of the server's CPU (self time). */
export function profileSummary(label: string): string[] {
  let dirs: string[];
  try {
    dirs = readdirSync(PROFILES).filter((d) => d.startsWith(`${label}-`)).sort();
  } catch {
    return [];
  }
  const lines: string[] = [];
  for (const dir of dirs.slice(-2)) {
    for (const file of readdirSync(join(PROFILES, dir)).filter((f) => f.endsWith('.cpuprofile'))) {
      const profile = JSON.parse(readFileSync(join(PROFILES, dir, file), 'utf8')) as CpuProfile;
      lines.push(`CPU profile ${join('.tmp/profiles', dir, file)}: top self time`);
      for (const row of topSelf(profile, 15)) lines.push(`  ${row}`);
    }
  }
  return lines;
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
}

function topSelf(profile: CpuProfile, count: number): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, k) => {
    const dt = profile.timeDeltas[k] ?? 0;
    total += dt;
    const f = byId.get(id)!.callFrame;
    const where = f.url ? `${f.url.replace(/^file:\/\/.*?\/node_modules\//, '').replace(/^file:\/\/.*?\/(server|shared)\//, '$1/')}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, us]) => `${((us / total) * 100).toFixed(1).padStart(5)} %  ${key}`);
}
