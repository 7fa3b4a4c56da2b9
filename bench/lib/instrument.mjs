// An instrumented copy of a dry-run bundle, for the scenarios that count rather than time:
// storage writes per request and whether an object left memory (hibernated) and came back.
//
// A small entry module wraps the bundle: every Durable Object class is subclassed so that its
// constructor first counts the construction and patches the storage API's prototypes (once per
// isolate) to count writes, and the Worker answers `GET /__bench/stats` with the counters. All
// objects of a worker share one isolate under workerd, so one module-level counter sees them all.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * What is counted, the same way for every system (the storage API is the only way an object
 * writes):
 * - kv.put / kv.delete (synchronous KV API) and put / delete (async KV API): one row per key;
 * - deleteAll, setAlarm, deleteAlarm: one row each (an alarm set is billed as a write);
 * - sql.exec of anything but SELECT / PRAGMA: the cursor's own `rowsWritten`.
 * The async API's `transaction(txn => …)` hands out a separate object that is not counted; none
 * of the systems here uses it.
 */
const RUNTIME_CODE = /* js */ `
const stats = { constructed: 0, writeCalls: 0, rowsWritten: 0 };
let patched = false;

function count(rows) {
  stats.writeCalls++;
  stats.rowsWritten += rows;
}

function wrap(target, name, rowsOf) {
  const original = target?.[name];
  if (typeof original !== "function") return;
  target[name] = function (...args) {
    const result = original.apply(this, args);
    count(rowsOf(args, result));
    return result;
  };
}

const keysIn = ([keys]) => (typeof keys === "string" ? 1 : Array.isArray(keys) ? keys.length : Object.keys(keys ?? {}).length);
const one = () => 1;

function instrument(storage) {
  stats.constructed++;
  if (patched) return;
  patched = true;
  const kvApi = Object.getPrototypeOf(storage);
  wrap(kvApi, "put", keysIn);
  wrap(kvApi, "delete", keysIn);
  for (const name of ["deleteAll", "setAlarm", "deleteAlarm"]) wrap(kvApi, name, one);
  const syncKv = Object.getPrototypeOf(storage.kv);
  wrap(syncKv, "put", one);
  wrap(syncKv, "delete", one);
  const sql = Object.getPrototypeOf(storage.sql);
  const exec = sql.exec;
  sql.exec = function (query, ...bindings) {
    const cursor = exec.call(this, query, ...bindings);
    // A write statement runs to completion inside exec(), so its row count is known here.
    if (!/^\\s*(select|pragma)\\b/i.test(query)) count(cursor.rowsWritten);
    return cursor;
  };
}
`;

/**
 * Writes `instrumented.js` next to the bundle and returns its path. `classNames` are the
 * Durable Object classes the config binds (they must keep their names).
 */
export function writeInstrumentedEntry(scriptPath, classNames) {
  const classes = classNames
    .map((name) => `export class ${name} extends inner.${name} {\n  constructor(ctx, env) {\n    instrument(ctx.storage);\n    super(ctx, env);\n  }\n}`)
    .join("\n");
  const source = `import * as inner from "./worker.js";
${RUNTIME_CODE}
${classes}
export default {
  fetch(request, env, ctx) {
    if (new URL(request.url).pathname === "/__bench/stats") return Response.json(stats);
    return inner.default.fetch(request, env, ctx);
  },
};
`;
  const path = join(dirname(scriptPath), "instrumented.js");
  writeFileSync(path, source);
  return path;
}

/** The counters of a server started on an instrumented entry. */
export async function readStats(base) {
  const response = await fetch(new URL("/__bench/stats", base));
  if (!response.ok) throw new Error(`stats: HTTP ${response.status}`);
  return await response.json();
}
