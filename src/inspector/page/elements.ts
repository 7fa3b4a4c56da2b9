// The inspector page's elements: table cells and the state tree (app.ts puts them on the page).

export function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** A time in UTC, with the zone said: cron expressions run in UTC, and one zone for every time on the page. */
export function utc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** The time of day in UTC, to the millisecond (recent activity). */
export function utcTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 23)} UTC`;
}

/** A long id cut to its start; the whole id is its title (and the accessible name of its row's button). */
export function abbreviated(id: string): HTMLElement {
  const element = code(id.length > 12 ? `${id.slice(0, 8)}…` : id);
  element.title = id;
  return element;
}

export function code(text: string): HTMLElement {
  const element = document.createElement("code");
  element.textContent = text;
  return element;
}

/** A value as JSON in a table cell: it may wrap anywhere, having no spaces to wrap at. */
export function json(value: unknown): HTMLElement {
  const element = code(JSON.stringify(value) ?? "");
  element.className = "json";
  return element;
}

export function button(label: string, accessibleName: string, onClick: () => void): HTMLButtonElement {
  const element = document.createElement("button");
  element.type = "button";
  element.className = "quiet";
  element.textContent = label;
  element.setAttribute("aria-label", accessibleName);
  element.addEventListener("click", onClick);
  return element;
}

export function table(headings: string[], rows: (string | Node)[][], empty: string): Node {
  if (rows.length === 0) {
    const p = document.createElement("p");
    p.textContent = empty;
    return p;
  }
  const element = document.createElement("table");
  const head = element.createTHead().insertRow();
  for (const heading of headings) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = heading;
    head.append(th);
  }
  const body = element.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const cell of row) tr.insertCell().append(cell);
  }
  return element;
}

// --- the state tree: nested <details>, whose open ones stay open across updates ---

const openPaths = new Set<string>(["$"]);

/** The state as a tree whose objects and arrays fold. */
export function stateTree(state: unknown): Node {
  return treeNode("state", state, "$");
}

function treeNode(label: string, value: unknown, path: string): Node {
  if (typeof value !== "object" || value === null) {
    const leaf = document.createElement("div");
    leaf.className = "leaf";
    leaf.textContent = `${label}: ${JSON.stringify(value)}`;
    return leaf;
  }
  const entries = Array.isArray(value) ? value.map((item, index) => [String(index), item] as const) : Object.entries(value);
  const details = document.createElement("details");
  details.open = openPaths.has(path);
  details.addEventListener("toggle", () => (details.open ? openPaths.add(path) : openPaths.delete(path)));
  const summary = document.createElement("summary");
  summary.textContent = `${label}: ${Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`}`;
  details.append(summary, ...entries.map(([key, item]) => treeNode(key, item, `${path}.${key}`)));
  return details;
}
