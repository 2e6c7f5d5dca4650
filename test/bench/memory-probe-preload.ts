import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { isMainThread } from "node:worker_threads";

/** What the probe answers: the process's memory right after a full garbage collection, in bytes. */
export interface MemoryProbeReading {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

/**
 * Loaded with `node --expose-gc --import` into the gateway by the soak bench (`BENCH_SOAK_S`): serves, on a
 * free port of 127.0.0.1 written to the file BENCH_MEMORY_PORT_FILE, `process.memoryUsage()` taken right
 * after a full `gc()`, so the bench reads the heap that is still live, not garbage that has not been
 * collected yet. The gateway's own server and code are untouched; only the bench calls this listener.
 */
const portFile = process.env.BENCH_MEMORY_PORT_FILE;
const collect = (globalThis as { gc?: () => void }).gc;
// `--import` runs in worker threads too (the gateway's PGlite worker): only the main thread serves the probe.
if (isMainThread && portFile !== undefined && portFile !== "" && collect !== undefined) {
  const server = createServer((_request, response) => {
    collect();
    const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
    response.setHeader("content-type", "application/json");
    response.end(JSON.stringify({ rss, heapUsed, heapTotal, external, arrayBuffers } satisfies MemoryProbeReading));
  });
  server.listen(0, "127.0.0.1", () => writeFileSync(portFile, String((server.address() as AddressInfo).port)));
  server.unref();
}
