/**
 * The layers of src/, in the direction a request travels: client → worker → durable-object →
 * actor, with protocol shared by all and server shared by the Worker and the object. A folder
 * may import only the folders after it here, so no two folders import each other.
 * `npm run lint` (part of `npm test`) checks it; docs/architecture.md explains it.
 */
const layers = {
  registry: ["inspector", "worker", "durable-object", "client", "actor", "server", "protocol"],
  inspector: ["worker", "actor", "server", "protocol"],
  testing: ["registry", "worker", "server", "client", "actor", "protocol"],
  db: ["actor", "protocol"],
  react: ["client", "protocol"],
  worker: ["client", "durable-object", "actor", "server", "protocol"],
  "durable-object": ["actor", "server", "protocol"],
  actor: ["protocol"],
  server: ["protocol"],
  client: ["protocol"],
  protocol: [],
};

const folders = Object.keys(layers);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...folders.map((folder) => ({
      name: `layers-${folder}`,
      comment: `src/${folder}/ may import only ${layers[folder].length ? layers[folder].map((f) => `src/${f}/`).join(", ") : "nothing of ours"} besides itself.`,
      severity: "error",
      from: { path: `^src/${folder}/` },
      to: { path: `^src/(?!(${[folder, ...layers[folder]].join("|")})/)[^/]+/` },
    })),
    {
      name: "protocol-runs-anywhere",
      comment: "src/protocol/ is shared with browsers and Node: no Workers-only modules.",
      severity: "error",
      from: { path: "^src/protocol/" },
      to: { path: "^cloudflare:" },
    },
    {
      name: "client-runs-anywhere",
      comment: "src/client/ ships to browsers and Node: no Workers-only modules.",
      severity: "error",
      from: { path: "^src/client/" },
      to: { path: "^cloudflare:" },
    },
    {
      name: "no-circular",
      comment: "Modules import each other's code in one direction only (type-only imports may go both ways: they are erased).",
      severity: "error",
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    // Modules the runtime provides (cloudflare:workers) are not files: keep them as they are named.
    externalModuleResolutionStrategy: "node_modules",
    builtInModules: { add: ["cloudflare:workers", "cloudflare:test"] },
  },
};
