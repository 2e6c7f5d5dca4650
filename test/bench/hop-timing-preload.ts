import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { isMainThread } from "node:worker_threads";
import { startHopTiming } from "./hop-timing.js";

/**
 * Loaded with `node --import` into the gateway and the bare proxy when the benchmark runs with BENCH_TRACE=1:
 * collects `startHopTiming`'s samples inside that process and serves them as JSON on a free port of
 * 127.0.0.1, which it writes to the file BENCH_TRACE_PORT_FILE (each GET returns the samples since the previous one). The process's own server and code
 * are untouched; the endpoint is a separate listener, left out of the samples, that only the benchmark uses.
 */
const portFile = process.env.BENCH_TRACE_PORT_FILE;
// `--import` runs in worker threads too (the gateway's PGlite worker): only the main thread serves requests.
if (isMainThread && portFile !== undefined && portFile !== "") {
  const ignored = new Set<object>();
  const timing = startHopTiming(ignored);
  const server = createServer((_request, response) => {
    response.setHeader("content-type", "application/json");
    response.end(JSON.stringify(timing.take()));
  });
  ignored.add(server);
  server.listen(0, "127.0.0.1", () => writeFileSync(portFile, String((server.address() as AddressInfo).port)));
  server.unref();
}
