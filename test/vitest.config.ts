import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * Vitest runs the TypeScript sources directly. type-graphql reads decorator metadata, which only the oxc
 * transform's legacy-decorator mode emits, hence the `oxc` block. Vite would resolve `graphql` to its ESM
 * build while every dependency (type-graphql, Apollo) loads the CommonJS one under Node; two copies of graphql
 * refuse each other's types, so the alias pins the one Node uses.
 */
const require = createRequire(import.meta.url);
export default defineConfig({
  root: fileURLToPath(new URL("..", import.meta.url)),
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }] },
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    setupFiles: ["test/support/setup-file.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
