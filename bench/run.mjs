// `npm run bench`: actorflare against a hand-written Durable Object doing the same work.
//
// Each system's dry-run bundle is served by its own programmatic Miniflare (one workerd each,
// nothing in front), loaded from this process over loopback, and judged mainly by its workerd
// tree's CPU time per completed operation (read from /proc). Within each scenario the systems
// alternate in short slices (A B, then B A, ...) and every ratio compares against the baseline
// of the same round; the summary is the median over rounds.
//
// Knobs (environment): BENCH_ROUNDS (default 8), BENCH_SECONDS per measured slice (default 2),
// BENCH_WARMUP_SECONDS (default 1), BENCH_ONLY=comma-separated scenario ids.
import { writeFileSync } from "node:fs";
import { dryRunBundle } from "./lib/bundle.mjs";
import { closedLoop, httpClient, openEchoSocket, percentile } from "./lib/load.mjs";
import { cpuMs, descendantPids, driverCpuMs, machineBusyMs } from "./lib/proc-cpu.mjs";
import {
  markdownTable,
  ratiosByRound,
  SCENARIO_HEADER,
  scenarioRows,
  summarize,
  summaryLine,
  textTable,
} from "./lib/report.mjs";
import { readWorkerConfig, startServer } from "./lib/serve.mjs";

process.env.WRANGLER_SEND_METRICS = "false";
process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const MEASURE_MS = Number(process.env.BENCH_SECONDS ?? 2) * 1000;
const WARMUP_MS = Number(process.env.BENCH_WARMUP_SECONDS ?? 1) * 1000;
const SETTLE_MS = 250;
const HTTP_CONCURRENCY = 16;
const ECHO_BODY = Buffer.alloc(1024, "x");
const HELLO_BODY = JSON.stringify({ message: "Hello from actor!" });

/** How each system is addressed for the same piece of work. */
const SYSTEMS = {
  actorflare: {
    config: "wrangler.toml",
    outdir: "bench/.tmp/actorflare",
    hello: (base) => ({ url: `${base}/registry/actors/myActor/raw/http/api/hello`, headers: actorQueryHeader("myActor") }),
    echo: (base) => ({ url: `${base}/registry/actors/myActor/raw/http/api/echo`, headers: actorQueryHeader("myActor") }),
    socket: (base) => ({
      url: `ws://${new URL(base).host}/registry/actors/raw/websocket/`,
      // A browser cannot set headers on a WebSocket, so the query travels as a subprotocol.
      protocols: [
        "query." + encodeURIComponent(JSON.stringify({ getOrCreateForKey: { name: "websocketActor", key: ["bench"] } })),
        "encoding.json",
        "rivetkit",
      ],
    }),
  },
  baseline: {
    config: "bench/baseline/wrangler.toml",
    outdir: "bench/.tmp/baseline",
    hello: (base) => ({ url: `${base}/http/bench/hello`, headers: {} }),
    echo: (base) => ({ url: `${base}/http/bench/echo`, headers: {} }),
    socket: (base) => ({ url: `ws://${new URL(base).host}/ws/bench`, protocols: [] }),
  },
};

function actorQueryHeader(name) {
  return { "X-RivetKit-Actor-Query": JSON.stringify({ getOrCreateForKey: { name, key: ["bench"] } }) };
}

/**
 * Each scenario turns a served system into one async operation per concurrent worker; the
 * operation checks its answer, so a system that fails fast cannot look fast.
 */
const SCENARIOS = [
  {
    id: "http-hello",
    title: `HTTP GET hello (small JSON, state saved per request), ${HTTP_CONCURRENCY} concurrent`,
    async prepare(system, base) {
      const client = httpClient(HTTP_CONCURRENCY);
      const { url, headers } = system.hello(base);
      const op = async () => {
        const body = await client.request(url, { headers });
        if (body.toString() !== HELLO_BODY) throw new Error(`unexpected body: ${body.toString().slice(0, 100)}`);
      };
      return { ops: Array(HTTP_CONCURRENCY).fill(op), close: client.close };
    },
  },
  {
    id: "http-echo",
    title: `HTTP POST echo 1 KiB, ${HTTP_CONCURRENCY} concurrent`,
    async prepare(system, base) {
      const client = httpClient(HTTP_CONCURRENCY);
      const { url, headers } = system.echo(base);
      const requestHeaders = { ...headers, "Content-Type": "application/octet-stream", "Content-Length": ECHO_BODY.length };
      const op = async () => {
        const body = await client.request(url, { method: "POST", headers: requestHeaders, body: ECHO_BODY });
        if (!body.equals(ECHO_BODY)) throw new Error(`echo mismatch (${body.length} bytes)`);
      };
      return { ops: Array(HTTP_CONCURRENCY).fill(op), close: client.close };
    },
  },
  wsScenario(1),
  wsScenario(50),
];

