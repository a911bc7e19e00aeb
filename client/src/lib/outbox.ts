// The outbox: commands not yet acknowledged by the server, in the order they were made.
// Each entry is its own storage key, so two tabs of the same phone never overwrite each other.
import type { Command } from '../../../shared/protocol.ts';
import { keysWith, readJson, removeKey, writeJson } from './storage.ts';

interface Entry {
  command: Command;
  /** Creation order; survives a reload. */
  at: number;
}

export class Outbox {
  #entries: Entry[] = [];
  #last = 0;

  constructor(
    private readonly prefix: string,
    private readonly storage: Storage | null,
  ) {
    this.#entries = keysWith(prefix, storage)
      .map((key) => readJson<Entry>(key, storage))
      .filter((e): e is Entry => !!e && typeof e.command?.id === 'string' && typeof e.at === 'number')
      .sort((a, b) => a.at - b.at);
    this.#last = this.#entries.at(-1)?.at ?? 0;
  }

  get commands(): Command[] {
    return this.#entries.map((e) => e.command);
  }

  has(id: string): boolean {
    return this.#entries.some((e) => e.command.id === id);
  }

  add(command: Command): void {
    const at = Math.max(Date.now(), this.#last + 1);
    this.#last = at;
    const entry = { command, at };
    this.#entries.push(entry);
    writeJson(this.prefix + command.id, entry, this.storage);
  }

  remove(id: string): boolean {
    const before = this.#entries.length;
    this.#entries = this.#entries.filter((e) => e.command.id !== id);
    removeKey(this.prefix + id, this.storage);
    return this.#entries.length !== before;
  }
}
