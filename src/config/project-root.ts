import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The repository root (the folder holding package.json). Code runs both from `src/` (tests) and from
 * `dist/src/` (the built server), so data files such as migrations and the shipped catalog are found from
 * the root rather than relative to the running file.
 */
export function projectRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, "package.json"))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error("Cannot find the project root (no package.json above this file)");
    folder = parent;
  }
  return folder;
}

/** A path inside the repository. */
export function projectPath(...segments: string[]): string {
  return join(projectRoot(), ...segments);
}
