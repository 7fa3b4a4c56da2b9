// Summaries and tables: the same rows go to stdout (aligned text) and to results.md (Markdown).

/** Goals from issue 6, reported next to the numbers (not asserted). */
export const GOALS = {
  cpu: { label: "CPU/op", limit: 1.1, ok: (ratio) => ratio <= 1.1, text: "≤ 1.10×" },
  rate: { label: "throughput", limit: 0.9, ok: (ratio) => ratio >= 0.9, text: "≥ 0.90×" },
  p99: { label: "p99", limit: 1.15, ok: (ratio) => ratio <= 1.15, text: "≤ 1.15×" },
};

const fixed = (value, digits) => (Number.isFinite(value) ? value.toFixed(digits) : "–");
/** Median: one round disturbed by other work on the machine moves it little. */
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Per-round ratios of a system against the baseline of the same round (absolute numbers drift
 * on a shared machine; within one round both systems saw the same conditions).
 */
export function ratiosByRound(runs, system, baseline) {
  const rounds = [...new Set(runs.map((run) => run.round))];
  return rounds.map((round) => {
    const mine = runs.find((run) => run.round === round && run.system === system);
    const base = runs.find((run) => run.round === round && run.system === baseline);
    return {
      round,
      cpu: mine.cpuPerOp / base.cpuPerOp,
      rate: mine.rate / base.rate,
      p99: mine.p99 / base.p99,
    };
  });
}

/** Median of the per-round ratios, with the spread, and whether each goal is met. */
export function summarize(ratios) {
  const out = {};
  for (const key of Object.keys(GOALS)) {
    const values = ratios.map((ratio) => ratio[key]);
    const value = median(values);
    out[key] = { value, min: Math.min(...values), max: Math.max(...values), ok: GOALS[key].ok(value) };
  }
  return out;
}

/** Rows of one scenario's table: every run in the order it ran, with its round's ratios. */
export function scenarioRows(runs, system, baseline) {
  const ratios = ratiosByRound(runs, system, baseline);
  return runs.map((run) => {
    const ratio = run.system === system ? ratios.find((r) => r.round === run.round) : undefined;
    return [
      String(run.round),
      run.system,
      String(run.ops),
      fixed(run.rate, 0),
      fixed(run.p50, 2),
      fixed(run.p99, 2),
      fixed(run.cpuPerOp, 3),
      ratio ? `${fixed(ratio.cpu, 2)}×` : "1.00×",
      ratio ? `${fixed(ratio.rate, 2)}×` : "1.00×",
      ratio ? `${fixed(ratio.p99, 2)}×` : "1.00×",
      String(run.errors),
      fixed(run.others, 2),
    ];
  });
}

export const SCENARIO_HEADER = ["round", "system", "ops", "ops/s", "p50 ms", "p99 ms", "CPU ms/op", "CPU ×", "rate ×", "p99 ×", "errors", "others"];

/** One line per goal: "CPU/op 1.04× (1.01–1.07) goal ≤ 1.10× ✓". */
export function summaryLine(summary) {
  return Object.entries(GOALS)
    .map(([key, goal]) => {
      const s = summary[key];
      return `${goal.label} ${fixed(s.value, 2)}× (${fixed(s.min, 2)}–${fixed(s.max, 2)}) goal ${goal.text} ${s.ok ? "✓" : "✗"}`;
    })
    .join(" · ");
}

export function textTable(header, rows) {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export function markdownTable(header, rows) {
  const align = header.map((_, i) => (i < 2 ? "---" : "---:"));
  return [header, align, ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}
