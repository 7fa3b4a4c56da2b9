/**
 * The naming convention that ties an actor to its Durable Object:
 * registry key `httpActor` → exported class `HttpActor` → binding `HTTP_ACTOR`.
 */

export type ClassNameOf<K extends string> = Capitalize<K>;

export function className(actorName: string): string {
  return actorName.charAt(0).toUpperCase() + actorName.slice(1);
}

export function defaultBindingName(actorName: string): string {
  return actorName
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .toUpperCase();
}

/**
 * The name to export an actor's class under, for error messages: its key in
 * `registry.durableObjects` where that is an identifier (`chat-room`'s key, `Chat-room`, is not:
 * it becomes `ChatRoom`).
 */
export function exportName(actorName: string): string {
  const key = className(actorName);
  // Identifiers may hold any letter (`Über`), not only ASCII ones.
  if (/^[\p{L}_$][\p{L}\p{N}_$]*$/u.test(key)) return key;
  const joined = key.replace(/[^\p{L}\p{N}_$]+(.?)/gu, (_gap, next: string) => next.toUpperCase());
  return /^\p{N}/u.test(joined) ? `_${joined}` : joined;
}

/** The line of the worker entry that exports an actor's class, for error messages. */
export function exportLine(actorName: string): string {
  const key = className(actorName);
  const exported = exportName(actorName);
  return `export class ${exported} extends registry.durableObjects${exported === key ? `.${key}` : `[${JSON.stringify(key)}]`} {}`;
}

/** The wrangler.toml lines that declare an actor's Durable Object, for error messages and docs. */
export function wranglerLines(actorName: string, binding: string): string {
  const cls = exportName(actorName);
  return [
    "[[durable_objects.bindings]]",
    `name = "${binding}"`,
    `class_name = "${cls}"`,
    "",
    `# only if ${cls} is in no [[migrations]] entry yet:`,
    "[[migrations]]",
    `tag = "<a new tag, e.g. v2>"`,
    `new_sqlite_classes = ["${cls}"]`,
  ].join("\n");
}
