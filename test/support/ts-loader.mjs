// Runs the TypeScript sources in a spawned child process with the same transform vitest uses (oxc, through
// rolldown, with legacy decorators and their metadata, which type-graphql reads), so integration tests can
// start a real gateway process (`node --import ./test/support/ts-loader.mjs src/main.ts`) without a build.
// tsx cannot: esbuild emits no decorator metadata.
import { register } from "node:module";

// oxc's "External" helpers: the code it emits calls these (TypeScript's legacy decorator semantics).
globalThis.babelHelpers = {
  decorate(decorators, target, key, descriptor) {
    const argumentCount = arguments.length;
    let result = argumentCount < 3 ? target : descriptor === null || descriptor === undefined ? Object.getOwnPropertyDescriptor(target, key) : descriptor;
    for (let index = decorators.length - 1; index >= 0; index -= 1) {
      const decorator = decorators[index];
      if (decorator === undefined) continue;
      const next = argumentCount < 3 ? decorator(result) : argumentCount > 3 ? decorator(target, key, result) : decorator(target, key);
      result = next ?? result;
    }
    if (argumentCount > 3 && result !== undefined) Object.defineProperty(target, key, result);
    return result;
  },
  decorateMetadata(name, value) {
    return (target, key) => Reflect.metadata?.(name, value)(target, key);
  },
  decorateParam(index, decorator) {
    return (target, key) => decorator(target, key, index);
  },
};

register("./ts-loader-hooks.mjs", import.meta.url);
