import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * Vitest runs the TypeScript sources directly. type-graphql reads decorator metadata, which only the oxc
 * transform's legacy-decorator mode emits, hence the `oxc` block.
 */
export default defineConfig({
  root: fileURLToPath(new URL("..", import.meta.url)),
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
