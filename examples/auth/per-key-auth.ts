import { actor, Forbidden, Unauthorized } from "actorflare";

/** A stand-in for your session check: the user id a request's token belongs to. */
declare function userOf(token: string | undefined): Promise<string | undefined>;

/** A notebook per user, keyed ["user", uid]: only that user may reach it, by key or by id. */
export const notebook = actor({
  state: { notes: [] as string[] },
  onAuth: async ({ intents, actor }, params: { token?: string } | null | undefined) => {
    const uid = await userOf(params?.token);
    if (!uid) throw new Unauthorized("Sign in first.");
    // By key, the rule is checked here: creating and destroying happen before any hook of the actor runs.
    if (actor.key && actor.key[1] !== uid) throw new Forbidden("This notebook is another user's.");
    // By id there is no key here, and a destroy runs no hook before it begins: destroys name the key.
    if (actor.id && intents.has("destroy")) throw new Forbidden("Destroy a notebook by its key.");
    // A listing would show every notebook's key and id.
    if (intents.has("list")) throw new Forbidden("Notebooks are not listed.");
    // `get` alone by id is a lookup (RivetKit's GET /registry/actors?actor_ids=), answered with the key from storage: no hook runs.
    if (actor.id && intents.size === 1) throw new Forbidden("Look a notebook up by its key.");
    // An object for every caller let in: `auth` is then undefined only in your own server's calls.
    return { uid };
  },
  // By id, the actor checks: it knows its key whatever the request named.
  onBeforeConnect: (c, { auth }) => {
    if (auth !== undefined && c.key[1] !== auth.uid) throw new Forbidden("This notebook is another user's.");
  },
  actions: {
    add: (c, note: string) => {
      c.state.notes.push(note);
      return c.state.notes.length;
    },
  },
});
