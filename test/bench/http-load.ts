import { Pool } from "undici";
import { percentile } from "./stats.js";

/** One measured request: total time, and for streams the time to the first content chunk and the gaps after it. */
export interface Sample {
  totalMs: number;
  firstChunkMs?: number;
  gapsMs?: number[];
}

/**
 * A keep-alive client for one origin, so the benchmark measures the server and not connection setup. The
 * same client code calls the simulated upstream directly and the gateway, so the difference is the gateway.
 */
export class BenchClient {
  private readonly pool: Pool;

  constructor(
    private readonly origin: string,
    private readonly path: string,
    private readonly headers: Record<string, string>,
    connections: number,
  ) {
    this.pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  }

  async send(body: unknown): Promise<Sample> {
    const started = performance.now();
    const response = await this.pool.request({
      path: this.path,
      method: "POST",
      headers: { "content-type": "application/json", ...this.headers },
      body: JSON.stringify(body),
    });
    if (response.statusCode !== 200) throw new Error(`${this.origin}${this.path} answered ${response.statusCode}: ${await response.body.text()}`);
    let firstChunkMs: number | undefined;
    let last = 0;
    const gapsMs: number[] = [];
    for await (const chunk of response.body) {
      const now = performance.now() - started;
      // A chunk with actual text (the role chunk's empty `"content":""` does not count as a token).
      if (/"content":"[^"]/.test(String(chunk))) {
        if (firstChunkMs === undefined) firstChunkMs = now;
        else gapsMs.push(now - last);
        last = now;
      }
    }
    const totalMs = performance.now() - started;
    return firstChunkMs === undefined ? { totalMs } : { totalMs, firstChunkMs, gapsMs };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/**
 * Runs `total` requests with `concurrency` in flight; returns the samples and the requests finished in the steady window.
 *
 * With `rampMs`, worker i sends its first request i × rampMs / concurrency after the start, as independent
 * clients would, instead of all in the same millisecond. Against an upstream with a fixed delay a lockstep
 * start never spreads out again (every round trip takes the same time), so each wave of answers lands on the
 * server at once; staggering over one upstream period measures the server and not that artefact. Throughput
 * is counted in the steady window, from the moment every worker has started to the moment the first worker
 * finds nothing left to send, so the ramp at either end does not dilute it.
 */
export async function runConcurrent(options: { concurrency: number; total: number; send: () => Promise<Sample>; rampMs?: number }): Promise<{ samples: Sample[]; windowRequests: number; windowMs: number }> {
  const samples: Sample[] = [];
  const finishedAt: number[] = [];
  let started = 0;
  const begin = performance.now();
  const rampMs = options.rampMs ?? 0;
  let drainingFrom = Number.POSITIVE_INFINITY;
  async function worker(index: number): Promise<void> {
    if (rampMs > 0) await new Promise((resolve) => setTimeout(resolve, (index * rampMs) / options.concurrency));
    while (started < options.total) {
      started += 1;
      samples.push(await options.send());
      finishedAt.push(performance.now());
    }
    drainingFrom = Math.min(drainingFrom, performance.now());
  }
  await Promise.all(Array.from({ length: options.concurrency }, (_, index) => worker(index)));
  const windowStart = begin + rampMs;
  return { samples, windowRequests: finishedAt.filter((time) => time > windowStart && time <= drainingFrom).length, windowMs: drainingFrom - windowStart };
}

export function summarise(samples: Sample[]): { p50: number; p99: number } {
  const totals = samples.map((sample) => sample.totalMs);
  return { p50: percentile(totals, 50), p99: percentile(totals, 99) };
}
