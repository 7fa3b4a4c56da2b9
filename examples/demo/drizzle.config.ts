import { defineConfig } from "drizzle-kit";

// `npm run db:generate` writes the todo list's migrations from db/schema.ts into db/migrations/.
export default defineConfig({
  dialect: "sqlite",
  driver: "durable-sqlite",
  schema: "./examples/demo/db/schema.ts",
  out: "./examples/demo/db/migrations",
});
