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

/** One row of the printed table: the same figure through both faces, and what the Responses face adds. */
export interface ResponsesRow {
  scenario: string;
  chat: string;
  responses: string;
  added: string;
}

const FACES = ["chat", "responses"] as const;
type Face = (typeof FACES)[number];

const PATHS: Record<Face, string> = { chat: "/api/v1/chat/completions", responses: "/api/v1/responses" };
const content = "Benchmark request [[words:20]]";
/** The same request in each face's shape: a model, the output limit and one user message. */
const BODIES: Record<Face, (stream: boolean) => Record<string, unknown>> = {
  chat: (stream) => ({ model: "openai/gpt-4o-mini", max_tokens: 256, messages: [{ role: "user", content }], ...(stream ? { stream: true } : {}) }),
  responses: (stream) => ({ model: "openai/gpt-4o-mini", max_output_tokens: 256, input: content, ...(stream ? { stream: true } : {}) }),
};
const ms = (value: number) => `${round(value, 3)} ms`;

/**
 * What the OpenAI Responses face costs over chat completions for the same answer: one gateway process in front
 * of one simulated OpenAI upstream, the two faces measured in alternating requests of the same run (so drift
 * falls on both alike), non-streaming and streaming at concurrency 1, and non-streaming at concurrency 50. The
 * difference is the Responses parsing and serialising, and the typed events' larger stream (the pipeline
 * behind both is the same).
 */
export async function runResponsesBench(options: { rounds: number; loadRequests: number; loadRounds: number; hopCpus?: string }): Promise<ResponsesRow[]> {
  const simulator = await startOpenAISimulator({ apiKey: SIMULATOR_KEYS.openai });
  const folder = mkdtempSync(join(tmpdir(), "gw-bench-responses-"));
  let gateway: GatewayProcess | undefined;
  const rows: ResponsesRow[] = [];
  try {
    gateway = await startGatewayProcess({
      dataDir: folder,
      env: { OPENAI_API_KEY: SIMULATOR_KEYS.openai, OPENAI_BASE_URL: `${simulator.url}/v1` },
      ...(options.hopCpus === undefined ? {} : { cpus: options.hopCpus }),
    });
    const running = gateway;
    const clientsFor = (connections: number): Record<Face, BenchClient> => ({
      chat: new BenchClient(running.url, PATHS.chat, { authorization: `Bearer ${running.apiKey}` }, connections),
      responses: new BenchClient(running.url, PATHS.responses, { authorization: `Bearer ${running.apiKey}` }, connections),
    });
    const row = (scenario: string, figures: Record<Face, number>): ResponsesRow => ({ scenario, chat: ms(figures.chat), responses: ms(figures.responses), added: ms(figures.responses - figures.chat) });

    const warm = clientsFor(50);
    for (const face of FACES) await runConcurrent({ concurrency: 50, total: Math.min(2000, options.loadRequests), send: () => warm[face].send(BODIES[face](false)) });
    await Promise.all(FACES.map((face) => warm[face].close()));

    const one = clientsFor(1);
    for (const stream of [false, true]) {
      const samples: Record<Face, Sample[]> = { chat: [], responses: [] };
      for (let index = 0; index < options.rounds; index += 1) {
        for (const face of FACES) samples[face].push(await one[face].send(BODIES[face](stream)));
      }
      const kind = stream ? "streaming (20 words, until the end)" : "non-streaming (20 words)";
      const summary = { chat: summarise(samples.chat), responses: summarise(samples.responses) };
      rows.push(row(`${kind}, concurrency 1, p50 (${options.rounds} interleaved rounds)`, { chat: summary.chat.p50, responses: summary.responses.p50 }));
      rows.push(row(`${kind}, concurrency 1, p99`, { chat: summary.chat.p99, responses: summary.responses.p99 }));
    }
    await Promise.all(FACES.map((face) => one[face].close()));

    const fifty = clientsFor(50);
    const perRound = Math.max(50, Math.floor(options.loadRequests / options.loadRounds));
    const runs: Record<Face, { samples: Sample[]; requests: number; windowMs: number }> = { chat: { samples: [], requests: 0, windowMs: 0 }, responses: { samples: [], requests: 0, windowMs: 0 } };
    for (let index = 0; index < options.loadRounds; index += 1) {
      for (const face of FACES) {
        const run = await runConcurrent({ concurrency: 50, total: perRound, send: () => fifty[face].send(BODIES[face](false)) });
        runs[face].samples.push(...run.samples);
        runs[face].requests += run.windowRequests;
        runs[face].windowMs += run.windowMs;
      }
    }
    await Promise.all(FACES.map((face) => fifty[face].close()));
    const label = `non-streaming, concurrency 50 (${options.loadRounds} × ${perRound} requests)`;
    const load = { chat: summarise(runs.chat.samples), responses: summarise(runs.responses.samples) };
    rows.push(row(`${label}, p50`, { chat: load.chat.p50, responses: load.responses.p50 }));
    rows.push(row(`${label}, p99`, { chat: load.chat.p99, responses: load.responses.p99 }));
    const rate = (face: Face) => (runs[face].requests / runs[face].windowMs) * 1000;
    rows.push({
      scenario: `${label}, throughput`,
      chat: `${round(rate("chat"), 1)} req/s`,
      responses: `${round(rate("responses"), 1)} req/s`,
      added: `${round(((rate("responses") - rate("chat")) / rate("chat")) * 100, 1)} %`,
    });
  } finally {
    await gateway?.stop();
    await simulator.close();
    rmSync(folder, { recursive: true, force: true });
  }
  return rows;
}
