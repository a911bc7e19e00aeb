// Preloaded into a bot worker (`--import tsx --import ./bench/client/register.ts`): from here on
// `import … from '…/workshop.svelte.ts'` runs the web client's runes class itself (svelteHooks.ts).
import { register } from 'node:module';

register('./svelteHooks.ts', import.meta.url);
