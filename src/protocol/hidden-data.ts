/**
 * Objects whose data is not in their own fields, so that an encoding of fields (CBOR here, and
 * the state, which is stored as CBOR when it holds a class instance) would keep them as `{}` and
 * lose what they hold without a word: each with what to keep instead. Looked up by name on the
 * global object, as a runtime may lack some of them.
 */
const HIDDEN_DATA: readonly (readonly [name: string, keepInstead: string])[] = [
  ["Blob", "its bytes: new Uint8Array(await blob.arrayBuffer())"],
  ["File", "its bytes: new Uint8Array(await file.arrayBuffer())"],
  ["URL", "url.href"],
  ["URLSearchParams", "params.toString()"],
  ["Headers", "Object.fromEntries(headers)"],
  ["FormData", "Object.fromEntries(formData)"],
  ["Request", "what you need of it: its url, method and headers"],
  ["Response", "what you need of it: its status and body"],
  ["ReadableStream", "what it gives, read to the end"],
  ["WritableStream", "nothing: it is a live object"],
  ["TransformStream", "nothing: it is a live object"],
  ["WebSocket", "nothing: it is a live object"],
  ["AbortController", "nothing: it is a live object"],
  ["AbortSignal", "nothing: it is a live object"],
];

let known: (readonly [type: abstract new (...args: never[]) => object, what: string])[] | undefined;

/** What to say of a value whose data would be lost (`a Blob: keep its bytes: ...`), or undefined for any other. */
export function hiddenDataOf(value: object): string | undefined {
  known ??= HIDDEN_DATA.flatMap(([name, keepInstead]) => {
    const type = (globalThis as Record<string, unknown>)[name];
    return typeof type === "function"
      ? [[type as abstract new (...args: never[]) => object, `a ${name}, whose data is not in its fields (keep ${keepInstead})`] as const]
      : [];
  });
  // File extends Blob and comes after it: the last match names the most specific class listed.
  let found: string | undefined;
  for (const [type, what] of known) if (value instanceof type) found = what;
  return found;
}
