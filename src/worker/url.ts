/** Where the path starts in an absolute URL, found without parsing the whole URL (-1: no path). */
export function pathStart(url: string): number {
  return url.indexOf("/", url.indexOf("//") + 2);
}

/** The path of an absolute URL as it came (percent-encoding kept) and its query string without `?`. */
export function pathAndQuery(url: string): { path: string; query: string } {
  const start = pathStart(url);
  if (start < 0) return { path: "/", query: "" };
  const at = url.indexOf("?", start);
  return at < 0 ? { path: url.slice(start), query: "" } : { path: url.slice(start, at), query: url.slice(at + 1) };
}

/** The path of an absolute URL with its leading slashes collapsed to one (`{endpoint}/` + `/registry` gives `//registry`). */
export function collapsedPath(url: string): string {
  return pathAndQuery(url).path.replace(/^\/+/, "/");
}

/** Percent-decoded, or as it came when it does not decode (then it names nothing that exists). */
export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
