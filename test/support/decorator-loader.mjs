/**
 * A Node.js module loader that runs the TypeScript sources in a child process the way Vitest runs them in
 * tests: oxc's transform with legacy decorators and their metadata (which type-graphql reads; tsx's esbuild
 * does not emit it), and `./x.js` specifiers found as `./x.ts`. Used by the kill -9 test to start
 * `src/main.ts` as its own process without building `dist/`:
 * `node --import ./test/support/decorator-loader.mjs src/main.ts`.
 */
import { register } from "node:module";

register("./decorator-loader-hooks.mjs", import.meta.url);
