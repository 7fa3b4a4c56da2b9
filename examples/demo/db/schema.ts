import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** The todo list actor's table, in its own SQLite (drizzle-kit generates the migrations from it). */
export const todos = sqliteTable("todos", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  title: text("title").notNull(),
  done: integer("done", { mode: "boolean" }).notNull().default(false),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
});
