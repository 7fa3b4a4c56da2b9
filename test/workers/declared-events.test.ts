import { describe, expect, it } from "vitest";
import type { ActorError } from "../../src/client/index";
import { rejection, testClient, TRANSPORTS_AND_ENCODINGS, uniqueKey } from "./helpers";

// `actor({ events })` (test/workers/event-actors.ts), through the real client and runtime. On a
// connection an action's answer comes after the events it sent, so what an awaited action
// broadcast has reached the listeners by then.

describe.each(TRANSPORTS_AND_ENCODINGS)("declared events over %s (%s)", (transport, encoding) => {
  it("arrive as declared: one payload, a tuple as several arguments, a schema's output", async () => {
    const conn = testClient(encoding, transport).herald.getOrCreate(uniqueKey()).connect();
    const seen: unknown[] = [];
    conn.on("note", (note) => seen.push(note.text));
    conn.on("point", (x, y) => seen.push(x + y));
    conn.on("shout", (text) => seen.push(text));
    conn.on("score", (score) => seen.push(score));

    await conn.broadcast("note", { text: "hello" });
    await conn.broadcast("point", 2, 3);
    await conn.broadcast("shout", "quiet");
    await conn.sendToMe("score", 7);
    expect(seen).toEqual(["hello", 5, "QUIET", 7]);
    await conn.dispose();
  });

  it("a payload its schema refuses fails the sending action with invalid_event_payload, and nothing is sent", async () => {
    const conn = testClient(encoding, transport).herald.getOrCreate(uniqueKey()).connect();
    const scores: unknown[] = [];
    conn.on("score", (score) => scores.push(score));

    const refused = await rejection(conn.broadcast("score", 1.5));
    expect(refused.code).toBe("invalid_event_payload");
    expect(refused.message).toContain("Event 'score' was not sent");
    expect(refused.metadata).toEqual({ event: "score", issues: [expect.any(String)] });
    expect((await rejection(conn.sendToMe("shout", 42))).code).toBe("invalid_event_payload");

    await conn.broadcast("score", 2);
    expect(scores).toEqual([2]);
    await conn.dispose();
  });

  it("canSubscribe decides who listens: a refused subscription is reported as forbidden and the connection stays", async () => {
    const key = uniqueKey();
    const client = testClient(encoding, transport);
    const admin = client.herald.getOrCreate(key, { params: { role: "admin" } }).connect();
    const guest = client.herald.getOrCreate(key, { params: { role: "guest" } }).connect();
    const heard = { admin: [] as string[], guest: [] as string[] };
    const refusals: ActorError[] = [];
    guest.onError((error) => refusals.push(error));
    for (const event of ["secret", "slowSecret"] as const) {
      admin.on(event, (text) => heard.admin.push(text));
      guest.on(event, (text) => heard.guest.push(text));
    }
    // A hook that throws refuses with what it threw.
    guest.on("guarded", () => {});

    expect(await admin.subscriptions()).toEqual(["secret", "slowSecret"]);
    expect(await guest.subscriptions()).toEqual([]);
    expect(refusals.map((error) => [error.code, (error.metadata as { event?: string } | undefined)?.event]).sort()).toEqual([
      ["forbidden", "secret"],
      ["forbidden", "slowSecret"],
      ["no_listeners", undefined],
    ]);
    expect(refusals.find((error) => error.code === "forbidden")?.message).toContain("canSubscribe");

    await admin.broadcast("secret", "for admins");
    await admin.broadcast("slowSecret", "also for admins");
    await guest.broadcast("note", { text: "guest still connected" });
    expect(heard).toEqual({ admin: ["for admins", "also for admins"], guest: [] });
    expect(guest.status).toBe("open");
    await Promise.all([admin.dispose(), guest.dispose()]);
  });
});

describe("canSubscribe that does not answer", () => {
  it("refuses the subscription with action_timed_out after options.actionTimeout, and the connection's later calls then run", async () => {
    const conn = testClient().herald.getOrCreate(uniqueKey()).connect();
    const refusals: ActorError[] = [];
    conn.onError((error) => refusals.push(error));
    await conn.subscriptions();
    conn.on("hanging", () => {});
    // Sent after the subscription, so it waits for the check: it answers once the check is given up.
    expect(await conn.subscriptions()).toEqual([]);
    expect(refusals.map((error) => [error.code, error.metadata])).toEqual([["action_timed_out", { event: "hanging" }]]);
    expect(refusals[0]!.message).toContain("options.actionTimeout");
    await conn.dispose();
  });
});

describe("an event<T>() as a schema (RivetKit's form)", () => {
  it("types the payload and checks nothing", async () => {
    const conn = testClient().herald.getOrCreate(uniqueKey()).connect();
    const seen: unknown[] = [];
    conn.on("typedOnly", (payload) => seen.push(payload.n.toFixed()));
    await conn.broadcast("typedOnly", { n: 4 });
    expect(seen).toEqual(["4"]);
    // Sent as it is: nothing checked it (the listener then throws, which the client reports).
    expect(await conn.broadcast("typedOnly", "not checked")).toBe("typedOnly");
    await conn.dispose();
  });
});

describe("undeclared events", () => {
  it("undeclared events can still be sent; a client typed by the registry listens only to declared ones", async () => {
    const conn = testClient().herald.getOrCreate(uniqueKey()).connect();
    const other: unknown[] = [];
    // @ts-expect-error: 'other' is not among herald's declared events
    conn.on("other", (value: unknown) => other.push(value));
    await conn.broadcast("other", 1, 2);
    expect(other).toEqual([1]);
    await conn.dispose();
  });
});
