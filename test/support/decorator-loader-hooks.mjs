/**
 * The hooks behind decorator-loader.mjs (they run on Node's loader thread). oxc's decorator helpers are
 * mapped to TypeScript's own `__decorate`, `__metadata` and `__param`, defined in decorator-helpers.mjs.
 */
import { readFile } from "node:fs/promises";
import { transform } from "rolldown/utils";

const HELPERS = new URL("./decorator-helpers.mjs", import.meta.url).href;
const HELPER_PREFIX = "@oxc-project/runtime/helpers/";

export async function resolve(specifier, context, nextResolve) {
  if (specifier.startsWith(HELPER_PREFIX)) return { url: `${HELPERS}?${specifier.slice(HELPER_PREFIX.length)}`, shortCircuit: true };
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const relative = specifier.startsWith("./") || specifier.startsWith("../");
    if (!relative || !specifier.endsWith(".js") || context.parentURL?.endsWith(".ts") !== true) throw error;
    return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
  }
}

export async function load(url, context, nextLoad) {
  if (url.startsWith(`${HELPERS}?`)) {
    const name = url.slice(HELPERS.length + 1);
    return { format: "module", source: `export { ${name} as default } from ${JSON.stringify(HELPERS)};`, shortCircuit: true };
  }
  if (!url.startsWith("file:") || !url.endsWith(".ts")) return nextLoad(url, context);
  const path = new URL(url).pathname;
  const result = await transform(path, await readFile(path, "utf8"), {
    lang: "ts",
    sourceType: "module",
    decorator: { legacy: true, emitDecoratorMetadata: true },
  });
  if (result.errors.length > 0) throw new Error(`${path}: ${result.errors.map((error) => error.message).join("; ")}`);
  return { format: "module", source: result.code, shortCircuit: true };
}
