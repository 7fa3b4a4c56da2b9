// The inspector page's script, bundled into ../page-html.ts by build.mjs (`npm run build:inspector`).
import type { ActorListPage } from "../../protocol/actor-list";
import type { InspectorSnapshot } from "../../protocol/inspector";
import { abbreviated, button, code, formatBytes, stateTree, table } from "./elements";

const BASE = "/registry/inspector";
/** The longest wait before the live view connects again after it dropped. */
const MAX_RETRY_MS = 10_000;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $<HTMLParagraphElement>("status");

interface ApiError {
  c: string;
  m: string;
}

class RequestFailed extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiError,
  ) {
    super(`${body.c}: ${body.m}`);
  }
}

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${BASE}${path}`, {
    method,
    credentials: "same-origin",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  const parsed = text === "" ? {} : (JSON.parse(text) as { value?: T } & Partial<ApiError>);
  if (!response.ok) throw new RequestFailed(response.status, { c: parsed.c ?? "http_error", m: parsed.m ?? response.statusText });
  return parsed.value as T;
}

function say(message: string, isError = false): void {
  status.textContent = message;
  status.classList.toggle("error", isError);
}

function failure(error: unknown): string {
  return error instanceof RequestFailed ? `${error.body.c}: ${error.body.m}` : String(error);
}

// --- signing in ---

function show(view: "sign-in" | "inspector"): void {
  $("sign-in-view").hidden = view !== "sign-in";
  $("inspector-view").hidden = view !== "inspector";
  $("sign-out").hidden = view !== "inspector";
  if (view === "sign-in") $<HTMLInputElement>("token").focus();
}

async function start(): Promise<void> {
  try {
    const names = await api<string[]>("GET", "/api/actors");
    const select = $<HTMLSelectElement>("actor-name");
    select.replaceChildren(...names.map((name) => new Option(name, name)));
    show("inspector");
    restoreSelection();
  } catch (error) {
    if (error instanceof RequestFailed && error.status === 401) return show("sign-in");
    say(failure(error), true);
  }
}

$<HTMLFormElement>("sign-in").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = $<HTMLInputElement>("token");
  try {
    await api("POST", "/session", { token: input.value });
    input.value = "";
    say("Signed in.");
    await start();
  } catch (error) {
    say(error instanceof RequestFailed && error.status === 401 ? "That token is not the inspector's." : failure(error), true);
    input.select();
  }
});

$("sign-out").addEventListener("click", async () => {
  await api("DELETE", "/session").catch(() => {});
  selected = undefined;
  stopWatching();
  clearView();
  say("Signed out.");
  show("sign-in");
});

// --- picking an actor ---

type Query = { getForKey: { name: string; key: string[] } } | { getForId: { name: string; actorId: string } };
let selected: Query | undefined;
let snapshot: InspectorSnapshot | undefined;

function readKey(text: string): string[] {
  if (!text.trim().startsWith("[")) return text === "" ? [] : [text];
  const key: unknown = JSON.parse(text);
  if (!Array.isArray(key) || !key.every((part) => typeof part === "string")) throw new Error("A key in JSON is an array of strings.");
  return key;
}

const actorPath = (path: string) => `${path}${path.includes("?") ? "&" : "?"}query=${encodeURIComponent(JSON.stringify(selected))}`;

$<HTMLFormElement>("pick").addEventListener("submit", async (event) => {
  event.preventDefault();
  const name = $<HTMLSelectElement>("actor-name").value;
  const id = $<HTMLInputElement>("actor-id").value.trim();
  try {
    selected = id ? { getForId: { name, actorId: id } } : { getForKey: { name, key: readKey($<HTMLInputElement>("actor-key").value) } };
  } catch (error) {
    return say(`The key is not valid: ${error instanceof Error ? error.message : error}`, true);
  }
  history.replaceState(null, "", `#${encodeURIComponent(JSON.stringify(selected))}`);
  await inspectSelected();
});

/**
 * Shows the selected actor and follows it. The previous one's view is cleared first, so an
 * actor that cannot be read (one that does not exist) leaves nothing of another on screen and no
 * control that would act on it; the status says why.
 */
async function inspectSelected(): Promise<void> {
  stopWatching();
  clearView();
  if (!(await refresh())) {
    $("live").textContent = "Not live.";
    return;
  }
  const target = selected && ("getForKey" in selected ? selected.getForKey : selected.getForId);
  say(`Inspecting ${target?.name}.`);
  watch();
}

/** Inspects the actor of this id, of the chosen name (from the listing). */
function inspectById(id: string): void {
  $<HTMLInputElement>("actor-id").value = id;
  $<HTMLInputElement>("actor-key").value = "";
  $<HTMLFormElement>("pick").requestSubmit();
}

