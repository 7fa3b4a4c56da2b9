import { useEffect, useMemo, useRef, useState } from "react";
import type {
  ActorAccessor,
  ActorConnection,
  ActorConnectionBase,
  ActorHandle,
  ActorKey,
  ActorNames,
  Client,
  ConnectionStatus,
  DefinitionOf,
  EventArgs,
  EventName,
  InputOf,
  ParamsOf,
} from "../client/index";

export interface UseActorOptions<K extends string, I = unknown, P = unknown> {
  /** The actor's name in the registry. */
  name: K;
  key?: ActorKey | undefined;
  /** Conn params for onAuth and the connection hooks, typed as those hooks annotate them. */
  params?: P;
  /** Input for createState / onCreate if this creates the actor. */
  createWithInput?: I;
}

export interface UseActorResult<D> {
  /** The live connection (actions and events), once the component mounted. */
  connection: ActorConnection<D> | undefined;
  /** Where the connection stands: connecting, open, reconnecting or disposed. */
  state: ConnectionStatus;
  /** The handle, for raw fetch / websocket and HTTP actions. */
  handle: ActorHandle<D>;
}

/** A connection, where it stands, and the handle it was opened from. */
interface Held<C> {
  handle: unknown;
  connection: C;
  state: ConnectionStatus;
}

/**
 * React hooks bound to a client: `const { useActor, useActorEvent } = createActorHooks(client)`.
 * A component that calls `useActor` holds one connection while it is mounted and disposes it
 * when it unmounts or when name, key or params change.
 */
export function createActorHooks<R>(client: Client<R>) {
  function useActor<K extends ActorNames<R>>(
    options: UseActorOptions<K, InputOf<DefinitionOf<R, K>>, ParamsOf<DefinitionOf<R, K>>>,
  ): UseActorResult<DefinitionOf<R, K>> {
    // Keys and params are compared by value, so a literal written inline does not reconnect on every render.
    const identity = JSON.stringify([options.name, options.key ?? null, options.params ?? null]);
    // biome-ignore lint/correctness/useExhaustiveDependencies: `identity` stands for name, key and params, compared by value
    const handle = useMemo(
      // The accessor of a name picked at run time: its input type is the one checked above.
      () => (client[options.name] as ActorAccessor).getOrCreate(options.key, { params: options.params, createWithInput: options.createWithInput }),
      [identity],
    ) as unknown as ActorHandle<DefinitionOf<R, K>>;
    // Kept with the handle it belongs to: the render after name, key or params change comes
    // before the effect that connects again, and must not hand out the old actor's connection.
    const [held, setHeld] = useState<Held<ActorConnection<DefinitionOf<R, K>>>>();

    useEffect(() => {
      const conn = handle.connect();
      setHeld({ handle, connection: conn, state: conn.status });
      const stop = conn.onStatusChange((state) => setHeld({ handle, connection: conn, state }));
      return () => {
        stop();
        void conn.dispose();
        setHeld(undefined);
      };
    }, [handle]);

    if (held?.handle !== handle) return { connection: undefined, state: "connecting", handle };
    return { connection: held.connection, state: held.state, handle };
  }

  /**
   * Calls `callback` for each `event` on the connection; the latest callback is used, no
   * resubscribing. Typed by the actor's declared events, as the connection's `on` is.
   */
  function useActorEvent<E, K extends EventName<E>>(
    connection: ActorConnectionBase<E> | undefined,
    event: K,
    callback: (...args: EventArgs<E, K>) => void,
  ): void {
    const latest = useRef(callback);
    latest.current = callback;
    useEffect(() => connection?.on(event, (...args: EventArgs<E, K>) => latest.current(...args)), [connection, event]);
  }

  return { useActor, useActorEvent };
}
