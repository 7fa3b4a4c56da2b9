import { largestSent, messageTooLong } from "./connection-faults";
import type { ActorError } from "./errors";

/** An action call of a connection, waiting for its answer. */
export interface PendingCall {
  name: string;
  /** The arguments as they go on the wire. */
  args: unknown[];
  /** Whether it went on the wire (over SSE: its POST started), so that it may have run. */
  sent: boolean;
  /** The size of its frame as sent, in bytes. */
  bytes: number;
  resolve: (output: unknown) => void;
  reject: (error: ActorError) => void;
  /** Its action timeout, armed once the call is in the list (so that it never outlives a call that failed to start). */
  timer?: ReturnType<typeof setTimeout> | undefined;
}

/** A connection's action calls waiting for their answers, by the id their answer carries back. */
export class PendingCalls {
  readonly #calls = new Map<number, PendingCall>();
  #nextId = 0;

  /** The id for the next call. */
  nextId(): number {
    return this.#nextId++;
  }

  add(id: number, call: PendingCall): void {
    this.#calls.set(id, call);
  }

  get(id: number): PendingCall | undefined {
    return this.#calls.get(id);
  }

  /** Forgets a call whose timeout fired. */
  delete(id: number): void {
    this.#calls.delete(id);
  }

  /** The calls not sent yet, in the order made. */
  *unsent(): Generator<[number, PendingCall]> {
    for (const entry of this.#calls) if (!entry[1].sent) yield entry;
  }

  /** Ends a call: its timeout stops and `settle` resolves or rejects it. An unknown id (timed out already) does nothing. */
  settle(id: number, settle: (call: PendingCall) => void): void {
    const call = this.#calls.get(id);
    if (!call) return;
    this.#calls.delete(id);
    clearTimeout(call.timer);
    settle(call);
  }

  /** After a close over a frame too large: the largest call sent fails, certainly not run (connection-faults.ts). */
  failLargest(): void {
    const largest = largestSent(this.#calls);
    if (largest !== undefined) this.settle(largest, (call) => call.reject(messageTooLong(call.name, call.bytes)));
  }

  /** Fails the calls already sent (or, when `all`, every waiting call too). */
  fail(error: () => ActorError, all: boolean): void {
    for (const [id, call] of this.#calls) {
      if (all || call.sent) this.settle(id, (c) => c.reject(error()));
    }
  }
}
