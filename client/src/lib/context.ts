// Components get the workshop state from Svelte context, never a socket.
import { createContext } from 'svelte';
import type { WorkshopState } from './workshop.svelte.ts';

export const [getWorkshop, setWorkshop] = createContext<WorkshopState>();
