// results.svg: CPU per operation of each system as a multiple of the hand-written object's, per
// scenario (horizontal bars: the median over rounds, with a whisker from the lowest to the
// highest round). Plain SVG written by hand, no packages.

const COLORS = { actorflare: "#f38020", partyserver: "#4f6bed", baseline: "#9aa0a6" };
const esc = (text) => String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * `groups`: [{ label, bars: [{ system, value, min, max }] }]; `goal`: the CPU/op limit, drawn
 * as a dashed line next to the baseline's 1.00.
 */
export function cpuRatioChart(groups, { title, goal }) {
  const labelWidth = 300;
  const plotWidth = 440;
  const barHeight = 12;
  const groupGap = 12;
  const top = 56;
  const systems = [...new Set(groups.flatMap((group) => group.bars.map((bar) => bar.system)))];
  const groupHeight = systems.length * (barHeight + 2) + groupGap;
  const height = top + groups.length * groupHeight + 40;
  const width = labelWidth + plotWidth + 70;
  const highest = Math.max(goal, 1, ...groups.flatMap((group) => group.bars.map((bar) => (Number.isFinite(bar.max) ? bar.max : bar.value))));
  const scaleMax = Math.ceil(highest * 4) / 4; // the next 0.25
  const x = (ratio) => labelWidth + (Math.max(0, ratio) / scaleMax) * plotWidth;

  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="12" y="22" font-size="15" font-weight="600">${esc(title)}</text>`,
  ];
  // Legend.
  let legendX = 12;
  for (const system of systems) {
    out.push(`<rect x="${legendX}" y="34" width="10" height="10" fill="${COLORS[system] ?? "#666"}"/>`);
    out.push(`<text x="${legendX + 14}" y="43">${esc(system)}</text>`);
    legendX += 24 + system.length * 7;
  }
  out.push(`<text x="${legendX + 10}" y="43" fill="#555">whisker: lowest–highest round · dashed: goal ${goal.toFixed(2)}×</text>`);
  // Grid and axis labels every 0.25.
  const bottom = top + groups.length * groupHeight;
  for (let tick = 0; tick <= scaleMax + 1e-9; tick += 0.25) {
    const tx = x(tick);
    out.push(`<line x1="${tx}" y1="${top - 4}" x2="${tx}" y2="${bottom}" stroke="${tick === 1 ? "#333" : "#e3e3e3"}" stroke-width="${tick === 1 ? 1.5 : 1}"/>`);
    out.push(`<text x="${tx}" y="${bottom + 16}" text-anchor="middle" fill="#555">${tick.toFixed(2)}×</text>`);
  }
  out.push(`<line x1="${x(goal)}" y1="${top - 4}" x2="${x(goal)}" y2="${bottom}" stroke="#c00" stroke-dasharray="4 3"/>`);
  out.push(
    `<text x="${labelWidth + plotWidth / 2}" y="${bottom + 34}" text-anchor="middle" fill="#333">CPU per operation ÷ the hand-written Durable Object's (same round)</text>`,
  );

  groups.forEach((group, g) => {
    const y0 = top + g * groupHeight;
    out.push(`<text x="${labelWidth - 8}" y="${y0 + (systems.length * (barHeight + 2)) / 2 + 4}" text-anchor="end">${esc(group.label)}</text>`);
    systems.forEach((system, s) => {
      const bar = group.bars.find((candidate) => candidate.system === system);
      const y = y0 + s * (barHeight + 2);
      if (!bar || !Number.isFinite(bar.value)) {
        out.push(`<text x="${labelWidth + 4}" y="${y + barHeight - 2}" fill="#888">n/a</text>`);
        return;
      }
      out.push(`<rect x="${labelWidth}" y="${y}" width="${x(bar.value) - labelWidth}" height="${barHeight}" fill="${COLORS[system] ?? "#666"}"/>`);
      if (Number.isFinite(bar.min) && Number.isFinite(bar.max)) {
        const mid = y + barHeight / 2;
        out.push(`<line x1="${x(bar.min)}" y1="${mid}" x2="${x(bar.max)}" y2="${mid}" stroke="#222"/>`);
        out.push(`<line x1="${x(bar.min)}" y1="${mid - 3}" x2="${x(bar.min)}" y2="${mid + 3}" stroke="#222"/>`);
        out.push(`<line x1="${x(bar.max)}" y1="${mid - 3}" x2="${x(bar.max)}" y2="${mid + 3}" stroke="#222"/>`);
      }
      out.push(
        `<text x="${Math.max(x(bar.value), Number.isFinite(bar.max) ? x(bar.max) : 0) + 4}" y="${y + barHeight - 2}" fill="#222">${bar.value.toFixed(2)}×</text>`,
      );
    });
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
