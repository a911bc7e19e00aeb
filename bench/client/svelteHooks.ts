// Module hooks (node:module register) that let Node run the web client's runes modules as the
// browser build does: a `*.svelte.ts` file has its TypeScript stripped by esbuild and is then
// compiled by Svelte's own `compileModule` (generate 'client', production), so $state and
// $derived become Svelte's client signals. Svelte and esm-env resolve with the `browser` and
// `production` conditions, as Vite resolves them for the phone's bundle; nothing else does
// (socket.io-client must keep its Node build, which has a WebSocket).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';
import { compileModule } from 'svelte/compiler';

interface Context {
  conditions: string[];
  [key: string]: unknown;
}
type Next<T> = (specifier: string, context: Context) => Promise<T>;

const BROWSER_BUILD = /^(svelte|esm-env)(\/|$)/;

export function resolve(specifier: string, context: Context, next: Next<unknown>) {
  if (!BROWSER_BUILD.test(specifier)) return next(specifier, context);
  return next(specifier, { ...context, conditions: ['browser', 'production', ...context.conditions] });
}

export async function load(url: string, context: Context, next: Next<unknown>) {
  if (!url.startsWith('file:') || !url.endsWith('.svelte.ts')) return next(url, context);
  const filename = fileURLToPath(url);
  const typescript = await readFile(filename, 'utf8');
  // Class fields stay fields (as with the project's ES2022 target): Svelte finds $state there.
  const stripped = await transform(typescript, {
    loader: 'ts',
    format: 'esm',
    target: 'es2022',
    sourcefile: filename,
    tsconfigRaw: { compilerOptions: { useDefineForClassFields: true, verbatimModuleSyntax: true } },
  });
  const compiled = compileModule(stripped.code, { generate: 'client', dev: false, filename });
  return { format: 'module', source: compiled.js.code, shortCircuit: true };
}
