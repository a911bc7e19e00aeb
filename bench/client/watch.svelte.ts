// How a bot sees the client's state change, the way a component does: an effect that reads a
// piece of the runes state and runs again when it changes (after Svelte's microtask flush).
import { untrack } from 'svelte';

/** Calls `changed` with `read()` now and after every change of what it reads; returns a stop. */
export function watch<T>(read: () => T, changed: (value: T) => void): () => void {
  return $effect.root(() => {
    $effect(() => {
      const value = read();
      untrack(() => changed(value));
    });
  });
}
