import { ActorflareError } from "../protocol/errors";

/** What is stored about an actor besides its state. Its presence means the actor exists. */
export interface ActorMeta {
  name: string;
  key: string[];
  createdAt: number;
}

const META_KEY = "actorflare:meta";
const STATE_KEY = "actorflare:state";
const CONNECTION_PREFIX = "actorflare:conn:";

/**
 * The actor's slice of Durable Object storage, through the synchronous KV API of SQLite-backed
 * objects: a write is buffered at once, and the output gate holds every response until it is
 * durable, so a response the client sees implies the state it reflects is stored.
 */
export class ActorStorage {
  readonly #storage: DurableObjectStorage;

  constructor(storage: DurableObjectStorage) {
    this.#storage = storage;
  }

  readMeta(): ActorMeta | undefined {
    return this.#storage.kv.get<ActorMeta>(META_KEY);
  }

  readState<S>(): S {
    return this.#storage.kv.get<S>(STATE_KEY) as S;
  }

  /** Meta and first state in one transaction: an actor exists with its state or not at all. */
  writeCreated(meta: ActorMeta, state: unknown): void {
    this.#storage.transactionSync(() => {
      this.#put(STATE_KEY, state);
      this.#storage.kv.put(META_KEY, meta);
    });
  }

  writeState(state: unknown): void {
    this.#put(STATE_KEY, state);
  }

  /** A connection record too large for its socket's attachment. */
  readConnection<T>(id: string): T | undefined {
    return this.#storage.kv.get<T>(CONNECTION_PREFIX + id);
  }

  writeConnection(id: string, record: unknown): void {
    this.#storage.kv.put(CONNECTION_PREFIX + id, record);
  }

  deleteConnection(id: string): void {
    this.#storage.kv.delete(CONNECTION_PREFIX + id);
  }

  /** Resolves once every buffered write is durable. */
  sync(): Promise<void> {
    return this.#storage.sync();
  }

  #put(key: string, value: unknown): void {
    try {
      this.#storage.kv.put(key, value);
    } catch (error) {
      throw new ActorflareError(
        "state_not_serializable",
        `The actor's state could not be stored (${error instanceof Error ? error.message : String(error)}). ` +
          "State may hold plain data only (objects, arrays, strings, numbers, booleans, null, Date, Map, Set, typed arrays), not functions or class instances with methods.",
        { status: 500, cause: error },
      );
    }
  }
}
