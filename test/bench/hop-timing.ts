import diagnostics from "node:diagnostics_channel";
import { performance } from "node:perf_hooks";

/**
 * Per-request timings seen from inside one process with Node's and undici's diagnostics channels (no change
 * to the code measured), in milliseconds. Each figure is measured on one request object, so pairing is exact.
 */
export interface HopTimingSamples {
  /** Incoming HTTP requests: arrival of the request head → response handed to the kernel. */
  server: number[];
  /** Requests made with undici: created → head written to the socket. */
  untilWritten: number[];
  /** Requests made with undici: created → response complete. */
  upstream: number[];
}

/**
 * Starts collecting, in this process, the timings of every HTTP request it serves (`node:http` servers other
 * than `ignoredServers`) and of every request it makes with undici; `take()` returns what was seen since the
 * last call and starts afresh. When each incoming request makes one upstream call, the hop's own time per
 * request is the mean of `server` less the mean of `upstream`.
 */
export function startHopTiming(ignoredServers: ReadonlySet<object> = new Set()): { take(): HopTimingSamples } {
  let samples: HopTimingSamples = { server: [], untilWritten: [], upstream: [] };
  const serverStarts = new WeakMap<object, number>();
  const upstreamStarts = new WeakMap<object, { created: number; written?: number }>();

  diagnostics.subscribe("http.server.request.start", (message) => {
    const { response, server } = message as { response: object; server: object };
    if (!ignoredServers.has(server)) serverStarts.set(response, performance.now());
  });
  diagnostics.subscribe("http.server.response.finish", (message) => {
    const started = serverStarts.get((message as { response: object }).response);
    if (started !== undefined) samples.server.push(performance.now() - started);
  });
  diagnostics.subscribe("undici:request:create", (message) => {
    upstreamStarts.set((message as { request: object }).request, { created: performance.now() });
  });
  diagnostics.subscribe("undici:client:sendHeaders", (message) => {
    const upstream = upstreamStarts.get((message as { request: object }).request);
    if (upstream !== undefined) upstream.written = performance.now();
  });
  diagnostics.subscribe("undici:request:trailers", (message) => {
    const upstream = upstreamStarts.get((message as { request: object }).request);
    if (upstream === undefined) return;
    samples.upstream.push(performance.now() - upstream.created);
    if (upstream.written !== undefined) samples.untilWritten.push(upstream.written - upstream.created);
  });

  return {
    take() {
      const taken = samples;
      samples = { server: [], untilWritten: [], upstream: [] };
      return taken;
    },
  };
}
