import { ActorflareError, Unauthorized } from "./errors";

/** The inspector's errors (docs/protocol.md §13). */
export const inspectorErrors = {
  invalidToken(minLength: number) {
    return new ActorflareError(
      "invalid_inspector_token",
      `setup({ inspector: { token } }) needs a token of at least ${minLength} characters, from a Worker secret (\`wrangler secret put INSPECTOR_TOKEN\`), e.g. token: env.INSPECTOR_TOKEN. Leave \`inspector\` out to keep the inspector off.`,
      { status: 500 },
    );
  },
  unauthorized() {
    return new Unauthorized("The inspector needs its token: send `Authorization: Bearer <token>`, or sign in on the inspector page (which sets a cookie).");
  },
  crossOrigin(from: string) {
    return new ActorflareError(
      "cross_origin_refused",
      `The inspector's cookie works only on requests from the inspector's own page, and this one came from another origin (${from.slice(0, 120)}). Nothing was run. Use the inspector page itself, or send \`Authorization: Bearer <token>\` from a tool.`,
      { status: 403 },
    );
  },
  needsJson(contentType: string | null) {
    return new ActorflareError(
      "invalid_request",
      `The inspector takes JSON bodies only: send \`Content-Type: application/json\` (this request had ${contentType === null ? "none" : `\`${contentType.slice(0, 80)}\``}). Nothing was changed.`,
      { status: 415 },
    );
  },
  stateNotObject(kind: string) {
    return new ActorflareError(
      "invalid_request",
      `The actor's state is an object, and the new state is ${kind}: replace it with a JSON object (edit a copy of the current state). Nothing was changed.`,
    );
  },
  stateChanged(expected: string, actual: string) {
    return new ActorflareError(
      "state_changed",
      `The actor's state changed since the copy this edit started from (digest ${actual.slice(0, 32)}, not ${expected.slice(0, 32)}). Nothing was changed: copy the current state again, redo the edit and replace it, or leave out ifStateDigest to overwrite whatever is there.`,
      { status: 409 },
    );
  },
  jobNotFound(id: string) {
    return new ActorflareError("job_not_found", `No scheduled job has id '${id.slice(0, 80)}'; it may have run or been cancelled already.`, { status: 404 });
  },
} as const;
