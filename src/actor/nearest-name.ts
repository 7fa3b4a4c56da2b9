/** The longest name that gets a hint. */
const MAX_HINTED_NAME = 64;

/**
 * The known name closest to a misspelt one, for "did you mean" hints (config errors, unknown actions). Case is
 * ignored, and swapping two neighbouring letters counts as one edit (optimal string alignment).
 */
export function nearestName(name: string, known: readonly string[]): string | undefined {
  // A name this long is no typo of a known one, and the edit distance costs length² per candidate:
  // names from requests (actions, actors) can be that long, so they get no hint.
  if (name.length > MAX_HINTED_NAME) return undefined;
  // Past a third of the name's length, a "suggestion" is more likely another option than the one meant.
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  // rows[i][j]: the edits that turn a's first i characters into b's first j.
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) distance = Math.min(distance, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = distance;
    }
  }
  return rows[a.length]![b.length]!;
}
