import { PGlite } from "@electric-sql/pglite";

/**
 * Postgres settings the embedded database starts with, on top of PGlite's own start parameters. PGlite keeps
 * Postgres's default `shared_buffers` of 128 MB inside its WebAssembly memory, and WebAssembly memory never
 * shrinks: once the buffer pool has been touched, the process holds it for good. The gateway's working set
 * (accounts, keys, the catalog, and append-mostly ledger and generation tables written in batches) fits in a
 * far smaller pool; 16 MB cut the gateway's resident memory on PGlite by about 110 MB in the bench, and a
 * page not in the pool is read from the data folder through the operating system's page cache.
 * `wal_buffers` follows (PGlite otherwise fixes it at 4 MB). `work_mem` and `temp_buffers` are left as they
 * are: they are taken only while a sort or a temporary table needs them.
 */
export const PGLITE_START_PARAMS: readonly string[] = [...PGlite.defaultStartParams, "-c", "shared_buffers=16MB", "-c", "wal_buffers=1MB"];
