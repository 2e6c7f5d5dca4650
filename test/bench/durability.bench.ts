import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startOpenAISimulator } from "../simulators/openai/openai-simulator.js";
import { SIMULATOR_KEYS } from "../support/simulated-providers.js";
import { startGatewayProcess } from "./gateway-process.js";
import type { GatewayProcess } from "./gateway-process.js";
import { BenchClient, runConcurrent, summarise } from "./http-load.js";
import type { Sample } from "./http-load.js";
import { round } from "./stats.js";

/** One row of the printed table: the same figure for both modes, and what strict adds. */
export interface DurabilityRow {
  scenario: string;
  relaxed: string;
  strict: string;
  added: string;
}

const MODES = ["relaxed", "strict"] as const;
type Mode = (typeof MODES)[number];

const body = (stream: boolean) => ({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Benchmark request" }], ...(stream ? { stream: true } : {}) });
const ms = (value: number) => `${round(value, 3)} ms`;

/**
 * What `BILLING_DURABILITY=strict` costs: two gateway processes, one per mode, each on its own database, in
 * front of one simulated OpenAI upstream, measured in alternating rounds of the same run (so drift falls on
 * both alike). Strict sends a response's final byte only once its charge and generation record are committed
 * (group commit), relaxed writes them after the answer; the difference is the wait for those writes, at
 * concurrency 1 (each request waits for its own writes) and 50 (concurrent requests share them).
 */
export async function runDurabilityBench(options: { rounds: number; loadRequests: number; loadRounds: number; hopCpus?: string }): Promise<DurabilityRow[]> {
  const simulator = await startOpenAISimulator({ apiKey: SIMULATOR_KEYS.openai });
  const folders = MODES.map(() => mkdtempSync(join(tmpdir(), "gw-bench-durability-")));
  const gateways: Record<Mode, GatewayProcess> = {} as Record<Mode, GatewayProcess>;
  const rows: DurabilityRow[] = [];
  try {
    for (const [index, mode] of MODES.entries()) {
      gateways[mode] = await startGatewayProcess({
        dataDir: folders[index]!,
        env: { OPENAI_API_KEY: SIMULATOR_KEYS.openai, OPENAI_BASE_URL: `${simulator.url}/v1`, BILLING_DURABILITY: mode },
        ...(options.hopCpus === undefined ? {} : { cpus: options.hopCpus }),
      });
    }
    const clientsFor = (connections: number): Record<Mode, BenchClient> => ({
      relaxed: new BenchClient(gateways.relaxed.url, "/api/v1/chat/completions", { authorization: `Bearer ${gateways.relaxed.apiKey}` }, connections),
      strict: new BenchClient(gateways.strict.url, "/api/v1/chat/completions", { authorization: `Bearer ${gateways.strict.apiKey}` }, connections),
    });
    const row = (scenario: string, figures: Record<Mode, number>): DurabilityRow => ({ scenario, relaxed: ms(figures.relaxed), strict: ms(figures.strict), added: ms(figures.strict - figures.relaxed) });

    // Warm both (JIT, the database's caches) at the measured concurrency.
    const warm = clientsFor(50);
    for (const mode of MODES) await runConcurrent({ concurrency: 50, total: Math.min(2000, options.loadRequests), send: () => warm[mode].send(body(false)) });
    await Promise.all(MODES.map((mode) => warm[mode].close()));

    // Concurrency 1: one request to each in turn, non-streaming and streaming.
    const one = clientsFor(1);
    for (const stream of [false, true]) {
      const samples: Record<Mode, Sample[]> = { relaxed: [], strict: [] };
      for (let index = 0; index < options.rounds; index += 1) {
        for (const mode of MODES) samples[mode].push(await one[mode].send(body(stream)));
      }
      const kind = stream ? "streaming (until [DONE])" : "non-streaming";
      const summary = { relaxed: summarise(samples.relaxed), strict: summarise(samples.strict) };
      rows.push(row(`${kind}, concurrency 1, p50 (${options.rounds} interleaved rounds)`, { relaxed: summary.relaxed.p50, strict: summary.strict.p50 }));
      rows.push(row(`${kind}, concurrency 1, p99`, { relaxed: summary.relaxed.p99, strict: summary.strict.p99 }));
    }
    await Promise.all(MODES.map((mode) => one[mode].close()));

    // Concurrency 50: alternating rounds of non-streaming requests.
    const fifty = clientsFor(50);
    const perRound = Math.max(50, Math.floor(options.loadRequests / options.loadRounds));
    const runs: Record<Mode, { samples: Sample[]; requests: number; windowMs: number }> = { relaxed: { samples: [], requests: 0, windowMs: 0 }, strict: { samples: [], requests: 0, windowMs: 0 } };
    for (let index = 0; index < options.loadRounds; index += 1) {
      for (const mode of MODES) {
        const run = await runConcurrent({ concurrency: 50, total: perRound, send: () => fifty[mode].send(body(false)) });
        runs[mode].samples.push(...run.samples);
        runs[mode].requests += run.windowRequests;
        runs[mode].windowMs += run.windowMs;
      }
    }
    await Promise.all(MODES.map((mode) => fifty[mode].close()));
    const load = { relaxed: summarise(runs.relaxed.samples), strict: summarise(runs.strict.samples) };
    const label = `non-streaming, concurrency 50 (${options.loadRounds} × ${perRound} requests)`;
    rows.push(row(`${label}, p50`, { relaxed: load.relaxed.p50, strict: load.strict.p50 }));
    rows.push(row(`${label}, p99`, { relaxed: load.relaxed.p99, strict: load.strict.p99 }));
    const rate = (mode: Mode) => (runs[mode].requests / runs[mode].windowMs) * 1000;
    rows.push({
      scenario: `${label}, throughput`,
      relaxed: `${round(rate("relaxed"), 1)} req/s`,
      strict: `${round(rate("strict"), 1)} req/s`,
      added: `${round(((rate("strict") - rate("relaxed")) / rate("relaxed")) * 100, 1)} %`,
    });
  } finally {
    await Promise.all(Object.values(gateways).map((gateway) => gateway.stop()));
    await simulator.close();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  }
  return rows;
}
