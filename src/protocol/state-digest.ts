/**
 * A digest of a state as the inspector shows it (its `jsonView`), as 16 hex digits: enough to
 * tell whether the state changed between two looks at it, not to resist anyone forging one
 * (whoever sends it holds the inspector's token). Objects' keys are taken in sorted order, since
 * storage may give a state's fields back in another order than they were written. Synchronous,
 * so that a state replacement checks and writes with no await between them.
 */
export function stateDigest(view: unknown): string {
  return textDigest(JSON.stringify(view, sortedKeys) ?? "undefined");
}

function sortedKeys(_key: string, value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, record[key]]),
  );
}

function textDigest(text: string): string {
  // FNV-1a over the UTF-16 code units, in two lanes that start apart and mix each unit differently.
  let low = 0x811c9dc5;
  let high = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    low = Math.imul(low ^ unit, 0x01000193);
    high = Math.imul(high ^ (unit + i), 0x01000193) ^ (low >>> 15);
  }
  return (high >>> 0).toString(16).padStart(8, "0") + (low >>> 0).toString(16).padStart(8, "0");
}
