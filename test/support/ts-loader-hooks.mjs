// Module hooks for ts-loader.mjs: `.js` specifiers that name a `.ts` source resolve to it, and `.ts` files are
// transformed by oxc with the project's decorator settings.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { transformSync } from "rolldown/experimental";

export async function resolve(specifier, context, nextResolve) {
  if (specifier.endsWith(".js") && (specifier.startsWith(".") || specifier.startsWith("file:")) && context.parentURL?.startsWith("file:")) {
    const candidate = new URL(specifier.replace(/\.js$/, ".ts"), context.parentURL);
    if (existsSync(fileURLToPath(candidate))) return { url: candidate.href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith("file:") || !url.endsWith(".ts")) return nextLoad(url, context);
  const filename = fileURLToPath(url);
  const result = transformSync(filename, readFileSync(filename, "utf8"), {
    sourceType: "module",
    lang: "ts",
    decorator: { legacy: true, emitDecoratorMetadata: true },
    sourcemap: false,
    helpers: { mode: "External" },
  });
  if (result.errors?.length) throw new Error(`${filename}: ${result.errors.map((error) => error.message).join("; ")}`);
  return { format: "module", source: result.code, shortCircuit: true };
}
