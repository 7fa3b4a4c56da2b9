import { fileURLToPath } from "node:url";
import { defineConfig, type UserConfig } from "tsdown";

const shared: UserConfig = {
  format: "esm",
  platform: "neutral",
  target: "es2022",
  // `npm run build` empties dist/ first; the two builds below write into it side by side.
  clean: false,
  hash: false,
  deps: { neverBundle: [/^cloudflare:/] },
  // Shared code goes to chunks/, so that no chunk takes an entry's name.
  // JSDoc belongs in the .d.ts files (where editors read it); in the JavaScript it would only
  // be bundled into every Worker that uses actorflare (about 6 KiB gzip of comments).
  outputOptions: { chunkFileNames: "chunks/[name].js", comments: { jsdoc: false } },
  report: false,
};

/** The client's Node fallback to `ws`, swapped out of everything but the Node build. */
const browserWebSocket: UserConfig["plugins"] = [
  {
    name: "actorflare:browser-websocket",
    resolveId(source, importer) {
      if (source === "./node-websocket" && importer?.endsWith("/src/client/websocket.ts")) {
        return fileURLToPath(new URL("./src/client/browser-websocket.ts", import.meta.url));
      }
      return null;
    },
  },
];

export default defineConfig([
  {
    ...shared,
    // Workers, browsers and types: one build, so that `.` and `./client` share the client's
    // code (one ActorError class, whichever entry threw it).
    entry: {
      index: "src/index.ts",
      client: "src/client/index.ts",
      react: "src/react/index.ts",
      testing: "src/testing/index.ts",
      "db/drizzle": "src/db/drizzle.ts",
    },
    // Members marked @internal (constructors that take the client's driver, the actor's
    // bookkeeping) stay out of the published types.
    dts: { compilerOptions: { stripInternal: true } },
    plugins: browserWebSocket,
  },
  {
    ...shared,
    // Node: the same client, with `ws` where Node has no global WebSocket.
    entry: { client: "src/client/index.ts" },
    outDir: "dist/node",
    dts: false,
  },
]);
