// Summaries and tables: the same rows go to stdout (aligned text) and to results.md (Markdown).

/**
 * Default goals (issues 6 and 13), reported next to the numbers (not asserted). A scenario may
 * override a limit (actions allow 1.15×, the cold path 1.25×).
 */
export const GOALS = {
  cpu: { label: "CPU/op", limit: 1.1, higherIsBetter: false },
  rate: { label: "throughput", limit: 0.9, higherIsBetter: true },
  p99: { label: "p99", limit: 1.15, higherIsBetter: false },
};

const fixed = (value, digits) => (Number.isFinite(value) ? value.toFixed(digits) : "–");
/** Median: one round disturbed by other work on the machine moves it little. */
export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Per-round ratios of a system against the baseline of the same round (absolute numbers drift
 * on a shared machine; within one round all systems saw the same conditions).
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
      p50: mine.p50 / base.p50,
      p99: mine.p99 / base.p99,
    };
  });
}

/** Median of the per-round ratios, with the spread, whether each goal is met and by how much it is missed. */
export function summarize(ratios, limits = {}) {
  const out = {};
  for (const [key, goal] of Object.entries(GOALS)) {
    const values = ratios.map((ratio) => ratio[key]);
    const value = median(values);
    const limit = limits[key] ?? goal.limit;
    const ok = goal.higherIsBetter ? value >= limit : value <= limit;
    out[key] = { value, min: Math.min(...values), max: Math.max(...values), limit, ok, miss: ok ? 0 : Math.abs(value - limit) };
  }
  out.p50 = { value: median(ratios.map((ratio) => ratio.p50)) };
  return out;
}

/** "1.22× ✗ (+0.12)": a ratio, its goal mark, and how far past the limit a miss is. */
export function goalCell(s, judged = true) {
  if (!judged) return `${fixed(s.value, 2)}×`;
  const miss = s.miss < 0.005 ? "<0.01" : fixed(s.miss, 2);
  return s.ok ? `${fixed(s.value, 2)}× ✓` : `${fixed(s.value, 2)}× ✗ (${s.value > s.limit ? "+" : "−"}${miss})`;
}

export function goalText(key, limit = GOALS[key].limit) {
  return `${GOALS[key].higherIsBetter ? "≥" : "≤"} ${limit.toFixed(2)}×`;
}

/** Rows of one scenario's table: every run in the order it ran, with its round's ratios. */
export function scenarioRows(runs, baseline) {
  return runs.map((run) => {
    const ratio = run.system === baseline ? undefined : ratiosByRound(runs, run.system, baseline).find((r) => r.round === run.round);
    const x = (key) => (ratio ? `${fixed(ratio[key], 2)}×` : "1.00×");
    return [
      String(run.round),
      run.system,
      String(run.ops),
      fixed(run.rate, 0),
      fixed(run.p50, 2),
      fixed(run.p99, 2),
      fixed(run.cpuPerOp, 3),
      x("cpu"),
      x("rate"),
      x("p99"),
      String(run.errors),
      fixed(run.others, 2),
    ];
  });
}

export const SCENARIO_HEADER = ["round", "system", "ops", "ops/s", "p50 ms", "p99 ms", "CPU ms/op", "CPU ×", "rate ×", "p99 ×", "errors", "others"];

/** One line per goal: "CPU/op 1.04× (1.01–1.07) goal ≤ 1.10× ✓", without the goal when not judged. */
export function summaryLine(summary, judged = true) {
  return Object.entries(GOALS)
    .map(([key, goal]) => {
      const s = summary[key];
      const range = `${goal.label} ${fixed(s.value, 2)}× (${fixed(s.min, 2)}–${fixed(s.max, 2)})`;
      return judged ? `${range} goal ${goalText(key, s.limit)} ${s.ok ? "✓" : "✗"}` : range;
    })
    .join(" · ");
}

export function textTable(header, rows) {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** Markdown table; the first `textColumns` columns are left-aligned, the numbers right-aligned. */
export function markdownTable(header, rows, textColumns = 2) {
  const align = header.map((_, i) => (i < textColumns ? "---" : "---:"));
  return [header, align, ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}
