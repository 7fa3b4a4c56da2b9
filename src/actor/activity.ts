import type { ActivityEntry } from "../protocol/inspector";

/** How many entries the ring keeps: enough to see what just happened, small enough to never matter. */
export const ACTIVITY_CAPACITY = 100;

/**
 * The actor's recent actions and events, in memory only: it starts empty on every wake and
 * drops the oldest entry once full, so it costs no storage and a bounded amount of memory.
 */
export class ActivityLog {
  readonly #entries: ActivityEntry[] = [];
  readonly #recorded: () => void;
  #next = 0;

  /** `recorded` runs after each entry (the inspector's live view follows). */
  constructor(recorded: () => void) {
    this.#recorded = recorded;
  }

  record(entry: ActivityEntry): void {
    if (this.#entries.length < ACTIVITY_CAPACITY) this.#entries.push(entry);
    else this.#entries[this.#next] = entry;
    this.#next = (this.#next + 1) % ACTIVITY_CAPACITY;
    this.#recorded();
  }

  /** The entries, newest first. */
  recent(): ActivityEntry[] {
    const oldestFirst = this.#entries.length < ACTIVITY_CAPACITY ? this.#entries : [...this.#entries.slice(this.#next), ...this.#entries.slice(0, this.#next)];
    return oldestFirst.slice().reverse();
  }
}
