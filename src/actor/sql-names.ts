/** actorflare's own tables start with this; user statements may not name them. */
const RESERVED = /^actorflare_/i;

/**
 * One pass over a statement, token by token as SQLite reads them: a comment, a string, a name
 * in double quotes, backticks or brackets (its text captured), or a bare word (captured). A
 * quote or comment left open runs to the end. Word characters are SQLite's: letters, digits,
 * `_`, `$` and every character outside ASCII.
 */
const TOKENS = /--[^\n]*|\/\*[\s\S]*?(?:\*\/|$)|'((?:[^']|'')*)'?|"((?:[^"]|"")*)"?|`((?:[^`]|``)*)`?|\[([^\]]*)\]?|([\w$\u{80}-\u{10FFFF}]+)/gu;

/**
 * Whether a statement names something that starts with `actorflare_` (a table of actorflare's,
 * or a name that could be taken for one), in any case, bare or quoted, qualified or not
 * (`main.actorflare_state`). A string that starts with it counts too: where a name is expected,
 * SQLite takes `'actorflare_schedule'` for one (such a value can be bound as a parameter). The
 * prefix inside a word (`my_actorflare_stats`) or a string, or in a comment, names nothing of ours.
 */
export function namesReserved(query: string): boolean {
  // Most statements hold no such text at all: no need to read them token by token.
  if (!/actorflare_/i.test(query)) return false;
  for (const [, singleQuoted, doubleQuoted, backticked, bracketed, word] of query.matchAll(TOKENS)) {
    const name = singleQuoted ?? doubleQuoted ?? backticked ?? bracketed ?? word;
    if (name !== undefined && RESERVED.test(name)) return true;
  }
  return false;
}
