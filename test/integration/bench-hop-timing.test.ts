import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { Pool } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHopTiming } from "../bench/hop-timing.js";

/**
 * The benchmark's in-process timing (BENCH_TRACE=1) is only worth its rows if it pairs each request with its
 * own timings and leaves out the servers it is told to. A real hop in one process: a client (node:http, so
 * it is not an undici request itself) calls a hop, which forwards with undici to an upstream that answers
 * after 40 ms; the upstream server is excluded, as the benchmark excludes its own trace endpoint.
 */
describe("bench hop timing", () => {
  const UPSTREAM_DELAY_MS = 40;
  let upstream: Server;
  let hop: Server;
  let pool: Pool;
  const ignored = new Set<object>();
  const timing = startHopTiming(ignored);

  const listen = (server: Server) => new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));

  beforeAll(async () => {
    upstream = createServer((_request, response) => {
      setTimeout(() => response.end("upstream answer"), UPSTREAM_DELAY_MS);
    });
    ignored.add(upstream);
    const upstreamPort = await listen(upstream);
    pool = new Pool(`http://127.0.0.1:${upstreamPort}`);
    hop = createServer((_request, response) => {
      void pool.request({ path: "/", method: "GET" }).then(async (answer) => response.end(await answer.body.text()));
    });
    const hopPort = await listen(hop);
    timing.take();
    const body = await new Promise<string>((resolve, reject) => {
      httpRequest({ host: "127.0.0.1", port: hopPort, path: "/" }, (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => (text += chunk.toString()));
        response.on("end", () => resolve(text));
      })
        .on("error", reject)
        .end();
    });
    expect(body).toBe("upstream answer");
  });

  afterAll(async () => {
    await pool.close();
    await new Promise((resolve) => hop.close(resolve));
    await new Promise((resolve) => upstream.close(resolve));
  });

  it("times the served request and its upstream call, each once, and the upstream inside the served one", () => {
    const samples = timing.take();
    // The hop only: the upstream server is in `ignored`.
    expect(samples.server).toHaveLength(1);
    expect(samples.upstream).toHaveLength(1);
    expect(samples.untilWritten).toHaveLength(1);
    const [served] = samples.server as [number];
    const [upstreamCall] = samples.upstream as [number];
    const [untilWritten] = samples.untilWritten as [number];
    expect(upstreamCall).toBeGreaterThanOrEqual(UPSTREAM_DELAY_MS - 1);
    expect(served).toBeGreaterThanOrEqual(upstreamCall);
    expect(untilWritten).toBeGreaterThanOrEqual(0);
    expect(untilWritten).toBeLessThan(upstreamCall);
  });

  it("starts afresh after each take", () => {
    expect(timing.take()).toEqual({ server: [], untilWritten: [], upstream: [] });
  });
});