/** WebSocket echo: `connections` sockets on one actor, each in its own send–receive ping-pong. */
function wsScenario(connections) {
  return {
    id: `ws-${connections}`,
    title: `WebSocket echo, ${connections} connection${connections === 1 ? "" : "s"} (counter saved per message)`,
    async prepare(system, base) {
      const { url, protocols } = system.socket(base);
      const sockets = await Promise.all(Array.from({ length: connections }, () => openEchoSocket(url, protocols)));
      for (const socket of sockets) {
        if (!socket.welcome.includes('"welcome"')) throw new Error(`expected a welcome, got: ${socket.welcome}`);
      }
      const ops = sockets.map((socket, index) => {
        let seq = 0;
        return () => socket.roundTrip(`ping ${index} ${seq++}`);
      });
      return { ops, close: () => Promise.all(sockets.map((socket) => socket.close())) };
    },
  };
}

const running = new Set(); // servers up now, so an interrupt can stop them

/**
 * One scenario: both systems served side by side by two Miniflare instances (two workerd
 * trees, so each system's CPU is read from its own pids), each warmed up once, then measured
 * in short alternating slices: A B, B A, A B, ... Other work on a shared machine comes and
 * goes within seconds; slices this short put both systems under the same weather, and each
 * ratio compares slices that ran back to back.
 */
async function runScenario(scenario, bundles) {
  const sides = {};
  const runs = [];
  try {
    for (const name of Object.keys(SYSTEMS)) {
      const server = await startServer(bundles[name].worker, bundles[name].scriptPath);
      running.add(server);
      sides[name] = { server };
      sides[name].clients = await scenario.prepare(SYSTEMS[name], server.url.origin);
      await closedLoop(sides[name].clients.ops, WARMUP_MS); // creates the actor, JIT-warms both sides
    }
    for (let round = 1; round <= ROUNDS; round++) {
      const order = round % 2 === 1 ? ["actorflare", "baseline"] : ["baseline", "actorflare"];
      for (const name of order) {
        const run = { round, system: name, ...(await measureSlice(sides[name])) };
        console.log(`  round ${round} ${name.padEnd(10)} ${run.rate.toFixed(0).padStart(6)} ops/s  ${run.cpuPerOp.toFixed(3)} CPU ms/op`);
        runs.push(run);
      }
    }
  } finally {
    for (const { server, clients } of Object.values(sides)) {
      await Promise.resolve(clients?.close()).catch(() => {}); // a stuck client must not keep workerd alive
      await server.stop();
      running.delete(server);
    }
  }
  return runs;
}

/** One measured slice: a short unmeasured lead-in, then load between two CPU readings. */
async function measureSlice({ server, clients }) {
  await closedLoop(clients.ops, SETTLE_MS); // the other system's slice just ended; let this one get going
  // Everything busy on the machine besides the driver and the workerd trees is other people's
  // work; it is reported per slice so a disturbed round can be told apart.
  const ours = () => driverCpuMs() + cpuMs(descendantPids());
  const [cpuBefore, oursBefore, busyBefore] = [cpuMs(server.pids), ours(), machineBusyMs()];
  const load = await closedLoop(clients.ops, MEASURE_MS);
  const cpu = cpuMs(server.pids) - cpuBefore;
  const others = Math.max(0, machineBusyMs() - busyBefore - (ours() - oursBefore)) / load.elapsedMs;
  if (load.firstError) console.warn(`  ${load.errors} errors, first: ${load.firstError.message}`);
  const ops = load.latencies.length;
  return {
    ops,
    errors: load.errors,
    rate: (ops * 1000) / load.elapsedMs,
    p50: percentile(load.latencies, 50),
    p99: percentile(load.latencies, 99),
    cpuPerOp: cpu / ops,
    others,
  };
}

async function main() {
  const started = performance.now();
  const only = process.env.BENCH_ONLY?.split(",");
  const scenarios = SCENARIOS.filter((scenario) => !only || only.includes(scenario.id));

  console.log("Bundling with wrangler deploy --dry-run ...");
  const bundles = {};
  for (const [name, system] of Object.entries(SYSTEMS)) {
    bundles[name] = { ...dryRunBundle(system.config, system.outdir), worker: await readWorkerConfig(system.config) };
  }

  const results = [];
  for (const scenario of scenarios) {
    console.log(`\n== ${scenario.title}`);
    const runs = await runScenario(scenario, bundles);
    const summary = summarize(ratiosByRound(runs, "actorflare", "baseline"));
    results.push({ scenario, runs, summary });
  }

  const totalSeconds = (performance.now() - started) / 1000;
  const output = render(results, bundles, totalSeconds);
  console.log("\n" + output.text);
  writeFileSync("bench/results.md", output.markdown);
  console.log(`\nWrote bench/results.md. Total ${totalSeconds.toFixed(0)} s.`);

  const leftovers = descendantPids();
  if (leftovers.length > 0) console.warn(`warning: processes still running under the driver: ${leftovers.join(", ")}`);
}

