/**
 * Objects that an encoding of fields (CBOR here, and the state, stored as CBOR when it holds a
 * class instance) would keep as `{}`, losing what they hold without a word: objects that hold no
 * data (a Promise, often a missing `await`; weak collections) and platform objects whose data is
 * not in their own fields (a Blob, a URL, a stream). Each is named with what to keep instead.
 * Looked up by name on the global object (a dotted name inside a namespace), as a runtime may
 * lack some of them.
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
  ["SharedArrayBuffer", "a copy of its bytes: new Uint8Array(buffer).slice()"],
  ["WebAssembly.Memory", "a copy of its bytes: new Uint8Array(memory.buffer).slice()"],
  ["CryptoKey", "its exported form: await crypto.subtle.exportKey(...)"],
  ["Intl.Collator", "its options: resolvedOptions()"],
  ["Intl.DateTimeFormat", "its options: resolvedOptions()"],
  ["Intl.NumberFormat", "its options: resolvedOptions()"],
  ["Intl.PluralRules", "its options: resolvedOptions()"],
  ["Intl.RelativeTimeFormat", "its options: resolvedOptions()"],
  ["Intl.ListFormat", "its options: resolvedOptions()"],
  ["Intl.Segmenter", "its options: resolvedOptions()"],
  ["Intl.Locale", "locale.toString()"],
];

/** Live objects and objects without data: nothing of them can be kept. The general ones first (see below). */
const NO_DATA = [
  "EventTarget",
  "Event",
  "AbortSignal",
  "WritableStream",
  "TransformStream",
  "WebSocket",
  "MessageChannel",
  "MessagePort",
  "AbortController",
  "WeakMap",
  "WeakSet",
  "WeakRef",
  "FinalizationRegistry",
];

type Known = readonly [type: abstract new (...args: never[]) => object, what: string];
let known: Known[] | undefined;

/** Built-in iterators and generators: their items are not in their fields. */
const ITERATOR_PROTOTYPE: object = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));

function lookUp(name: string): unknown {
  return name.split(".").reduce<unknown>((scope, part) => (scope as Record<string, unknown> | undefined)?.[part], globalThis);
}

function knownTypes(): Known[] {
  const article = (name: string) => (/^[AEIO]/.test(name) ? "an" : "a");
  const entries: [string, string][] = [
    ...NO_DATA.map((name): [string, string] => [name, `${article(name)} ${name}`]),
    ...HIDDEN_DATA.map(([name, keep]): [string, string] => [name, `${article(name)} ${name}, whose data is not in its fields (keep ${keep})`]),
  ];
  return entries.flatMap(([name, what]) => {
    const type = lookUp(name);
    return typeof type === "function" ? [[type as Known[0], what] as const] : [];
  });
}

/**
 * What an object that is not plain data is, if an encoding of fields would lose it (`a Blob,
 * whose data ... (keep ...)`), or undefined for any other (a class instance of the actor's own
 * keeps its fields). Called only for objects whose prototype is not Object's.
 */
export function unencodableObject(value: object): string | undefined {
  if (value instanceof Promise) return "a Promise (await it first)";
  if (value instanceof Symbol) return "a boxed symbol";
  if (Object.prototype.isPrototypeOf.call(ITERATOR_PROTOTYPE, value)) return "an iterator, whose items are not in its fields (keep them: [...iterator])";
  known ??= knownTypes();
  // A subclass comes after its class (File after Blob, WebSocket after EventTarget): the last match is the most specific.
  let found: string | undefined;
  for (const [type, what] of known) if (value instanceof type) found = what;
  return found;
}
