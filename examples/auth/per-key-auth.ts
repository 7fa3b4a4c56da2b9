import { actor, Forbidden, Unauthorized } from "actorflare";

/** A stand-in for your session check: the user id a request's token belongs to. */
declare function userOf(token: string | undefined): Promise<string | undefined>;

/** A notebook per user, keyed ["user", uid]: only that user may reach it, by key or by id. */
export const notebook = actor({
  state: { notes: [] as string[] },
  // Who is asking: the same for every actor, so it holds whatever the request named.
  onAuth: async (_options, params: { token?: string } | undefined) => {
    const uid = await userOf(params?.token);
    if (!uid) throw new Unauthorized("Sign in first.");
    return { uid };
  },
  // Whose actor this is: the actor knows its key even when the request named only its id.
  onBeforeConnect: (c, { auth }) => {
    if (auth && c.key[1] !== auth.uid) throw new Forbidden("This notebook is another user's.");
  },
  actions: {
    add: (c, note: string) => {
      c.state.notes.push(note);
      return c.state.notes.length;
    },
  },
});
