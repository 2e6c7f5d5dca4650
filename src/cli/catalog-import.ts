import { importOpenRouterListing, OpenRouterListingError } from "../catalog/openrouter-import.js";
import { CatalogFileError } from "../catalog/catalog-file.schema.js";
import { loadConfig } from "../config/config.js";
import { openDatabase } from "../db/client.js";
import { exitWithStartupFailure, isEntryPoint } from "./entry-point.js";

const USAGE = `usage: npm run catalog:import -- <url-or-file> [--provider <slug>]

Imports an OpenRouter-compatible /models listing (e.g. https://openrouter.ai/api/v1/models) into the catalog
of DATABASE_URL, or of the PGlite database in DATA_DIR, migrating it first. Every listed model becomes an
endpoint of --provider (default "openrouter"); "author/slug:free" entries become free endpoints. Running it
again with the same listing changes nothing. With PGlite, stop the gateway first: only one process can open its data folder.`;

/** Where the command writes; tests capture it. */
export interface CommandOutput {
  log(line: string): void;
  error(line: string): void;
}

function parseArguments(argv: readonly string[]): { source: string; provider: string | undefined } | string {
  let source: string | undefined;
  let provider: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i] ?? "";
    if (argument === "--help" || argument === "-h") return USAGE;
    if (argument === "--provider") {
      provider = argv[++i];
      if (provider === undefined || provider.startsWith("-")) return `--provider needs a provider slug\n\n${USAGE}`;
    } else if (argument.startsWith("--provider=")) provider = argument.slice("--provider=".length);
    else if (argument.startsWith("-")) return `unknown option ${argument}\n\n${USAGE}`;
    else if (source === undefined) source = argument;
    else return `only one listing can be imported at a time (got ${source} and ${argument})\n\n${USAGE}`;
  }
  return source === undefined ? USAGE : { source, provider };
}

/**
 * `npm run catalog:import -- <url-or-file> [--provider <slug>]`: opens the configured database, migrates,
 * imports, and prints what changed ("3 inserted, 1 updated, 40 unchanged") plus a warning per skipped entry.
 *
 * @returns the process exit code: 0 on success, 1 when the import failed, 2 for bad arguments.
 */
export async function runCatalogImport(
  argv: readonly string[],
  options: { env?: Record<string, string | undefined>; output?: CommandOutput; fetch?: typeof fetch } = {},
): Promise<number> {
  const output = options.output ?? { log: (line) => console.log(line), error: (line) => console.error(line) };
  const parsed = parseArguments(argv);
  if (typeof parsed === "string") {
    (parsed === USAGE ? output.log : output.error)(parsed);
    return parsed === USAGE && argv.some((argument) => argument === "--help" || argument === "-h") ? 0 : 2;
  }
  const config = loadConfig(options.env ?? process.env);
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, poolMax: 2, role: "catalog-import" });
  try {
    await database.migrate();
    const result = await importOpenRouterListing(database.db, { source: parsed.source, provider: parsed.provider, fetch: options.fetch });
    for (const warning of result.warnings) output.error(`warning: ${warning}`);
    const { inserted, updated, unchanged, revision } = result.summary;
    output.log(
      `imported ${result.modelCount} models from ${parsed.source} into ${database.kind}: ${inserted} inserted, ${updated} updated, ${unchanged} unchanged (catalog revision ${revision})`,
    );
    return 0;
  } catch (error) {
    if (error instanceof OpenRouterListingError || error instanceof CatalogFileError) {
      output.error(`catalog import failed: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await database.close();
  }
}

if (isEntryPoint(import.meta.url)) {
  process.exitCode = await runCatalogImport(process.argv.slice(2)).catch(exitWithStartupFailure);
}
