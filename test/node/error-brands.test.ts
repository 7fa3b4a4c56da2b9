import { ActorError as RivetKitError, UserError as RivetKitUserError } from "rivetkit/errors";
import { describe, expect, it } from "vitest";
import { ActorError } from "../../src/client/errors";
import { ActorflareError, errorToBody, Forbidden, UserError } from "../../src/protocol/errors";

// A second copy of a module, as a library that bundles its own actorflare would bring: the query
// makes vitest load the file again, with classes of its own.
const secondCopy = <T>(path: string): Promise<T> => import(/* @vite-ignore */ `${path}?second-copy`);
const secondErrors = await secondCopy<typeof import("../../src/protocol/errors")>("../../src/protocol/errors");
const secondClient = await secondCopy<typeof import("../../src/client/errors")>("../../src/client/errors");

describe("errors of another copy of actorflare", () => {
  it("are ActorflareErrors, and reach the client with their code and metadata, not masked", () => {
    expect(secondErrors.ActorflareError).not.toBe(ActorflareError);
    const foreign = new secondErrors.UserError("The board is full.", { code: "board_full", metadata: { size: 9 } });
    expect(foreign instanceof ActorflareError).toBe(true);
    expect(errorToBody(foreign)).toEqual({ status: 400, body: { c: "board_full", m: "The board is full.", md: { size: 9 } } });
  });

  it("keep the ordinary check for the subclasses, and refuse what is not one", () => {
    expect(new Forbidden() instanceof UserError).toBe(false);
    expect(new UserError("x") instanceof UserError).toBe(true);
    expect(new Error("x") instanceof ActorflareError).toBe(false);
    expect((null as unknown) instanceof ActorflareError).toBe(false);
    expect(errorToBody(new Error("secret"))).toMatchObject({ status: 500, body: { c: "internal_error" } });
  });

  it("client errors of another copy are ActorErrors", () => {
    expect(secondClient.ActorError).not.toBe(ActorError);
    expect(new secondClient.ActorError("connection_lost", "lost") instanceof ActorError).toBe(true);
    expect(new Error("x") instanceof ActorError).toBe(false);
  });
});

describe("RivetKit's own errors thrown by ported actor code", () => {
  it("a UserError from rivetkit/errors reaches the client with its code and metadata", () => {
    const error = new RivetKitUserError("Not your turn.", { code: "not_your_turn", metadata: { turn: 2 } });
    expect(errorToBody(error)).toEqual({ status: 400, body: { c: "not_your_turn", m: "Not your turn.", md: { turn: 2 } } });
    expect(errorToBody(new RivetKitUserError("Plain."))).toEqual({ status: 400, body: { c: "user_error", m: "Plain." } });
  });

  it("one RivetKit keeps internal is masked, as any other error", () => {
    const internal = new RivetKitError("actor", "secret_failure", "database password is hunter2");
    expect(errorToBody(internal)).toEqual({ status: 500, body: { c: "internal_error", m: expect.any(String), md: {} } });
  });
});
