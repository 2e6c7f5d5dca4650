import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "graphql-ws";
import type { Client } from "graphql-ws";
import WebSocket from "ws";
import { startOpenAISimulator } from "../simulators/openai/openai-simulator.js";
import { CHAT_COMPLETION_SUBSCRIPTION } from "../support/chat-subscription.js";
import { SIMULATOR_KEYS } from "../support/simulated-providers.js";
import { startGatewayProcess } from "./gateway-process.js";
import { BenchClient } from "./http-load.js";
import { mean, percentile, round } from "./stats.js";

/** One printed figure. */
export interface SubscriptionBenchRow {
  figure: string;
  value: string;
}

export interface SubscriptionBenchOptions {
  /** Concurrent streaming subscriptions to hold open (BENCH_SUB_STREAMS). */
  streams: number;
  /** Subscriptions per WebSocket (BENCH_SUB_PER_SOCKET). */
  perSocket: number;
  /** Words per answer and the upstream's pause before each (BENCH_SUB_WORDS, BENCH_SUB_DELAY_MS): how long each stream lasts. */
  words: number;
  delayMs: number;
  /** Subscriptions opened per 100 ms while ramping up (BENCH_SUB_RAMP_PER_100MS), as independent clients arrive. */
  rampPer100Ms: number;
  /** Interleaved SSE / subscription requests for the time-to-first-token comparison (BENCH_SUB_TTFT_ROUNDS). */
  ttftRounds: number;
  hopCpus?: string;
}

const MODEL = "openai/gpt-4o-mini";

function connectedClient(url: string, apiKey: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = createClient({
      url: `${url.replace(/^http/, "ws")}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${apiKey}` },
      retryAttempts: 0,
      lazy: false,
      keepAlive: 0,
      on: { connected: () => resolve(client), closed: (event) => reject(new Error(`socket closed: ${JSON.stringify(event)}`)) },
    });
  });
}

/** Subscribes and resolves when the stream ends; `onFirstToken` runs at the first content delta. */
function stream(client: Client, content: string, hooks: { onStarted?: () => void; onFirstToken?: () => void; onEnd?: () => void }): Promise<void> {
  return new Promise((resolve, reject) => {
    let sawToken = false;
    client.subscribe<{ chatCompletion: { __typename: string } }>(
      { query: CHAT_COMPLETION_SUBSCRIPTION, variables: { input: { model: MODEL, messages: [{ role: "user", content }] } } },
      {
        next: (result) => {
          if (result.errors !== undefined) return reject(new Error(JSON.stringify(result.errors)));
          const kind = result.data?.chatCompletion.__typename;
          if (kind === "ChatCompletionStarted") hooks.onStarted?.();
          if (kind === "ChatCompletionContentDelta" && !sawToken) {
            sawToken = true;
            hooks.onFirstToken?.();
          }
        },
        error: (error: unknown) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
        complete: () => {
          hooks.onEnd?.();
          resolve();
        },
      },
    );
  });
}

/**
 * N concurrent `chatCompletion` subscriptions from this one process against one gateway process, the simulated
 * OpenAI upstream streaming each answer slowly (a word every BENCH_SUB_DELAY_MS): the gateway's resident memory
 * before and at the peak, the most streams held open at once, and so the memory each open stream costs. Then,
 * in the same run against the same gateway, time to first token over the subscription against REST SSE
 * (interleaved, one at a time, an already-open socket and a keep-alive HTTP connection).
 */
