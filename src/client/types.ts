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
