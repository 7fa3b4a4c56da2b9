/**
 * Recognises the raw routes of PROTOCOL.md §1 by exact segments:
 *   /registry/actors/raw/{http|websocket}/{path}          RivetKit's form (name in the query)
 *   /registry/actors/{name}/raw/{http|websocket}/{path}   the seed's form
 * `{path}` keeps its percent-encoding as received; an empty one is `/`.
 */
export interface RawRoute {
  transport: "http" | "websocket";
  /** The actor name in the path (seed form only), percent-decoded. */
  pathName?: string;
  actorPath: string;
}

const ACTORS_PREFIX = "/registry/actors/";

export function parseRawRoute(pathname: string): RawRoute | undefined {
  if (!pathname.startsWith(ACTORS_PREFIX)) return undefined;
  const segments = pathname.slice(ACTORS_PREFIX.length).split("/");
  const transportAt = (index: number) =>
    segments[index] === "raw" && (segments[index + 1] === "http" || segments[index + 1] === "websocket")
      ? (segments[index + 1] as RawRoute["transport"])
      : undefined;
  const rest = (from: number) => `/${segments.slice(from).join("/")}`;

  const rivetTransport = transportAt(0);
  if (rivetTransport) return { transport: rivetTransport, actorPath: rest(2) };
  const seedTransport = transportAt(1);
  if (seedTransport && segments[0]) {
    const pathName = decodeSegment(segments[0]);
    if (pathName !== undefined) return { transport: seedTransport, pathName, actorPath: rest(3) };
  }
  return undefined;
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Where the path starts in an absolute URL, found without parsing the whole URL. */
function pathStart(url: string): number {
  return url.indexOf("/", url.indexOf("//") + 2);
}

/** `{endpoint}/` + `/registry` gives `//registry`: collapse leading slashes (PROTOCOL.md §1). */
export function collapseLeadingSlashes(request: Request): Request {
  const start = pathStart(request.url);
  if (start < 0 || request.url[start + 1] !== "/") return request;
  const url = new URL(request.url);
  url.pathname = url.pathname.replace(/^\/+/, "/");
  return new Request(url, request);
}

/** Whether a request is for the registry's routes (`/registry` and below). */
export function isRegistryPath(url: string): boolean {
  const start = pathStart(url);
  if (start < 0) return false;
  const path = url.slice(start).replace(/^\/+/, "/");
  return path === "/registry" || path.startsWith("/registry/") || path.startsWith("/registry?");
}
