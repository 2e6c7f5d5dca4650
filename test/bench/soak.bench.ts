import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { projectPath } from "../../src/config/project-root.js";
import { startGatewayProcess, startNodeProcess } from "./gateway-process.js";
import { SIMULATOR_KEYS } from "../support/simulated-providers.js";
import { startOpenAISimulator } from "../simulators/openai/openai-simulator.js";
import { BenchClient, runConcurrent } from "./http-load.js";
import type { MemoryProbeReading } from "./memory-probe-preload.js";
import { round } from "./stats.js";

/** One row of the soak table: one hop's memory at the start and the end of the soak. */
export interface SoakRow {
  hop: string;
  requests: number;
  "RSS start": string;
  "RSS end": string;
  "RSS peak": string;
  "RSS growth": string;
  "heap after GC start": string;
  "heap after GC end": string;
  "heap growth": string;
  "external + arrayBuffers end": string;
}

/** Requests each hop serves before the first reading, so the soak starts on a warmed, compiled process. */
const WARM_UP_REQUESTS = 3000;
/** How often the resident memory is sampled during the soak, for its peak. */
const SAMPLE_EVERY_MS = 1000;

const MiB = 1024 * 1024;
const mib = (bytes: number) => `${round(bytes / MiB, 1)} MiB`;
const growth = (start: number, end: number) => `${round(((end - start) / start) * 100, 1)} %`;
const body = { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Soak request" }] };

/** Sends `rate` requests a second for `seconds`, on a fixed schedule (open loop: a slow answer does not delay the next request). */
async function sendAtFixedRate(client: BenchClient, rate: number, seconds: number, onTick: () => void): Promise<number> {
  const total = Math.round(rate * seconds);
  const started = performance.now();
  const inFlight: Promise<unknown>[] = [];
  let lastSample = started;
  for (let sent = 0; sent < total; sent += 1) {
    const due = started + (sent * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(client.send(body));
    if (inFlight.length >= 1000) await Promise.all(inFlight.splice(0));
    if (performance.now() - lastSample >= SAMPLE_EVERY_MS) {
      lastSample = performance.now();
      onTick();
    }
  }
  await Promise.all(inFlight);
  return total;
}

/**
 * The soak (`BENCH_SOAK_S` seconds at `BENCH_SOAK_RATE` requests a second, default 200): the gateway (auth,
 * limits and ledger on) and the bare proxy side by side under the same fixed-rate load, each read after a
 * full garbage collection at the start and at the end (`memory-probe-preload.ts`), so a leak shows as
 * growth of the heap after GC, and the resident memory (from /proc, every thread and PGlite's WebAssembly
 * memory included) shows what the process holds.
 */
export async function runSoakBench(options: { seconds: number; rate: number; hopCpus?: string }): Promise<SoakRow[]> {
  const simulator = await startOpenAISimulator({ apiKey: SIMULATOR_KEYS.openai });
  const dataDir = mkdtempSync(join(tmpdir(), "gw-soak-"));
  const portFiles = { gateway: join(dataDir, "gateway.memory-port"), bare: join(dataDir, "bare.memory-port") };
  const probeArgs = ["--expose-gc", "--import", projectPath("dist", "test", "bench", "memory-probe-preload.js")];
  const cpus = options.hopCpus === undefined ? {} : { cpus: options.hopCpus };
  const gateway = await startGatewayProcess({
    dataDir,
    env: { OPENAI_API_KEY: SIMULATOR_KEYS.openai, OPENAI_BASE_URL: `${simulator.url}/v1`, BENCH_MEMORY_PORT_FILE: portFiles.gateway },
    nodeArgs: probeArgs,
    ...cpus,
  });
  const bare = await startNodeProcess({
    script: projectPath("dist", "test", "bench", "bare-proxy.js"),
    env: { UPSTREAM_URL: simulator.url, UPSTREAM_KEY: SIMULATOR_KEYS.openai, BENCH_MEMORY_PORT_FILE: portFiles.bare },
    nodeArgs: probeArgs,
    ...cpus,
  });
  const read = async (hop: "gateway" | "bare") =>
    (await (await fetch(`http://127.0.0.1:${readFileSync(portFiles[hop], "utf8")}/`)).json()) as MemoryProbeReading;
  const hops = {
    gateway: { client: new BenchClient(gateway.url, "/api/v1/chat/completions", { authorization: `Bearer ${gateway.apiKey}` }, 50), process: gateway },
    bare: { client: new BenchClient(bare.url, "/api/v1/chat/completions", {}, 50), process: bare },
  };
  try {
    for (const hop of Object.values(hops)) await runConcurrent({ concurrency: 8, total: WARM_UP_REQUESTS, send: () => hop.client.send(body) });
    const start = { gateway: await read("gateway"), bare: await read("bare") };
    const peak = { gateway: start.gateway.rss, bare: start.bare.rss };
    const samplePeaks = () => {
      peak.gateway = Math.max(peak.gateway, hops.gateway.process.residentMiB() * MiB);
      peak.bare = Math.max(peak.bare, hops.bare.process.residentMiB() * MiB);
    };
    const sent = await Promise.all([
      sendAtFixedRate(hops.gateway.client, options.rate, options.seconds, samplePeaks),
      sendAtFixedRate(hops.bare.client, options.rate, options.seconds, () => undefined),
    ]);
    const end = { gateway: await read("gateway"), bare: await read("bare") };
    return (["gateway", "bare"] as const).map((hop, index) => ({
      hop: hop === "gateway" ? `gateway (${process.env.DATABASE_URL ? "Postgres + Redis" : "PGlite"})` : "bare proxy",
      requests: WARM_UP_REQUESTS + (sent[index] ?? 0),
      "RSS start": mib(start[hop].rss),
      "RSS end": mib(end[hop].rss),
      "RSS peak": mib(Math.max(peak[hop], end[hop].rss)),
      "RSS growth": growth(start[hop].rss, end[hop].rss),
      "heap after GC start": mib(start[hop].heapUsed),
      "heap after GC end": mib(end[hop].heapUsed),
      "heap growth": growth(start[hop].heapUsed, end[hop].heapUsed),
      "external + arrayBuffers end": `${mib(end[hop].external)} + ${mib(end[hop].arrayBuffers)}`,
    }));
  } finally {
    await Promise.all(Object.values(hops).map((hop) => hop.client.close()));
    await gateway.stop();
    await bare.stop();
    await simulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
