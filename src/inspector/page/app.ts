// The inspector page's script, bundled into ../page-html.ts by build.mjs (`npm run build:inspector`).
import type { ActorListPage } from "../../protocol/actor-list";
import type { InspectorSnapshot } from "../../protocol/inspector";
import { api, BASE, failure, RequestFailed } from "./api";
import { copiedFrom, forgetOrigin, replacePlan, sameActor } from "./draft";
import { abbreviated, button, code, formatBytes, stateTree, table, utc } from "./elements";
import { activityTable, connectionsTable, scheduleTable } from "./tables";

/** The longest wait before the live view connects again after it dropped. */
const MAX_RETRY_MS = 10_000;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $<HTMLParagraphElement>("status");

/** The status line says the latest outcome, whatever it was: each action on the page ends here. */
function say(message: string, isError = false): void {
  status.textContent = message;
  status.classList.toggle("error", isError);
}

/** What must not be missed about the shown actor (its wake fails, it was destroyed); empty hides it. */
function warn(message: string): void {
  const banner = $("banner");
  banner.textContent = message;
  banner.hidden = message === "";
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
  const keyText = $<HTMLInputElement>("actor-key").value;
  if (id && keyText) return say("Give a key or an id, not both: clear one of them.", true);
  try {
    selected = id ? { getForId: { name, actorId: id } } : { getForKey: { name, key: readKey(keyText) } };
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
      utc(actor.createdAt),
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
/** The shown actor was destroyed: its last snapshot stays on screen, and nothing acts on it. */
let destroyed = false;

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
  // The runtime does not finish a close the actor starts (a destroy) on a hibernatable socket that
  // has received nothing: the page would hear of it only when the actor leaves memory. One `ping`,
  // answered by the runtime without waking the actor, avoids it.
  socket.addEventListener("open", () => socket.send("ping"));
  socket.addEventListener("message", (event) => {
    if (live !== socket || event.data === "pong") return;
    retries = 0;
    $("live").textContent = "Live";
    render(JSON.parse(event.data as string) as InspectorSnapshot);
  });
  socket.addEventListener("close", (event) => {
    if (live !== socket) return;
    live = undefined;
    if (event.code === 1001 && event.reason === "actor_destroyed") return showDestroyed();
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
        // Destroyed while the live view was away.
        if (error.body.c === "actor_not_found" && snapshot) return showDestroyed();
        $("live").textContent = "Not live.";
        return say(failure(error), true);
      }
      reconnectLater();
    }
  }, wait);
}

/** The controls that act on the shown actor: off while none is shown, or once it was destroyed. */
const actorControls = () => [
  $<HTMLButtonElement>("state-copy"),
  $<HTMLButtonElement>("state-replace"),
  $<HTMLButtonElement>("call-submit"),
  ...document.querySelectorAll<HTMLButtonElement>("#connections button, #schedule button"),
];

/** Shows no actor: nothing of the previous one stays on screen, and nothing acts on it. */
function clearView(): void {
  snapshot = undefined;
  destroyed = false;
  for (const id of ["summary", "state-tree", "action-names", "connections", "schedule", "activity", "action-result"]) $(id).replaceChildren();
  $("live").textContent = "";
  warn("");
  for (const control of actorControls()) control.disabled = true;
}

/** The shown actor was destroyed: say so, keep its last snapshot for reference, and let nothing act on it. */
function showDestroyed(): void {
  stopWatching();
  destroyed = true;
  for (const control of actorControls()) control.disabled = true;
  $("live").textContent = "Destroyed.";
  const id = snapshot ? ` (id ${snapshot.actor.id})` : "";
  warn(`This actor${id} was destroyed. What is shown is its last snapshot; nothing here acts on it. Inspect its key again for an actor made since.`);
  say("The actor was destroyed.", true);
}

/** The banner's text for an actor whose last wake failed. */
function wakeFailure({ startFailure: failed }: InspectorSnapshot): string {
  if (!failed) return "";
  const thrown = failed.cause ? ` It threw: ${failed.cause}.` : "";
  return `This actor failed to start (its last wake, ${utc(failed.at)}): ${failed.code}: ${failed.message}${thrown} Its state is shown as stored; a state replaced here is stored for its next wake.`;
}

function render(next: InspectorSnapshot): void {
  const before = snapshot;
  // The same query may name another actor now: the one shown was destroyed and its key used again.
  if (before && !sameActor(before.actor, next.actor))
    say(`This is another actor than the one shown before (created ${utc(next.actor.createdAt)}): that one is gone.`, true);
  snapshot = next;
  destroyed = false;
  const { actor } = next;
  warn(wakeFailure(next));
  const awake = next.awake ? "awake" : "not awake (read from storage)";
  $("summary").textContent =
    `${actor.name} ${JSON.stringify(actor.key)} · id ${actor.id} · created ${utc(actor.createdAt)} · ${awake} · storage ${formatBytes(next.storageBytes)}`;
  if (JSON.stringify(before?.state) !== JSON.stringify(next.state)) $("state-tree").replaceChildren(stateTree(next.state));
  $("action-names").replaceChildren(...next.actions.map((name) => new Option(name)));
  const act = (method: string, path: string, done: string) => void change(method, path, done).catch(() => {});
  $("connections").replaceChildren(connectionsTable(next.connections, act));
  $("schedule").replaceChildren(scheduleTable(next.schedule, act));
  $("activity").replaceChildren(activityTable(next.activity, next.awake));
  for (const control of actorControls()) control.disabled = false;
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
  if (!snapshot) return;
  $<HTMLTextAreaElement>("state-json").value = JSON.stringify(snapshot.state ?? null, null, 2);
  copiedFrom(snapshot);
  say("Current state copied into the editor.");
});

$<HTMLFormElement>("edit-state").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!snapshot || destroyed) return say("No actor to replace the state of.", true);
  let state: unknown;
  try {
    state = JSON.parse($<HTMLTextAreaElement>("state-json").value);
  } catch (error) {
    return say(`The new state is not valid JSON (${error instanceof Error ? error.message : error}). Nothing was changed.`, true);
  }
  const { question, ifStateDigest } = replacePlan(snapshot);
  if (!confirm(question)) return say("State left as it was.");
  try {
    await change("PUT", "/api/actor/state", "State replaced.", ifStateDigest === undefined ? { state } : { state, ifStateDigest });
    forgetOrigin();
  } catch {
    // change() said why.
  }
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
    return say(`Action ${name} not called: its arguments are not valid.`, true);
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
