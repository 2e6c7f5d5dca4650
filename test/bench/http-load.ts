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

/** Runs `total` requests with `concurrency` in flight; returns samples and wall time. */
export async function runConcurrent(options: { concurrency: number; total: number; send: () => Promise<Sample> }): Promise<{ samples: Sample[]; wallMs: number }> {
  const samples: Sample[] = [];
  let started = 0;
  const begin = performance.now();
  async function worker(): Promise<void> {
    while (started < options.total) {
      started += 1;
      samples.push(await options.send());
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { samples, wallMs: performance.now() - begin };
}

export function summarise(samples: Sample[], wallMs?: number): { p50: number; p99: number; throughput?: number } {
  const totals = samples.map((sample) => sample.totalMs);
  return {
    p50: percentile(totals, 50),
    p99: percentile(totals, 99),
    ...(wallMs === undefined ? {} : { throughput: (samples.length / wallMs) * 1000 }),
  };
}
