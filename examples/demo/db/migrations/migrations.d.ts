// Types for drizzle-kit's migrations.js (JavaScript it writes beside the SQL files).
import type { DrizzleMigrations } from "../../../../src/db/drizzle";

declare const migrations: DrizzleMigrations;
export default migrations;
