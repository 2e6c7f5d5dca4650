import "reflect-metadata";
import { cpus, totalmem } from "node:os";
import { runGatewayOverheadBench } from "./gateway-overhead.bench.js";
import type { BenchRow } from "./gateway-overhead.bench.js";
import { runLedgerBench } from "./ledger.bench.js";
import { runDurabilityBench } from "./durability.bench.js";
import { runMetricsBench } from "./metrics.bench.js";
import { runMessagesBench } from "./messages.bench.js";
import { runUsageBench } from "./usage.bench.js";
import { runResponsesBench } from "./responses.bench.js";
import { benchCpuPlan, pinThisProcess } from "./cpu-pinning.js";
import { runSubscriptionBench } from "./subscriptions.bench.js";
import { runFailoverLatencyBench, runRoutingDecisionBench } from "./routing.bench.js";
import { runSoakBench } from "./soak.bench.js";

/**
 * `npm run bench`: measures, side by side in one run, a direct call to a local simulated upstream and the same
 * call through the gateway, plus the ledger's reservation throughput. Prints tables; no assertions (speed
 * targets are checked here, never by timed tests). BENCH_ROUNDS, BENCH_LOAD and BENCH_LOAD_ROUNDS scale the
 * run; BENCH_DELAYS (default `0,60`) picks the upstream delays under load; BENCH_PIN=0 turns off CPU pinning
 * (see cpu-pinning.ts); BENCH_CPU_PROFILE=<folder> profiles the gateway and the bare proxy; BENCH_TRACE=1 times
 * each request inside the hops and the simulator under load, to show where the added time goes;
 * BENCH_CALIBRATE=<µs,...> adds bare proxies that burn that much CPU per request, measured under load beside
 * the others, to show what a hop's CPU time per request costs in throughput on this machine. Then the cost of
 * BILLING_DURABILITY=strict against relaxed at concurrency 1 and 50 (durability.bench.ts), the Anthropic Messages face against
 * chat completions for the same answer (messages.bench.ts), the OpenAI Responses face likewise (responses.bench.ts), the CPU the Prometheus metrics add per request
 * (metrics.bench.ts), and usage queries over USAGE_BENCH_ROWS seeded generations (usage.bench.ts). BENCH_ONLY=<names> (`overhead`, `durability`, `messages`, `responses`, `ledger`,
 * `subscriptions`, `metrics`, `routing`, `usage`, `soak`, comma-separated) runs only those parts; `routing` times one
 * routing decision with 10,000 endpoints in the catalog and the latency a failover before the first byte adds. The subscription part holds
 * BENCH_SUB_STREAMS (default 500, up to 5,000) `chatCompletion` subscriptions open at once, BENCH_SUB_PER_SOCKET
 * (default 10) on each socket, opened BENCH_SUB_RAMP_PER_100MS (default 100) every 100 ms, each answer BENCH_SUB_WORDS
 * words (default 20) BENCH_SUB_DELAY_MS apart (default 500), and compares time to first token with SSE over BENCH_SUB_TTFT_ROUNDS (default 200) interleaved requests.
 * The soak (`soak`) loads the gateway and the bare proxy at BENCH_SOAK_RATE requests a second (default 200)
 * for BENCH_SOAK_S seconds (default 60; the figure of record is 600) and reports their resident memory
 * and heap after GC at the start and the end, and the growth.
 */
function printTable(title: string, rows: BenchRow[]): void {
  console.log(`\n${title}`);
  console.table(rows);
}

