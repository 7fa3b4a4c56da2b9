/**
 * The few DOM calls the page makes, typed here. The repository's tsconfig checks examples/
 * with Workers types only (lib.dom clashes with @cloudflare/workers-types), so the page reaches
 * `document` through these small interfaces; each is a subset of lib.dom's own.
 */
export interface Elem {
  textContent: string | null;
  append(...nodes: (Elem | string)[]): void;
  replaceChildren(...nodes: (Elem | string)[]): void;
  setAttribute(name: string, value: string): void;
  addEventListener(type: string, listener: (event: { preventDefault(): void }) => void): void;
  scrollTop: number;
  readonly scrollHeight: number;
}

/** An input or a button. */
export interface Control extends Elem {
  value: string;
  disabled: boolean;
  focus(): void;
}

interface Page {
  document: { getElementById(id: string): Elem | null; createElement(tag: string): Elem };
  location: { origin: string; search: string; pathname: string };
  history: { replaceState(data: unknown, unused: string, url: string): void };
}

const page = globalThis as unknown as Page;

/** Where the page was loaded from: the Worker that serves it also serves the actors. */
export const origin = page.location.origin;

/** A parameter of the page's query string (`?room=lobby`), or "" when there is none. */
export function queryParam(name: string): string {
  return new URLSearchParams(page.location.search).get(name) ?? "";
}

/** Sets parameters of the page's query string without reloading, so a reload comes back to the same place. */
export function setQuery(params: Record<string, string>): void {
  const query = new URLSearchParams(page.location.search);
  for (const [name, value] of Object.entries(params)) query.set(name, value);
  page.history.replaceState(null, "", `${page.location.pathname}?${query}`);
}

/** The element with this id; the page's HTML must have it. */
export function byId<T extends Elem = Elem>(id: string): T {
  const element = page.document.getElementById(id);
  if (!element) throw new Error(`index.html has no element #${id}`);
  return element as T;
}

/** A new element with text (never HTML: chat text is untrusted). */
export function el(tag: string, ...children: (Elem | string)[]): Elem {
  const element = page.document.createElement(tag);
  element.append(...children);
  return element;
}

/** Appends an entry to a log list and keeps the newest one in view. */
export function appendTo(list: Elem, item: Elem): void {
  list.append(item);
  list.scrollTop = list.scrollHeight;
}

/** Enables or disables controls together. */
export function setDisabled(disabled: boolean, ...controls: Control[]): void {
  for (const control of controls) control.disabled = disabled;
}

export function errorText(error: unknown): string {
  if (error && typeof error === "object" && "code" in error && "message" in error) return `${String(error.code)}: ${String(error.message)}`;
  return String(error);
}
