import { asc, eq, sql } from "drizzle-orm";
import { drizzle } from "../../../src/db/drizzle";
import { actor, UserError } from "../../../src/index";
import migrations from "../db/migrations/migrations.js";
import * as schema from "../db/schema";

const { todos } = schema;

/**
 * A todo list kept in the actor's own SQLite through Drizzle (a table rather than `state`: it can
 * grow, and each change writes one row). drizzle-kit generates the migrations from db/schema.ts;
 * they run when the actor wakes, before its first request.
 */
export const todoList = actor({
  state: {},
  db: drizzle({ schema, migrations }),
  onAuth: () => ({}),
  actions: {
    add: (c, title: string) => {
      if (typeof title !== "string" || title.trim() === "" || title.length > 200) {
        throw new UserError("A todo needs a title of 1 to 200 characters.", { code: "invalid_title" });
      }
      const [todo] = c.db.insert(todos).values({ title: title.trim(), createdAt: new Date() }).returning().all();
      c.broadcast("changed");
      return todo;
    },
    toggle: (c, id: number) => {
      const [todo] = c.db
        .update(todos)
        .set({ done: sql`NOT ${todos.done}` })
        .where(eq(todos.id, id))
        .returning()
        .all();
      if (!todo) throw new UserError(`No todo has id ${id}.`, { code: "todo_not_found" });
      c.broadcast("changed");
      return todo;
    },
    list: (c) => c.db.select().from(todos).orderBy(asc(todos.id)).all(),
    /** Open todos, counted with `c.sql` (SQL by hand, values bound as parameters). */
    openCount: (c) => c.sql<{ open: number }>`SELECT count(*) AS open FROM todos WHERE done = ${0}`[0]?.open ?? 0,
  },
});
