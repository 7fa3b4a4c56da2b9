import { describe, expect, it } from "vitest";
import { byKey, errorBody, INSPECTOR_API, inspector, testClient, uniqueKey } from "./helpers";

// One RPC call between the Worker and a Durable Object carries at most 32 MiB. What the object
// sends back past that is refused by the runtime after the object was reached and did its work:
// the error says so (value_not_serializable), never that the actor could not be reached.
describe("a value over the runtime's 32 MiB for one RPC call", () => {
  // Writing and reading 33 MiB takes seconds; on a loaded 2-core machine it took 28 s.
  it("an inspector snapshot of a 33 MiB state is value_not_serializable, naming the limit; the actor is untouched", { timeout: 90_000 }, async () => {
    const key = uniqueKey();
    const handle = testClient().bigState.getOrCreate(key);
    const fingerprint = await handle.fill(33);
    const response = await inspector("GET", `${INSPECTOR_API}/actor?${byKey("bigState", key)}`);
    expect(response.status).toBe(500);
    expect(await errorBody(response)).toMatchObject({ c: "value_not_serializable", m: expect.stringContaining("over the 32 MiB") });
    expect(await handle.fingerprint()).toEqual(fingerprint);
  });
});
