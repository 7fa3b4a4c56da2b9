import { ActorflareError, sqlError } from "../protocol/errors";
import { isPromiseLike } from "./promise-like";
import { namesReserved } from "./sql-names";

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
export interface ActorSql {
  <Row extends Record<string, SqlValue> = Record<string, SqlValue>>(strings: TemplateStringsArray, ...values: SqlBinding[]): Row[];
  /**
   * Runs `body` in one SQLite transaction and answers what it returns: the statements it runs
   * (`c.sql`'s and `c.db`'s) are all stored, or, if it throws, none of them (its error is
   * rethrown). `body` must be synchronous: an `await` would end the transaction there. State
   * changes made in it are not undone.
   */
  transaction<T>(body: () => T): T;
}

/**
 * What SQLite stores and answers here (Workers' `SqlStorageValue`, spelled out so that client
 * projects importing `typeof registry` type-check without the Workers types). A blob comes back
 * as an ArrayBuffer.
 */
export type SqlValue = ArrayBuffer | string | number | null;

/** What `c.sql` binds: a stored value, or a typed array or DataView, bound as a blob of the bytes it views. */
export type SqlBinding = SqlValue | ArrayBufferView;

export function createActorSql(storage: Pick<DurableObjectStorage, "sql" | "transactionSync">): ActorSql {
  const { sql } = storage;
  const query = <Row extends Record<string, SqlValue>>(strings: TemplateStringsArray, ...values: SqlBinding[]): Row[] => {
    if (!Array.isArray(strings) || !("raw" in strings)) {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the message shows the template literal to write
      throw new ActorflareError("sql_not_template", "c.sql is a tagged template: write c.sql`SELECT … WHERE id = ${id}`, not c.sql(text).", {
        status: 500,
      });
    }
    const text = strings.join("?");
    if (namesReserved(text)) {
      throw new ActorflareError(
        "sql_reserved_name",
        "Names that start with actorflare_ belong to the actor's own tables (its state, connections and schedules); user SQL may not use them. Name your tables and columns differently.",
        { status: 500 },
      );
    }
    try {
      return sql.exec<Row>(text, ...values).toArray();
    } catch (error) {
      throw refusedStatement(error);
    }
  };
  const transaction = <T>(body: () => T): T =>
    storage.transactionSync(() => {
      const result = body();
      // Thrown inside, so that what ran before the function's first await is rolled back too.
      if (isPromiseLike(result)) {
        throw new ActorflareError(
          "sql_error",
          "c.sql.transaction(body) takes a synchronous function: an await in it would end the transaction early, and a Drizzle query must be run there (.run(), .all(), .get()), not returned. Do the awaited work before or after the transaction.",
          { status: 500 },
        );
      }
      return result;
    });
  return Object.assign(query, { transaction });
}

/**
 * What `c.sql` and `c.db` throw for a statement the runtime refused: `sql_error` with its
 * message. Everything the runtime refuses there is about that statement, SQLite's codes or not
 * (`BEGIN`, a bigint parameter), and its message carries no parameter values.
 */
export function refusedStatement(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof ActorflareError) return error;
  return sqlError(error) ?? new ActorflareError("sql_error", `SQL failed: ${error.message}`, { status: 500, cause: error });
}
