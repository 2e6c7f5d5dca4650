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

/** One row of the printed table: the same figure through both faces, and what the Messages face adds. */
export interface MessagesRow {
  scenario: string;
  chat: string;
  messages: string;
  added: string;
}

const FACES = ["chat", "messages"] as const;
type Face = (typeof FACES)[number];

const PATHS: Record<Face, string> = { chat: "/api/v1/chat/completions", messages: "/api/v1/messages" };
const content = "Benchmark request [[words:20]]";
/** The same body is a valid request of both faces: a model, max_tokens and one user message with string content. */
const body = (stream: boolean) => ({ model: "openai/gpt-4o-mini", max_tokens: 256, messages: [{ role: "user", content }], ...(stream ? { stream: true } : {}) });
const ms = (value: number) => `${round(value, 3)} ms`;

/**
 * What the Anthropic Messages face costs over chat completions for the same answer: one gateway process in
 * front of one simulated OpenAI upstream, the two faces measured in alternating requests of the same run (so
 * drift falls on both alike), non-streaming and streaming at concurrency 1, and non-streaming at concurrency 50.
 * The difference is the Messages parsing and serialising (the pipeline behind both is the same).
 */
export async function runMessagesBench(options: { rounds: number; loadRequests: number; loadRounds: number; hopCpus?: string }): Promise<MessagesRow[]> {
  const simulator = await startOpenAISimulator({ apiKey: SIMULATOR_KEYS.openai });
  const folder = mkdtempSync(join(tmpdir(), "gw-bench-messages-"));
  let gateway: GatewayProcess | undefined;
  const rows: MessagesRow[] = [];
  try {
    gateway = await startGatewayProcess({
      dataDir: folder,
      env: { OPENAI_API_KEY: SIMULATOR_KEYS.openai, OPENAI_BASE_URL: `${simulator.url}/v1` },
      ...(options.hopCpus === undefined ? {} : { cpus: options.hopCpus }),
    });
    const running = gateway;
    const clientsFor = (connections: number): Record<Face, BenchClient> => ({
      chat: new BenchClient(running.url, PATHS.chat, { authorization: `Bearer ${running.apiKey}` }, connections),
      messages: new BenchClient(running.url, PATHS.messages, { "x-api-key": running.apiKey, "anthropic-version": "2023-06-01" }, connections),
    });
    const row = (scenario: string, figures: Record<Face, number>): MessagesRow => ({ scenario, chat: ms(figures.chat), messages: ms(figures.messages), added: ms(figures.messages - figures.chat) });

    const warm = clientsFor(50);
    for (const face of FACES) await runConcurrent({ concurrency: 50, total: Math.min(2000, options.loadRequests), send: () => warm[face].send(body(false)) });
    await Promise.all(FACES.map((face) => warm[face].close()));

    const one = clientsFor(1);
    for (const stream of [false, true]) {
      const samples: Record<Face, Sample[]> = { chat: [], messages: [] };
      for (let index = 0; index < options.rounds; index += 1) {
        for (const face of FACES) samples[face].push(await one[face].send(body(stream)));
      }
      const kind = stream ? "streaming (20 words, until the end)" : "non-streaming (20 words)";
      const summary = { chat: summarise(samples.chat), messages: summarise(samples.messages) };
      rows.push(row(`${kind}, concurrency 1, p50 (${options.rounds} interleaved rounds)`, { chat: summary.chat.p50, messages: summary.messages.p50 }));
      rows.push(row(`${kind}, concurrency 1, p99`, { chat: summary.chat.p99, messages: summary.messages.p99 }));
    }
    await Promise.all(FACES.map((face) => one[face].close()));

    const fifty = clientsFor(50);
    const perRound = Math.max(50, Math.floor(options.loadRequests / options.loadRounds));
    const runs: Record<Face, { samples: Sample[]; requests: number; windowMs: number }> = { chat: { samples: [], requests: 0, windowMs: 0 }, messages: { samples: [], requests: 0, windowMs: 0 } };
    for (let index = 0; index < options.loadRounds; index += 1) {
      for (const face of FACES) {
        const run = await runConcurrent({ concurrency: 50, total: perRound, send: () => fifty[face].send(body(false)) });
        runs[face].samples.push(...run.samples);
        runs[face].requests += run.windowRequests;
        runs[face].windowMs += run.windowMs;
      }
    }
    await Promise.all(FACES.map((face) => fifty[face].close()));
    const label = `non-streaming, concurrency 50 (${options.loadRounds} × ${perRound} requests)`;
    const load = { chat: summarise(runs.chat.samples), messages: summarise(runs.messages.samples) };
    rows.push(row(`${label}, p50`, { chat: load.chat.p50, messages: load.messages.p50 }));
    rows.push(row(`${label}, p99`, { chat: load.chat.p99, messages: load.messages.p99 }));
    const rate = (face: Face) => (runs[face].requests / runs[face].windowMs) * 1000;
    rows.push({
      scenario: `${label}, throughput`,
      chat: `${round(rate("chat"), 1)} req/s`,
      messages: `${round(rate("messages"), 1)} req/s`,
      added: `${round(((rate("messages") - rate("chat")) / rate("chat")) * 100, 1)} %`,
    });
  } finally {
    await gateway?.stop();
    await simulator.close();
    rmSync(folder, { recursive: true, force: true });
  }
  return rows;
}
