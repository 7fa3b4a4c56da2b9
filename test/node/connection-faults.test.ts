import { describe, expect, it } from "vitest";
import { actorGone, droppedCallError, refused, refusedAtOpen, refusedMessage } from "../../src/client/connection-faults";
import { ActorError } from "../../src/client/errors";

// How a connection reads the codes that end its attempts and sockets (src/client/connection-faults.ts).

const neverOpened = { open: false, everOpened: false, actorKnown: false };
const reconnecting = { open: false, everOpened: true, actorKnown: true };

describe("a drop, read from the close", () => {
  it("a close over a refused frame is reported; a plain drop or a start fault is not", () => {
    expect(refusedMessage({ code: 1011, reason: "message_too_long" })).toBe("message_too_long");
    expect(refusedMessage({ code: 1011, reason: "malformed_message" })).toBe("malformed_message");
    expect(refusedMessage({ code: 1006, reason: "" })).toBeUndefined();
    expect(refusedMessage({ code: 1011, reason: "actor_start_failed" })).toBeUndefined();
    expect(refusedMessage(undefined)).toBeUndefined();
  });

  it("a call in flight may have run after a drop, but not when the actor could not start", () => {
    expect(droppedCallError(undefined)).toMatchObject({ code: "connection_lost", message: expect.stringContaining("may or may not have run") });
    expect(droppedCallError({ code: 1011, reason: "message_too_long" }).message).toContain("dropped (message_too_long)");
    for (const reason of ["actor_start_failed", "migration_failed"]) {
      expect(droppedCallError({ code: 1011, reason })).toMatchObject({ code: reason, message: expect.stringContaining("did not run") });
    }
  });
});

describe("a refusal, read against where the connection stands", () => {
  it("ends a connection that never opened, but a busy platform or a fault of an actor that served before is retried", () => {
    expect(refused("forbidden", neverOpened)).toBe(true);
    expect(refused("internal_error", neverOpened)).toBe(true);
    expect(refused("internal_error", reconnecting)).toBe(false);
    expect(refused("actor_overloaded", neverOpened)).toBe(false);
    expect(refused("forbidden", { ...reconnecting, open: true })).toBe(false);
  });

  it("a failure to open that the network made is retried, whether the connection closed unanswered or nothing answered", () => {
    for (const code of ["connection_failed", "connection_lost"]) expect(refusedAtOpen(new ActorError(code, "network"), neverOpened)).toBe(false);
    expect(refusedAtOpen(new ActorError("websocket_unavailable", "none"), reconnecting)).toBe(true);
    expect(refusedAtOpen(new ActorError("forbidden", "no"), neverOpened)).toBe(true);
  });

  it("an actor not found is gone only once the connection knew it", () => {
    expect(actorGone("actor_not_found", neverOpened)).toBe(false);
    expect(actorGone("actor_not_found", reconnecting)).toBe(true);
    expect(actorGone("actor_destroyed", neverOpened)).toBe(true);
  });
});
