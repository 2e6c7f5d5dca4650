import { loadConfig } from "../config/config.js";
import { openDatabase } from "../db/client.js";
import { exitWithStartupFailure, wantsHelp } from "./entry-point.js";

/** `npm run db:migrate`: applies the committed migrations to DATABASE_URL, or to PGlite in DATA_DIR. */
if (wantsHelp(process.argv.slice(2))) {
  process.stdout.write(
    "usage: npm run db:migrate\n\nApplies the committed SQL migrations (migrations/) to DATABASE_URL, or to the PGlite database in DATA_DIR.\n" +
      "The gateway also migrates by itself at start; this is for migrating before a deploy.\n",
  );
} else {
  try {
    const config = loadConfig();
    const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, role: "migrate" });
    await database.migrate();
    await database.close();
    console.log(`migrations applied (${database.kind})`);
  } catch (error) {
    exitWithStartupFailure(error);
  }
}