export async function runSubscriptionBench(options: SubscriptionBenchOptions): Promise<SubscriptionBenchRow[]> {
  const simulator = await startOpenAISimulator({ apiKey: SIMULATOR_KEYS.openai });
  const dataDir = mkdtempSync(join(tmpdir(), "gw-bench-subscriptions-"));
  const gateway = await startGatewayProcess({
    dataDir,
    env: {
      OPENAI_API_KEY: SIMULATOR_KEYS.openai,
      OPENAI_BASE_URL: `${simulator.url}/v1`,
      GRAPHQL_WS_MAX_STREAMS_PER_KEY: String(options.streams + 10),
      GRAPHQL_WS_MAX_STREAMS_PER_SOCKET: String(options.perSocket),
    },
    ...(options.hopCpus === undefined ? {} : { cpus: options.hopCpus }),
  });
  const rows: SubscriptionBenchRow[] = [];
  const clients: Client[] = [];
  try {
    const socketCount = Math.ceil(options.streams / options.perSocket);
    for (let index = 0; index < socketCount; index += 1) clients.push(await connectedClient(gateway.url, gateway.apiKey));
    // Warm the path (JIT, caches) with a few short streams.
    await Promise.all(clients.slice(0, 20).map((client) => stream(client, "warm up [[words:5]]", {})));
    const baselineMiB = gateway.residentMiB();

    let held = 0;
    let mostHeld = 0;
    let open = 0;
    let mostOpen = 0;
    let peakMiB = baselineMiB;
    let failed = 0;
    const failures = new Map<string, number>();
    const sampler = setInterval(() => {
      peakMiB = Math.max(peakMiB, gateway.residentMiB());
    }, 100);
    const startedAt = performance.now();
    const content = `Stream slowly [[words:${options.words}]] [[delay:${options.delayMs}]]`;
    await Promise.all(
      Array.from({ length: options.streams }, async (_, index) => {
        await new Promise((resolve) => setTimeout(resolve, Math.floor(index / options.rampPer100Ms) * 100));
        held += 1;
        mostHeld = Math.max(mostHeld, held);
        return stream(clients[index % clients.length]!, content, {
          onStarted: () => {
            open += 1;
            mostOpen = Math.max(mostOpen, open);
            peakMiB = Math.max(peakMiB, gateway.residentMiB());
          },
          onEnd: () => {
            open -= 1;
          },
        })
          .finally(() => {
            held -= 1;
          })
          .catch((error: unknown) => {
          failed += 1;
          const reason = (error instanceof Error ? error.message : String(error)).slice(0, 120);
          failures.set(reason, (failures.get(reason) ?? 0) + 1);
        });
      }),
    );
    clearInterval(sampler);
    const wallMs = performance.now() - startedAt;
    rows.push({ figure: "subscriptions opened (one load process)", value: `${options.streams} on ${socketCount} sockets, ${failed} failed` });
    for (const [reason, count] of failures) rows.push({ figure: `failed: ${reason}`, value: String(count) });
    rows.push({ figure: "ramp", value: `${options.rampPer100Ms} new subscriptions every 100 ms` });
    rows.push({ figure: "each stream", value: `${options.words} words, one every ${options.delayMs} ms (${round((options.words * options.delayMs) / 1000, 1)} s); all done in ${round(wallMs / 1000, 1)} s` });
    rows.push({ figure: "most subscriptions held at once (subscribed, not yet complete)", value: String(mostHeld) });
    rows.push({ figure: "most streaming at once (started, not yet finished)", value: String(mostOpen) });
    rows.push({ figure: "gateway RSS: idle sockets → peak", value: `${round(baselineMiB, 1)} MiB → ${round(peakMiB, 1)} MiB` });
    rows.push({ figure: "RSS per held subscription (peak − idle) / most held", value: `${round(((peakMiB - baselineMiB) * 1024) / Math.max(1, mostHeld), 1)} KiB` });

    // Time to first token: the subscription against REST SSE, interleaved, one at a time.
    const sse = new BenchClient(gateway.url, "/api/v1/chat/completions", { authorization: `Bearer ${gateway.apiKey}` }, 1);
    const ttft = { sse: [] as number[], subscription: [] as number[] };
    const quick = "First token [[words:5]]";
    const client = clients[0]!;
    for (let index = 0; index < options.ttftRounds; index += 1) {
      const sample = await sse.send({ model: MODEL, stream: true, messages: [{ role: "user", content: quick }] });
      if (sample.firstChunkMs !== undefined) ttft.sse.push(sample.firstChunkMs);
      const sent = performance.now();
      let first: number | undefined;
      await stream(client, quick, { onFirstToken: () => (first = performance.now() - sent) });
      if (first !== undefined) ttft.subscription.push(first);
    }
    await sse.close();
    const ms = (value: number): string => `${round(value, 3)} ms`;
    rows.push({ figure: `TTFT REST SSE, p50 / mean (${ttft.sse.length} requests)`, value: `${ms(percentile(ttft.sse, 50))} / ${ms(mean(ttft.sse))}` });
    rows.push({ figure: `TTFT subscription, p50 / mean (${ttft.subscription.length} requests)`, value: `${ms(percentile(ttft.subscription, 50))} / ${ms(mean(ttft.subscription))}` });
    rows.push({ figure: "TTFT overhead of the subscription over SSE, p50 / mean", value: `${ms(percentile(ttft.subscription, 50) - percentile(ttft.sse, 50))} / ${ms(mean(ttft.subscription) - mean(ttft.sse))}` });
    return rows;
  } finally {
    await Promise.all(clients.map((client) => client.dispose()));
    await gateway.stop();
    await simulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
