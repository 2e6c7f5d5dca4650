import Fastify from "fastify";
import { Pool } from "undici";

/**
 * The reference hop for the gateway benchmark: a Fastify server that forwards each chat completion to the
 * upstream with undici and relays the JSON answer, with nothing else (no authentication, limits, routing,
 * translation or ledger). What it costs against calling the upstream directly is what any Node.js HTTP hop
 * costs on the machine; the gateway's own work is the difference between it and the gateway.
 *
 * Run as its own process: `node dist/test/bench/bare-proxy.js` with UPSTREAM_URL, UPSTREAM_KEY and PORT.
 *
 * With BARE_SPIN_US=<n> it also burns n µs of CPU per request, half before forwarding and half after the
 * answer (where the gateway does its own work): the benchmark's calibration (BENCH_CALIBRATE) runs such
 * proxies beside the gateway to show what a hop that costs a given CPU time per request loses under load.
 */
const upstreamUrl = process.env.UPSTREAM_URL ?? "";
const upstreamKey = process.env.UPSTREAM_KEY ?? "";
const halfSpinMs = Number(process.env.BARE_SPIN_US ?? 0) / 2000;

/** Keeps the CPU busy for `milliseconds` (a busy loop, not a timer: the point is to use the CPU). */
function spin(milliseconds: number): void {
  if (milliseconds <= 0) return;
  const until = performance.now() + milliseconds;
  while (performance.now() < until) {
    // busy
  }
}
const upstream = new Pool(upstreamUrl, { pipelining: 1, keepAliveTimeout: 60_000 });
const app = Fastify({ logger: false });

app.post("/api/v1/chat/completions", async (request, reply) => {
  spin(halfSpinMs);
  const body = { ...(request.body as Record<string, unknown>), model: String((request.body as { model?: unknown }).model ?? "").replace(/^[^/]+\//, "") };
  const answer = await upstream.request({
    path: "/v1/chat/completions",
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${upstreamKey}` },
    body: JSON.stringify(body),
  });
  const json = (await answer.body.json()) as Record<string, unknown>;
  spin(halfSpinMs);
  return reply.code(answer.statusCode).send(json);
});

await app.listen({ port: Number(process.env.PORT ?? 0), host: "127.0.0.1" });
process.on("SIGTERM", () => {
  void app.close().then(() => upstream.close()).then(() => process.exit(0));
});
