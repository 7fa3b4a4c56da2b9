import { afterEach } from "vitest";
import { describeActions } from "./protocol-compat/actions";
import { describeConnectSseAndMessage } from "./protocol-compat/connect-sse-message";
import { describeConnectWebSocket } from "./protocol-compat/connect-websocket";
import { closeOpenStreams, disposeOpenSockets, target } from "./protocol-compat/helpers";
import { describeQueriesAndHeaders } from "./protocol-compat/queries-headers";
import { describeResolve } from "./protocol-compat/resolve";
import { describeRoutes } from "./protocol-compat/routes";
import { useWranglerDev } from "./wrangler-dev";

// Wire-level compatibility with RivetKit's 2.0.x client (docs/protocol.md §1–§7), against
// the demo worker under ONE real `wrangler dev`. Nothing here uses actorflare's client: every
// request is built by hand with `fetch`, the `ws` package and cbor-x, byte for byte as
// docs/protocol.md describes RivetKit's client sending it.
//
// §8 (onAuth intents) is not observable with the demo: every demo actor has `onAuth: () => ({})`.
// §5.2 "an `undefined` output is simply absent": no demo action returns `undefined`, so it is
// not exercised here (test/workers covers it with its own registry).
//
// One section of docs/protocol.md per module in test/node/protocol-compat/, all registered here
// so they share the one server (each test file would start its own).

useWranglerDev((server) => (target.url = server.url));
afterEach(disposeOpenSockets);
afterEach(closeOpenStreams);

describeRoutes();
describeQueriesAndHeaders();
describeResolve();
describeActions();
describeConnectWebSocket();
describeConnectSseAndMessage();
