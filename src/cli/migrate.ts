import { loadConfig } from "../config/config.js";
import { openDatabase } from "../db/client.js";

/** `npm run db:migrate`: applies the committed migrations to DATABASE_URL, or to PGlite in DATA_DIR. */
const config = loadConfig();
const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
await database.migrate();
await database.close();
console.log(`migrations applied (${database.kind})`);