/** Lists the actors of the chosen name, a page at a time (`cursor`: the page after the last shown). */
async function listActors(cursor?: string): Promise<void> {
  const name = $<HTMLSelectElement>("actor-name").value;
  try {
    const page = await api<ActorListPage>("GET", `/api/list?name=${encodeURIComponent(name)}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    const rows = page.actors.map((actor) => [
      code(JSON.stringify(actor.key)),
      new Date(actor.createdAt).toLocaleString(),
      abbreviated(actor.id),
      button("Inspect", `Inspect ${name} ${JSON.stringify(actor.key)}`, () => inspectById(actor.id)),
    ]);
    const listing = $("listing");
    const shown = table(["Key", "Created", "Id", ""], rows, `No ${name} actors.`);
    if (cursor) listing.querySelector(".more")?.remove();
    else listing.replaceChildren();
    listing.append(shown);
    if (page.cursor) {
      const more = button("More", `More ${name} actors`, () => void listActors(page.cursor));
      more.classList.add("more");
      listing.append(more);
    }
    say(`${page.actors.length} ${name} actors${page.cursor ? ", more to come" : ""}.`);
  } catch (error) {
    say(failure(error), true);
  }
}

$("list").addEventListener("click", () => void listActors());

function restoreSelection(): void {
  if (!location.hash) return;
  try {
    selected = JSON.parse(decodeURIComponent(location.hash.slice(1))) as Query;
    const target = "getForKey" in selected ? selected.getForKey : selected.getForId;
    $<HTMLSelectElement>("actor-name").value = target.name;
    if ("getForKey" in selected)
      $<HTMLInputElement>("actor-key").value = selected.getForKey.key.length === 1 ? selected.getForKey.key[0]! : JSON.stringify(selected.getForKey.key);
    else $<HTMLInputElement>("actor-id").value = selected.getForId.actorId;
    void inspectSelected();
  } catch {
    selected = undefined;
  }
}

// --- reading the actor ---

/** Counts reads, so that only the latest one is drawn (an older one may answer for another actor). */
let reads = 0;

/** Reads the selected actor and redraws what changed; false when it failed (the reason is shown). */
async function refresh(): Promise<boolean> {
  if (!selected) return false;
  const read = ++reads;
  try {
    const next = await api<InspectorSnapshot>("GET", actorPath("/api/actor"));
    if (read === reads) render(next);
    return true;
  } catch (error) {
    if (read !== reads) return false;
    if (error instanceof RequestFailed && error.status === 401) show("sign-in");
    say(failure(error), true);
    return false;
  }
}

// --- the live view: the actor's object sends a snapshot on this socket after each change ---

let live: WebSocket | undefined;
let retries = 0;

function stopWatching(): void {
  const previous = live;
  live = undefined;
  previous?.close();
}

/** Follows the selected actor (or stops following, when none is). */
function watch(): void {
  stopWatching();
  if (!selected) return;
  const socket = new WebSocket(`${location.origin.replace(/^http/, "ws")}${BASE}${actorPath("/api/actor/live")}`);
  live = socket;
  socket.addEventListener("message", (event) => {
    if (live !== socket) return;
    retries = 0;
    $("live").textContent = "Live";
    render(JSON.parse(event.data as string) as InspectorSnapshot);
  });
  socket.addEventListener("close", (event) => {
    if (live !== socket) return;
    live = undefined;
    // Refused (an unknown actor): the code is the reason, and trying again would not help.
    if (event.code === 1011 && event.reason) {
      $("live").textContent = "Not live.";
      return say(`Live view refused: ${event.reason}.`, true);
    }
    reconnectLater();
  });
}

/** Connects the live view again after a pause that grows, while the server is away; stops on a refusal. */
function reconnectLater(): void {
  $("live").textContent = "Not live: reconnecting…";
  const wait = Math.min(MAX_RETRY_MS, 500 * 2 ** retries++);
  setTimeout(async () => {
    if (live || !selected) return;
    try {
      render(await api<InspectorSnapshot>("GET", actorPath("/api/actor")));
      watch();
    } catch (error) {
      // Refused (a token that stopped working, an actor that is gone): say so and stop.
      if (error instanceof RequestFailed && error.status < 500) {
        if (error.status === 401) show("sign-in");
        $("live").textContent = "Not live.";
        return say(failure(error), true);
      }
      reconnectLater();
    }
  }, wait);
}

/** The controls that act on the shown actor: off while none is shown. */
const actorControls = () => [$<HTMLButtonElement>("state-copy"), $<HTMLButtonElement>("state-replace"), $<HTMLButtonElement>("call-submit")];

/** Shows no actor: nothing of the previous one stays on screen, and nothing acts on it. */
function clearView(): void {
  snapshot = undefined;
  for (const id of ["summary", "state-tree", "action-names", "connections", "schedule", "activity", "action-result"]) $(id).replaceChildren();
  $("live").textContent = "";
  for (const control of actorControls()) control.disabled = true;
}

function render(next: InspectorSnapshot): void {
  const before = snapshot;
  snapshot = next;
  for (const control of actorControls()) control.disabled = false;
  const { actor } = next;
  $("summary").textContent =
    `${actor.name} ${JSON.stringify(actor.key)} · id ${actor.id} · created ${new Date(actor.createdAt).toLocaleString()} · storage ${formatBytes(next.storageBytes)}`;
  if (JSON.stringify(before?.state) !== JSON.stringify(next.state)) $("state-tree").replaceChildren(stateTree(next.state));
  $("action-names").replaceChildren(...next.actions.map((name) => new Option(name)));
  $("connections").replaceChildren(
    table(
      ["Id", "Transport", "Since", "Params", "Conn state", "Subscriptions", ""],
      next.connections.map((conn) => [
        abbreviated(conn.id),
        conn.transport,
        new Date(conn.since).toLocaleString(),
        code(JSON.stringify(conn.params)),
        code(JSON.stringify(conn.state) ?? ""),
        conn.subscriptions.join(", "),
        button("Disconnect", `Disconnect ${conn.id}`, () => change("DELETE", `/api/actor/connections/${encodeURIComponent(conn.id)}`, "Disconnected.")),
      ]),
      "No open connections.",
    ),
  );
  $("schedule").replaceChildren(
    table(
      ["When", "Action", "Arguments", "Repeats", "Tries", ""],
      next.schedule.map((job) => [
        new Date(job.at).toLocaleString(),
        job.action,
        code(JSON.stringify(job.args)),
        job.cron ?? "no",
        String(job.tries),
        button("Cancel", `Cancel ${job.action} at ${new Date(job.at).toLocaleString()}`, () =>
          change("DELETE", `/api/actor/schedule/${encodeURIComponent(job.id)}`, "Job cancelled."),
        ),
      ]),
      "No scheduled jobs.",
    ),
  );
  $("activity").replaceChildren(
    table(
      ["Time", "Kind", "Name", "Took", "Outcome"],
      next.activity.map((entry) => [
        new Date(entry.at).toLocaleTimeString(),
        entry.kind,
        entry.name,
        entry.kind === "action" ? `${entry.durationMs} ms` : "",
        entry.outcome === "ok" ? "ok" : `error ${entry.code ?? ""}`,
      ]),
      "Nothing yet since the actor woke.",
    ),
  );
}

// --- changing the actor ---

async function change(method: string, path: string, done: string, body?: unknown): Promise<unknown> {
  try {
    const value = await api<unknown>(method, actorPath(path), body);
    say(done);
    await refresh();
    return value;
  } catch (error) {
    say(`${failure(error)}`, true);
    throw error;
  }
}

$("state-copy").addEventListener("click", () => {
  $<HTMLTextAreaElement>("state-json").value = JSON.stringify(snapshot?.state ?? null, null, 2);
});

$<HTMLFormElement>("edit-state").addEventListener("submit", async (event) => {
  event.preventDefault();
  let state: unknown;
  try {
    state = JSON.parse($<HTMLTextAreaElement>("state-json").value);
  } catch (error) {
    return say(`The new state is not valid JSON (${error instanceof Error ? error.message : error}). Nothing was changed.`, true);
  }
  if (!confirm("Replace the actor's whole state with this JSON?")) return say("State left as it was.");
  await change("PUT", "/api/actor/state", "State replaced.", { state }).catch(() => {});
});

$<HTMLFormElement>("call").addEventListener("submit", async (event) => {
  event.preventDefault();
  const result = $<HTMLPreElement>("action-result");
  result.classList.remove("error");
  const name = $<HTMLInputElement>("action-name").value;
  let args: unknown;
  try {
    args = JSON.parse($<HTMLTextAreaElement>("action-args").value);
    if (!Array.isArray(args)) throw new Error('the arguments must be a JSON array, e.g. [1, "two"]');
  } catch (error) {
    result.textContent = `The arguments are not valid (${error instanceof Error ? error.message : error}). Nothing was called.`;
    result.classList.add("error");
    return;
  }
  try {
    const value = await change("POST", "/api/actor/action", `Action ${name} returned.`, { name, args });
    result.textContent = JSON.stringify(value, null, 2) ?? "undefined";
  } catch (error) {
    result.textContent = failure(error);
    result.classList.add("error");
  }
});

void start();
