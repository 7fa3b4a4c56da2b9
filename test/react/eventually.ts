import { act } from "react";

/** Lets React render (inside act) until `check` holds, failing after `ms` with what it waited for. */
export async function eventually(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await act(() => new Promise((resolve) => setTimeout(resolve, 25)));
  }
}

/**
 * Sends (inside act) until every listener has heard one of the messages sent. Each component
 * subscribes on its own connection, so a message sent on one can reach the actor before another
 * connection's subscription does (the runtime orders frames per socket, not across sockets).
 * Once each has heard one, its subscription is in place and every later message reaches it.
 */
export async function untilEveryoneHears(send: (attempt: number) => Promise<unknown>, heard: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 15_000;
  for (let attempt = 0; !heard(); attempt++) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await act(async () => {
      await send(attempt);
    });
    await eventually(heard, what, 1_000).catch(() => {});
  }
}
