import { defineConfig } from "drizzle-kit";

/**
 * drizzle-kit reads the schema (one table per file under src/db/schema) and writes SQL migrations into
 * migrations/, which are committed and applied at start. Generate with `npm run db:generate`; never `push`.
 */
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema/index.ts",
  out: "./migrations",
});