const rounds = Number(process.env.BENCH_ROUNDS ?? 400);
const loadRequests = Number(process.env.BENCH_LOAD ?? 8000);
const loadRounds = Number(process.env.BENCH_LOAD_ROUNDS ?? 4);
const calibrationSpinsUs = (process.env.BENCH_CALIBRATE ?? "").split(",").filter((value) => value.trim() !== "").map(Number);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 1024 ** 3)} GiB, Node ${process.version}, database ${process.env.DATABASE_URL ? "Postgres" : "PGlite"}`);
const cpuPlan = benchCpuPlan();
if (cpuPlan === undefined) {
  console.log("CPU pinning: off (BENCH_PIN=0, one CPU, or no taskset): the load client, the simulator and the hops share every CPU");
} else {
  pinThisProcess(cpuPlan.load);
  console.log(`CPU pinning: load client and simulator on CPU ${cpuPlan.load}; gateway and bare proxy on CPU ${cpuPlan.hops} (BENCH_PIN=0 turns it off)`);
}
const only = (process.env.BENCH_ONLY ?? "overhead,durability,messages,responses,ledger,subscriptions,metrics,routing,usage,soak").split(",").map((name) => name.trim());
const hopCpus = cpuPlan === undefined ? {} : { hopCpus: cpuPlan.hops };
if (only.includes("overhead")) {
  printTable("Gateway overhead (simulated OpenAI upstream, auth + limits + ledger on)", await runGatewayOverheadBench({ rounds, loadRequests, loadRounds, calibrationSpinsUs, ...hopCpus }));
}
if (only.includes("durability")) {
  console.log("\nBILLING_DURABILITY: strict (final byte after the charge and record are committed) against relaxed");
  console.table(await runDurabilityBench({ rounds, loadRequests, loadRounds, ...hopCpus }));
}
if (only.includes("messages")) {
  console.log("\nAnthropic Messages face against chat completions (same simulated OpenAI answer, one gateway)");
  console.table(await runMessagesBench({ rounds, loadRequests, loadRounds, ...hopCpus }));
}
if (only.includes("responses")) {
  console.log("\nOpenAI Responses face against chat completions (same simulated OpenAI answer, one gateway)");
  console.table(await runResponsesBench({ rounds, loadRequests, loadRounds, ...hopCpus }));
}
if (only.includes("ledger")) {
  console.log("\nLedger: reservation + settlement on one hot account");
  console.table(await runLedgerBench());
}
if (only.includes("subscriptions")) {
  console.log("\nStreaming subscriptions (graphql-ws chatCompletion, simulated OpenAI upstream streaming slowly)");
  console.table(
    await runSubscriptionBench({
      streams: Number(process.env.BENCH_SUB_STREAMS ?? 500),
      perSocket: Number(process.env.BENCH_SUB_PER_SOCKET ?? 10),
      words: Number(process.env.BENCH_SUB_WORDS ?? 20),
      delayMs: Number(process.env.BENCH_SUB_DELAY_MS ?? 500),
      rampPer100Ms: Number(process.env.BENCH_SUB_RAMP_PER_100MS ?? 100),
      ttftRounds: Number(process.env.BENCH_SUB_TTFT_ROUNDS ?? 200),
      ...hopCpus,
    }),
  );
}
if (only.includes("metrics")) {
  console.log("\nPrometheus metrics: CPU added per completion request, and per scrape");
  console.table(await runMetricsBench());
}
if (only.includes("routing")) {
  console.log("\nRouting decision time (in process, one decision at a time)");
  console.table(runRoutingDecisionBench());
  console.log("\nLatency added when the first provider fails before the first byte (embedded database, simulated upstreams)");
  console.table(await runFailoverLatencyBench());
}
if (only.includes("usage")) {
  console.log("\nUsage: 30-day by-day-by-model queries over USAGE_BENCH_ROWS generations (default 1,000,000) read from the rollups");
  console.table(await runUsageBench());
}
if (only.includes("soak")) {
  const seconds = Number(process.env.BENCH_SOAK_S ?? 60);
  const rate = Number(process.env.BENCH_SOAK_RATE ?? 200);
  console.log(`\nSoak: ${rate} requests/s for ${seconds} s on the gateway and the bare proxy at once (memory read after a full GC)`);
  console.table(await runSoakBench({ seconds, rate, ...hopCpus }));
}
process.exit(0);
