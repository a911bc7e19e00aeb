// What screen readers should hear without moving focus: one polite live region for the whole app
// (LiveRegion.svelte). Routine updates only — a new note, the timer, "saved" — never every keystroke.

/** How long a message stays in the region, so that it is not read again when someone browses past. */
const KEEP_MS = 8000;
/** Messages said within this window are read as one, so that a burst does not queue up. */
const GATHER_MS = 120;

class Announcer {
  /** The region's text. */
  text = $state('');
  #queue: string[] = [];
  #gather: ReturnType<typeof setTimeout> | undefined;
  #clear: ReturnType<typeof setTimeout> | undefined;

  say(message: string): void {
    if (!message) return;
    this.#queue.push(message);
    if (this.#gather) return;
    // Emptied first: the same words twice in a row are still a change the screen reader reads.
    this.text = '';
    this.#gather = setTimeout(() => {
      this.text = this.#queue.join(' ');
      this.#queue = [];
      this.#gather = undefined;
      clearTimeout(this.#clear);
      this.#clear = setTimeout(() => (this.text = ''), KEEP_MS);
    }, GATHER_MS);
  }
}

export const announcer = new Announcer();

/** Say a message politely (after whatever the screen reader is reading now). */
export function announce(message: string): void {
  announcer.say(message);
}
