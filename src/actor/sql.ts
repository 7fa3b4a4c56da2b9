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
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the message shows the template literal to write
        "Names that start with actorflare_ belong to the actor's own tables (its state, connections and schedules); user SQL may not use them. Name your tables and columns differently. (A string in the statement's text that starts with actorflare_ counts too, since SQLite may read it as a name: bind such a value as a parameter, ${value}.)",
        { status: 500 },
      );
    }
    try {
      return sql.exec<Row>(text, ...values).toArray();
    } catch (error) {
      throw refusedStatement(error);
    }
  };
  const transaction = <T>(body: () => T): T => {
    refuseAsyncFunction(body, "c.sql.transaction(body)");
    return storage.transactionSync(() => synchronousResult(body(), "c.sql.transaction(body)"));
  };
  return Object.assign(query, { transaction });
}

/**
 * A transaction's function must be synchronous. An `async` one is refused before it runs: past
 * its first `await` its statements would run outside any transaction, where nothing can undo
 * them (and a throw there would not reach the caller).
 */
export function refuseAsyncFunction(body: unknown, what: string): void {
  if (Object.prototype.toString.call(body) === "[object AsyncFunction]") throw notSynchronous(what);
}

/**
 * What a transaction's function answered, unless it is a promise (a function that is not `async`
 * but returns one, or returns an unrun Drizzle query): thrown inside the transaction, so that
 * what ran is rolled back.
 */
export function synchronousResult<T>(result: T, what: string): T {
  if (isPromiseLike(result)) throw notSynchronous(what);
  return result;
}

function notSynchronous(what: string): ActorflareError {
  return new ActorflareError(
    "sql_error",
    `${what} takes a synchronous function: an await in it would end the transaction early, and a Drizzle query must be run there (.run(), .all(), .get()), not returned. Do the awaited work before or after the transaction.`,
    { status: 500 },
  );
}

/**
 * What `c.sql` and `c.db` throw for a statement the runtime refused: `sql_error` with its
 * message. Everything the runtime refuses there is about that statement, SQLite's codes or not
 * (`BEGIN`, a bigint parameter), and its message carries no parameter values.
 */
export function refusedStatement(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof ActorflareError) return error;
  // The runtime's refusal of BEGIN or SAVEPOINT names its storage API, which an actor does not see.
  const hint = /storage\.transaction/.test(error.message)
    ? " In an actor, run the statements in c.sql.transaction(() => …) (or c.db.transaction) instead."
    : "";
  return sqlError(error) ?? new ActorflareError("sql_error", `SQL failed: ${error.message}${hint}`, { status: 500, cause: error });
}
