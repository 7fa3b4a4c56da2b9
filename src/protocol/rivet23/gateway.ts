import { errors } from "../errors";
import { parseGatewayKey } from "./keys";

/**
 * Paths of RivetKit 2.3's gateway (docs/protocol.md §12.1): `/gateway/{actorId}[@token]{path}`
 * addresses an actor by id; `/gateway/{name}{path}?rvt-namespace=…&rvt-method=get|getOrCreate…`
 * by name and key. The `rvt-` parameters are the gateway's and never reach the actor; `{path}`
 * says what the request is (`/action/{name}`, `/connect`, `/request/…`, `/websocket/…`).
 */

/** The one namespace a deployment has. */
export const NAMESPACE = "default";

export interface GatewayPath {
  /** The segment after `/gateway/`, as it came. */
  segment: string;
  /** What follows that segment, as it came; `/` when nothing does. */
  actorPath: string;
  /** The query string less the `rvt-` parameters, as it came: `?a=1`, or empty. */
  search: string;
  /** The `rvt-` parameters as they came (`rvt-key=a,b` is `["rvt-key", "a,b"]`). */
  rvt: [name: string, value: string][];
}

export type GatewayActor =
  | { actorId: string }
  | { name: string; method: "get" | "getOrCreate"; key: string[]; namespace: string; input?: string; region?: string };

const RVT = "rvt-";
const RVT_NAMES = new Set(["namespace", "method", "runner", "pool", "key", "input", "region", "crash-policy", "token", "skip-ready-wait"]);
const CREATE_ONLY = ["runner", "pool", "input", "region", "crash-policy"];
const CRASH_POLICIES = new Set(["restart", "sleep", "destroy"]);

function decodePart(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw errors.invalidRequest(`The gateway path's ${what} is not valid percent-encoding.`);
  }
}

/** Splits what follows `/gateway` (`/{segment}{actorPath}`) and the raw query string. Never throws. */
export function splitGatewayPath(rest: string, rawQuery: string): GatewayPath {
  const end = rest.indexOf("/", 1);
  const rvt: [string, string][] = [];
  const kept: string[] = [];
  for (const part of rawQuery.split("&")) {
    const at = part.indexOf("=");
    const name = at < 0 ? part : part.slice(0, at);
    if (name.startsWith(RVT)) rvt.push([name, at < 0 ? "" : part.slice(at + 1)]);
    else if (part !== "") kept.push(part);
  }
  return {
    segment: end < 0 ? rest.slice(1) : rest.slice(1, end),
    actorPath: end < 0 ? "/" : rest.slice(end),
    search: kept.length ? `?${kept.join("&")}` : "",
    rvt,
  };
}

/** The `rvt-` parameters by name without the prefix, form-decoded; one given twice, or unknown, is refused. */
function rvtParams(raw: [string, string][]): Map<string, string> {
  const params = new Map<string, string>();
  for (const [name, value] of raw) {
    const short = name.slice(RVT.length);
    if (!RVT_NAMES.has(short)) throw errors.invalidRequest(`Unknown gateway parameter ${name.slice(0, 40)}.`);
    if (params.has(short)) throw errors.invalidRequest(`The gateway parameter ${name} is given twice.`);
    params.set(short, decodePart(value.replace(/\+/g, " "), name));
  }
  return params;
}

/** The actor a gateway path addresses; a malformed one is `invalid_request`. */
export function gatewayActor({ segment, rvt: raw }: GatewayPath): GatewayActor {
  if (segment === "") throw errors.invalidRequest("The gateway path names no actor: use /gateway/{actorId}/… or /gateway/{name}/…?rvt-method=….");
  if (raw.length === 0) {
    // A token after `@` is the engine's; actorflare has none to check (onAuth decides).
    const actorId = decodePart(segment.split("@")[0]!, "actor id");
    if (actorId === "") throw errors.invalidRequest("The gateway path's actor id is empty.");
    return { actorId };
  }
  const rvt = rvtParams(raw);
  if (segment.includes("@")) throw errors.invalidRequest("A gateway path with rvt- parameters takes the token as rvt-token, not after @.");
  const name = decodePart(segment, "actor name");
  const namespace = rvt.get("namespace");
  const method = rvt.get("method");
  if (namespace === undefined) throw errors.invalidRequest("The gateway parameter rvt-namespace is missing.");
  if (method !== "get" && method !== "getOrCreate") throw errors.invalidRequest("The gateway parameter rvt-method must be get or getOrCreate.");
  if (method === "get") {
    const extra = CREATE_ONLY.find((param) => rvt.has(param));
    if (extra) throw errors.invalidRequest(`rvt-${extra} only goes with rvt-method=getOrCreate.`);
  }
  const crashPolicy = rvt.get("crash-policy");
  if (crashPolicy !== undefined && !CRASH_POLICIES.has(crashPolicy)) throw errors.invalidRequest("rvt-crash-policy must be restart, sleep or destroy.");
  const actor: GatewayActor = { name, method, key: parseGatewayKey(rvt.get("key")), namespace };
  const input = rvt.get("input");
  if (input !== undefined) actor.input = input;
  const region = rvt.get("region");
  if (region !== undefined) actor.region = region;
  return actor;
}
