import { ActorflareError, sqlError } from "../protocol/errors";

/**
 * `c.sql`: a query on the actor's own SQLite, written as a tagged template. Each `${value}` is
 * bound as a parameter, never spliced into the text, so values cannot change the statement:
 *
 *   c.sql`INSERT INTO todos (title) VALUES (${title})`;
 *   const rows = c.sql<{ id: number; title: string }>`SELECT id, title FROM todos WHERE done = ${0}`;
 *
 * Answers the rows (an empty array for statements without any). A failing statement throws
 * `sql_error` with SQLite's message.
 */
export type ActorSql = <Row extends Record<string, SqlValue> = Record<string, SqlValue>>(strings: TemplateStringsArray, ...values: SqlValue[]) => Row[];

/**
 * What SQLite stores and answers here (Workers' `SqlStorageValue`, spelled out so that client
 * projects importing `typeof registry` type-check without the Workers types).
 */
export type SqlValue = ArrayBuffer | string | number | null;

/** actorflare's own tables start with this; user statements may not name them. */
const RESERVED_PREFIX = /actorflare_/i;

export function createActorSql(sql: SqlStorage): ActorSql {
  return <Row extends Record<string, SqlValue>>(strings: TemplateStringsArray, ...values: SqlValue[]): Row[] => {
    if (!Array.isArray(strings) || !("raw" in strings)) {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the message shows the template literal to write
      throw new ActorflareError("sql_not_template", "c.sql is a tagged template: write c.sql`SELECT … WHERE id = ${id}`, not c.sql(text).", {
        status: 500,
      });
    }
    const query = strings.join("?");
    // Text in single quotes is a value, not a name: `'about actorflare_x'` touches no table.
    if (RESERVED_PREFIX.test(query.replace(/'(?:[^']|'')*'/g, "''"))) {
      throw new ActorflareError(
        "sql_reserved_name",
        "Tables named actorflare_… hold the actor's state, connections and schedules; user SQL may not touch them. Name your tables differently.",
        { status: 500 },
      );
    }
    try {
      return sql.exec<Row>(query, ...values).toArray();
    } catch (error) {
      // Everything the runtime refuses here is about this statement, SQLite's codes or not
      // (`BEGIN`, a bigint parameter), and its message carries no parameter values.
      if (error instanceof Error && !(error instanceof ActorflareError)) {
        throw sqlError(error) ?? new ActorflareError("sql_error", `SQL failed: ${error.message}`, { status: 500, cause: error });
      }
      throw error;
    }
  };
}
