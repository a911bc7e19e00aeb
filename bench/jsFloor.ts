// The JavaScript floor of a phone page on our stack: bench/floor (Svelte 5 and socket.io-client
// with no app code) built as the client is built, gzipped. What the participant page adds to
// it is our code and strings.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Rollup } from 'vite';

export async function jsFloor(): Promise<{ raw: number; gzip9: number }> {
  const root = fileURLToPath(new URL('./floor', import.meta.url));
  const out = (await build({
    root,
    configFile: false,
    logLevel: 'silent',
    plugins: [svelte()],
    build: { write: false, target: 'es2022' },
  })) as Rollup.RollupOutput | Rollup.RollupOutput[];
  const chunks = (Array.isArray(out) ? out : [out]).flatMap((o) => o.output).filter((c): c is Rollup.OutputChunk => c.type === 'chunk');
  return chunks.reduce(
    (t, c) => ({ raw: t.raw + Buffer.byteLength(c.code), gzip9: t.gzip9 + gzipSync(c.code, { level: 9 }).length }),
    { raw: 0, gzip9: 0 },
  );
}
