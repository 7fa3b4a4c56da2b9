import { act } from "react";

/** Lets React render (inside act) until `check` holds, failing after `ms` with what it waited for. */
export async function eventually(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await act(() => new Promise((resolve) => setTimeout(resolve, 25)));
  }
}
