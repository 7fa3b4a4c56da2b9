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

/** The wrangler.toml lines that declare an actor's Durable Object, for error messages and docs. */
export function wranglerLines(actorName: string, binding: string): string {
  const cls = className(actorName);
  return [
    "[[durable_objects.bindings]]",
    `name = "${binding}"`,
    `class_name = "${cls}"`,
    "",
    "[[migrations]]",
    `tag = "<a new tag, e.g. v2>"`,
    `new_sqlite_classes = ["${cls}"]`,
  ].join("\n");
}
