// `any` (allowed in this file by biome.json): matching any action signature.

/** The definition registered under `K` in registry `R` (anything when the client is untyped). */
export type DefinitionOf<R, K extends string> = R extends { readonly actors: infer A } ? (K extends keyof A ? A[K] : never) : any;

type AnyActions = Record<string, (c: any, ...args: any[]) => any>;

/** The actions of a definition, as written in `actor({ actions })`; any name on an untyped client. */
export type ActionsOf<D> = 0 extends 1 & D ? AnyActions : D extends { readonly "~actions"?: infer A } ? NonNullable<A> : AnyActions;

/**
 * The input an actor's createState / onCreate take: what `createWithInput` and `input` accept.
 * Anything for an actor that declares none (or an untyped client).
 */
export type InputOf<D> = 0 extends 1 & D ? unknown : D extends { readonly "~input"?: [infer I] } ? ([I] extends [undefined] ? unknown : I) : unknown;

/**
 * The conn params an actor's hooks annotate (`onAuth`, `onBeforeConnect`, `createConnState`):
 * what the client's `params` option accepts. Anything when none is annotated (or untyped).
 */
export type ParamsOf<D> = 0 extends 1 & D ? unknown : D extends { readonly "~params"?: [infer P] } ? (0 extends 1 & P ? unknown : P) : unknown;

/** Each action as the client calls it: without the context, returning a promise. */
export type ActorActions<D> = {
  readonly [K in keyof ActionsOf<D> & string]: ActionsOf<D>[K] extends (c: any, ...args: infer P) => infer R ? (...args: P) => Promise<Awaited<R>> : never;
};

/**
 * The payload type of each event an actor declares (`actor({ events })`); `undefined` when it
 * declares none (or the client is untyped), so that any event name may be listened to.
 */
export type EventsOf<D> = 0 extends 1 & D ? undefined : D extends { readonly "~events"?: [infer E] } ? ([keyof E] extends [never] ? undefined : E) : undefined;

/** The names a connection listens to: the declared events, or any name when none are declared. */
export type EventName<E> = E extends undefined ? string : keyof E & string;

/**
 * An event listener's arguments: one, the payload; several when the declared payload is a tuple
 * (`event<[x: number, y: number]>()`, sent as `c.broadcast(name, x, y)`), as in RivetKit.
 */
export type EventArgs<E, K> = E extends undefined
  ? unknown[]
  : K extends keyof E
    ? E[K] extends readonly unknown[]
      ? number extends E[K]["length"]
        ? [E[K]]
        : E[K]
      : [E[K]]
    : unknown[];
