/**
 * Tables the platform keeps in an object's SQLite database beside an actor's: the runtime's own
 * (`_cf_…`, a prefix Cloudflare reserves), SQLite's (`sqlite_…`) and Miniflare's record of the
 * object's name (`__miniflare_do_name`, under `wrangler dev` and Miniflare only, in every object
 * from its first request). A database with only these holds nothing an actor wrote.
 */
const PLATFORM_PREFIXES = ["_cf_", "sqlite_", "__miniflare_"];

export function isPlatformTable(name: string): boolean {
  return PLATFORM_PREFIXES.some((prefix) => name.startsWith(prefix));
}