function render(results, bundles, totalSeconds) {
  const kib = (bytes) => (bytes / 1024).toFixed(1);
  const bundleRows = Object.entries(bundles).map(([name, b]) => [name, kib(b.rawBytes), kib(b.gzipBytes)]);
  const bundleHeader = ["system", "raw KiB", "gzip KiB"];
  const added = bundles.actorflare.gzipBytes - bundles.baseline.gzipBytes;
  const bundleNote = `actorflare's demo bundle is ${kib(added)} KiB gzip larger than the hand-written one (goal from issue 6: the framework adds ≤ 30 KiB gzip) ${added <= 30 * 1024 ? "✓" : "✗"}`;

  const text = [];
  const md = [
    "# Benchmark: actorflare vs a hand-written Durable Object",
    "",
    `Run ${new Date().toISOString()} · Node ${process.version} · ${ROUNDS} rounds · ${MEASURE_MS / 1000} s measured per slice after ${WARMUP_MS / 1000} s warm-up per system and scenario · total ${totalSeconds.toFixed(0)} s`,
    "",
    "## How measured",
    "",
    "`npm run bench` bundles both workers with `wrangler deploy --dry-run` and serves each bundle with its own programmatic Miniflare " +
      "(one workerd per system, no `wrangler dev` proxy in front; Durable Object storage in memory, fresh per scenario). The driver (this Node process) " +
      "loads them over loopback with closed loops: HTTP through keep-alive sockets (`node:http`), WebSockets through `ws` (no permessage-deflate); every answer is checked. " +
      "Each system is warmed up once per scenario (which also creates the actor); then the systems take turns in short slices, A B then B A, " +
      `${ROUNDS} rounds of ${MEASURE_MS / 1000} s each (after a ${SETTLE_MS} ms unmeasured lead-in), so both see the same background load on this shared machine. ` +
      "CPU is utime+stime of the measured system's workerd process tree from `/proc/<pid>/stat`, read just before and after its slice, divided by the operations completed in it " +
      "(a closed loop leaves nothing in flight at either reading). Every ratio is actorflare ÷ baseline of the same round; the summary is the median over rounds, with the range. " +
      "`others` is the CPU (in cores) that processes other than the driver and the workerd trees used during the slice: rounds with a high value were disturbed. " +
      "The baseline (`bench/baseline/worker.ts`) does the demo actors' work by hand: a kv.put of the counter per HTTP request, and per WebSocket message a kv.put plus " +
      "`storage.sync()`, as actorflare's `saveState()` does. Both systems also pay for Miniflare's own entry worker on every request, which production does not have, " +
      "so the CPU ratios here understate the framework's share somewhat.",
    "",
    "Goals (issue 6): CPU/op ≤ 1.10×, throughput ≥ 0.90×, p99 ≤ 1.15× the hand-written object's.",
    "",
    "## Summary",
    "",
  ];
  const summaryHeader = ["scenario", "CPU/op ×", "throughput ×", "p99 ×"];
  const cell = (s, key) => `${s[key].value.toFixed(2)}× ${s[key].ok ? "✓" : "✗"}`;
  md.push(markdownTable(summaryHeader, results.map(({ scenario, summary }) => [scenario.title, cell(summary, "cpu"), cell(summary, "rate"), cell(summary, "p99")])));
  md.push("");

  for (const { scenario, runs, summary } of results) {
    const rows = scenarioRows(runs, "actorflare", "baseline");
    text.push(`${scenario.title}\n${textTable(SCENARIO_HEADER, rows)}\nactorflare vs baseline: ${summaryLine(summary)}\n`);
    md.push(`## ${scenario.title}`, "", markdownTable(SCENARIO_HEADER, rows), "", `actorflare vs baseline: ${summaryLine(summary)}`, "");
  }
  text.push(`Bundle size (wrangler deploy --dry-run, gzip level 9 via node:zlib)\n${textTable(bundleHeader, bundleRows)}\n${bundleNote}`);
  md.push("## Bundle size", "", "`wrangler deploy --dry-run` output, gzip level 9 via `node:zlib`.", "", markdownTable(bundleHeader, bundleRows), "", bundleNote, "");
  return { text: text.join("\n"), markdown: md.join("\n") };
}

// An interrupted run still stops its workerd.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    await Promise.allSettled([...running].map((server) => server.stop()));
    process.exit(130);
  });
}

main().catch(async (error) => {
  console.error(error);
  await Promise.allSettled([...running].map((server) => server.stop()));
  process.exit(1);
});
