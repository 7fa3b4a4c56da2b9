import { errors } from "../protocol/errors";

/**
 * The actor code running for requests (actions, onFetch, connection hooks, onWebSocket) and the
 * promises handed to `c.waitUntil`, counted so that a destroy can wait for them. Open, it lets
 * work in. Draining (a destroy began), it refuses new work with `actor_not_found` while the work
 * already running finishes. Closed (the actor is destroyed), the instance's saves are dropped:
 * whatever of it still runs writes nothing.
 */
export class WorkGate {
  #state: "open" | "draining" | "closed" = "open";
  #running = 0;
  #wake: (() => void) | undefined;
  readonly #name: string;

  constructor(name: string) {
    this.#name = name;
  }

  /** Counts one piece of work in; refused unless the gate is open. Pair it with `leave()`. */
  enter(): void {
    if (this.#state !== "open") throw errors.actorGone(this.#name);
    this.#running++;
  }

  /**
   * Counts in work that running work starts (`c.waitUntil`): let in while a destroy drains too,
   * since the destroy waits for what is already running; refused once the actor is destroyed.
   */
  extend(): void {
    if (this.#state === "closed") throw errors.actorGone(this.#name);
    this.#running++;
  }

  leave(): void {
    if (--this.#running === 0) this.#wake?.();
  }

  get open(): boolean {
    return this.#state === "open";
  }

  get closed(): boolean {
    return this.#state === "closed";
  }

  /** A destroy began: no new work. */
  drain(): void {
    this.#state = "draining";
  }

  /** The destroy could not go ahead: work is let in again. */
  reopen(): void {
    this.#state = "open";
  }

  /** The actor is destroyed. */
  close(): void {
    this.#state = "closed";
  }

  /**
   * Resolves true once no work runs, false if some still runs after `timeoutMs`. It resolves in
   * a later task, so what the last work does right after it leaves (an answer sent on its
   * connection) is done by then.
   */
  idle(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (idle: boolean) => {
        clearTimeout(timer);
        this.#wake = undefined;
        setTimeout(() => resolve(idle), 0);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      if (this.#running === 0) done(true);
      else this.#wake = () => done(true);
    });
  }
}
