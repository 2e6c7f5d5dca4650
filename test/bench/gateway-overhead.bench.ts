import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGatewayProcess } from "./gateway-process.js";
import { SIMULATOR_KEYS } from "../support/simulated-providers.js";
import { startOpenAISimulator } from "../simulators/openai/openai-simulator.js";
import { BenchClient, runConcurrent, summarise } from "./http-load.js";
import type { Sample } from "./http-load.js";
import { percentile, round } from "./stats.js";

/** One row of the printed table. */
export interface BenchRow {
  scenario: string;
  direct: string;
  gateway: string;
  added: string;
}

function ms(value: number): string {
  return `${round(value, 3)} ms`;
}

/**
 * Direct call to the simulated OpenAI upstream versus the same call through the gateway, with authentication,
 * rate limits and the ledger on (a real funded key; every request is held, charged and recorded). The
 * gateway runs as its own process (`dist/src/main.js`), as in production; the load client and the simulator
 * share this one.
 */
export async function runGatewayOverheadBench(options: { rounds: number; loadRequests: number }): Promise<BenchRow[]> {
  const simulator = await startOpenAISimulator({ apiKey: SIMULATOR_KEYS.openai });
  const dataDir = mkdtempSync(join(tmpdir(), "gw-bench-"));
  // BENCH_CPU_PROFILE=<folder> writes a V8 CPU profile of the gateway process there (open it in Chrome DevTools).
  const profileDir = process.env.BENCH_CPU_PROFILE;
  const gateway = await startGatewayProcess({
    dataDir,
    env: { OPENAI_API_KEY: SIMULATOR_KEYS.openai, OPENAI_BASE_URL: `${simulator.url}/v1` },
    ...(profileDir === undefined ? {} : { nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] }),
  });
  const key = { apiKey: gateway.apiKey };
  const rows: BenchRow[] = [];
  const message = (extra: string) => [{ role: "user", content: `Benchmark request ${extra}`.trim() }];
  const directBody = (extra = "", stream = false) => ({ model: "gpt-4o-mini", messages: message(extra), ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}) });
  const gatewayBody = (extra = "", stream = false) => ({ model: "openai/gpt-4o-mini", messages: message(extra), ...(stream ? { stream: true } : {}) });

  try {
    // 1. Added latency at concurrency 1, rounds interleaved so drift affects both sides equally.
    const direct1 = new BenchClient(simulator.url, "/v1/chat/completions", { authorization: `Bearer ${SIMULATOR_KEYS.openai}` }, 1);
    const gateway1 = new BenchClient(gateway.url, "/api/v1/chat/completions", { authorization: `Bearer ${key.apiKey}` }, 1);
    for (let warm = 0; warm < 50; warm += 1) {
      await direct1.send(directBody());
      await gateway1.send(gatewayBody());
    }
    const directSamples: Sample[] = [];
    const gatewaySamples: Sample[] = [];
    for (let round = 0; round < options.rounds; round += 1) {
      directSamples.push(await direct1.send(directBody()));
      gatewaySamples.push(await gateway1.send(gatewayBody()));
    }
    const d = summarise(directSamples);
    const g = summarise(gatewaySamples);
    rows.push({ scenario: `non-streaming, concurrency 1, p50 (${options.rounds} interleaved rounds)`, direct: ms(d.p50), gateway: ms(g.p50), added: ms(g.p50 - d.p50) });
    rows.push({ scenario: "non-streaming, concurrency 1, p99", direct: ms(d.p99), gateway: ms(g.p99), added: ms(g.p99 - d.p99) });

    // 2. Streaming: time to first token and inter-chunk gaps.
    const directStream: Sample[] = [];
    const gatewayStream: Sample[] = [];
    for (let round = 0; round < Math.max(20, Math.floor(options.rounds / 4)); round += 1) {
      directStream.push(await direct1.send(directBody("[[words:40]] [[delay:2]]", true)));
      gatewayStream.push(await gateway1.send(gatewayBody("[[words:40]] [[delay:2]]", true)));
    }
    const ttft = (samples: Sample[]) => percentile(samples.map((sample) => sample.firstChunkMs ?? Number.NaN), 50);
    const gaps = (samples: Sample[]) => percentile(samples.flatMap((sample) => sample.gapsMs ?? []), 99);
    rows.push({ scenario: "streaming, time to first token, p50", direct: ms(ttft(directStream)), gateway: ms(ttft(gatewayStream)), added: ms(ttft(gatewayStream) - ttft(directStream)) });
    rows.push({ scenario: "streaming, inter-chunk gap, p99", direct: ms(gaps(directStream)), gateway: ms(gaps(gatewayStream)), added: ms(gaps(gatewayStream) - gaps(directStream)) });
    await direct1.close();
    await gateway1.close();

    // 3. Throughput and p99 at concurrency 50, against a 0 ms and a 60 ms upstream.
    for (const delay of [0, 60]) {
      const extra = delay === 0 ? "" : `[[delay:${delay}]]`;
      const direct50 = new BenchClient(simulator.url, "/v1/chat/completions", { authorization: `Bearer ${SIMULATOR_KEYS.openai}` }, 50);
      const gateway50 = new BenchClient(gateway.url, "/api/v1/chat/completions", { authorization: `Bearer ${key.apiKey}` }, 50);
      const total = delay === 0 ? options.loadRequests : Math.floor(options.loadRequests / 2);
      const directRun = await runConcurrent({ concurrency: 50, total, send: () => direct50.send(directBody(extra)) });
      const gatewayRun = await runConcurrent({ concurrency: 50, total, send: () => gateway50.send(gatewayBody(extra)) });
      const dr = summarise(directRun.samples, directRun.wallMs);
      const gr = summarise(gatewayRun.samples, gatewayRun.wallMs);
      rows.push({
        scenario: `concurrency 50, ${delay} ms upstream, throughput (${total} requests)`,
        direct: `${round(dr.throughput ?? 0, 1)} req/s`,
        gateway: `${round(gr.throughput ?? 0, 1)} req/s`,
        added: `${round((((gr.throughput ?? 0) - (dr.throughput ?? 0)) / (dr.throughput ?? 1)) * 100, 1)} %`,
      });
      rows.push({ scenario: `concurrency 50, ${delay} ms upstream, p99`, direct: ms(dr.p99), gateway: ms(gr.p99), added: ms(gr.p99 - dr.p99) });
      await direct50.close();
      await gateway50.close();
    }
    rows.push({ scenario: "resident memory of the gateway process after the runs", direct: "", gateway: `${round(gateway.residentMiB(), 1)} MiB`, added: "" });
  } finally {
    await gateway.stop();
    await simulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}
