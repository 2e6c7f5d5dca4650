import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { projectPath } from "../../src/config/project-root.js";
import { startGatewayProcess, startNodeProcess } from "./gateway-process.js";
import { startHopTiming } from "./hop-timing.js";
import type { HopTimingSamples } from "./hop-timing.js";
import { SIMULATOR_KEYS } from "../support/simulated-providers.js";
import { startOpenAISimulator } from "../simulators/openai/openai-simulator.js";
import { BenchClient, runConcurrent, summarise } from "./http-load.js";
import type { Sample } from "./http-load.js";
import { mean, meanWithInterval, percentile, round } from "./stats.js";

/** One row of the printed table. */
export interface BenchRow {
  scenario: string;
  direct: string;
  /** The reference hop: a bare Fastify + undici pass-through proxy (see bare-proxy.ts). */
  "bare proxy": string;
  gateway: string;
  /** Gateway against direct. */
  added: string;
}

function ms(value: number): string {
  return `${round(value, 3)} ms`;
}

function percent(value: number, base: number): string {
  return `${round(((value - base) / base) * 100, 1)} %`;
}

const TARGETS = ["direct", "bare", "gateway"] as const;
/** Requests each target serves before anything is measured. */
const WARM_UP_REQUESTS = 3000;
type TargetName = (typeof TARGETS)[number];

/** The three ways to reach the same simulated upstream, measured side by side. */
interface Targets {
  direct: { client: BenchClient; body: (extra: string, stream?: boolean) => unknown };
  bare: { client: BenchClient; body: (extra: string, stream?: boolean) => unknown };
  gateway: { client: BenchClient; body: (extra: string, stream?: boolean) => unknown };
}

const message = (extra: string) => [{ role: "user", content: `Benchmark request ${extra}`.trim() }];
const upstreamBody = (extra: string, stream = false) => ({ model: "gpt-4o-mini", messages: message(extra), ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}) });
const gatewayBody = (extra: string, stream = false) => ({ model: "openai/gpt-4o-mini", messages: message(extra), ...(stream ? { stream: true } : {}) });

/**
 * Direct call to the simulated OpenAI upstream versus the same call through the gateway, with authentication,
 * rate limits and the ledger on (a real funded key; every request is held, charged and recorded). The
 * gateway runs as its own process (`dist/src/main.js`), as in production; the load client and the simulator
 * share this one. A bare pass-through proxy, also its own process, is measured alongside as the reference
 * for what an extra Node.js HTTP hop costs on this machine.
 *
 * Under load, each target is first warmed at the measured concurrency, then the three are measured in
 * alternating rounds, so drift (JIT, page cache, the database's checkpoints) falls on all of them alike.
 */
export async function runGatewayOverheadBench(options: {
  rounds: number;
  loadRequests: number;
  loadRounds: number;
  hopCpus?: string;
  /** BENCH_CALIBRATE: CPU times (µs per request) that extra bare proxies burn, measured beside the others under load. */
  calibrationSpinsUs?: number[];
}): Promise<BenchRow[]> {
  const simulator = await startOpenAISimulator({ apiKey: SIMULATOR_KEYS.openai });
  const dataDir = mkdtempSync(join(tmpdir(), "gw-bench-"));
  // BENCH_CPU_PROFILE=<folder> writes V8 CPU profiles of the gateway and the bare proxy there (open them in Chrome DevTools).
  const profileDir = process.env.BENCH_CPU_PROFILE;
  // BENCH_TRACE=1 times each request inside the hops and the simulator, to show where the added time goes.
  const tracer = process.env.BENCH_TRACE === "1" ? startTracing(dataDir) : undefined;
  const gateway = await startGatewayProcess({
    dataDir,
    env: { OPENAI_API_KEY: SIMULATOR_KEYS.openai, OPENAI_BASE_URL: `${simulator.url}/v1`, ...tracer?.env.gateway },
    nodeArgs: [...(profileDir === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${profileDir}`]), ...(tracer?.nodeArgs ?? [])],
    ...(options.hopCpus === undefined ? {} : { cpus: options.hopCpus }),
  });
  const startBareProxy = (env: Record<string, string>, nodeArgs: string[] = []) =>
    startNodeProcess({
      script: projectPath("dist", "test", "bench", "bare-proxy.js"),
      env: { UPSTREAM_URL: simulator.url, UPSTREAM_KEY: SIMULATOR_KEYS.openai, ...env },
      nodeArgs,
      ...(options.hopCpus === undefined ? {} : { cpus: options.hopCpus }),
    });
  const bare = await startBareProxy(
    { ...tracer?.env.bare },
    [...(profileDir === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, "--cpu-prof-name=bare-proxy.cpuprofile"]), ...(tracer?.nodeArgs ?? [])],
  );
  // Bare proxies that burn a set CPU time per request (see bare-proxy.ts), to show what CPU per request costs
  // in throughput on this machine, whoever spends it.
  const calibrated = await Promise.all(
    (options.calibrationSpinsUs ?? []).map(async (spinUs) => ({ spinUs, process: await startBareProxy({ BARE_SPIN_US: String(spinUs) }) })),
  );
  const calibratedClients = (connections: number) => calibrated.map((proxy) => new BenchClient(proxy.process.url, "/api/v1/chat/completions", {}, connections));
  const targetsFor = (connections: number): Targets => ({
    direct: { client: new BenchClient(simulator.url, "/v1/chat/completions", { authorization: `Bearer ${SIMULATOR_KEYS.openai}` }, connections), body: upstreamBody },
    bare: { client: new BenchClient(bare.url, "/api/v1/chat/completions", {}, connections), body: gatewayBody },
    gateway: { client: new BenchClient(gateway.url, "/api/v1/chat/completions", { authorization: `Bearer ${gateway.apiKey}` }, connections), body: gatewayBody },
  });
  const closeTargets = (targets: Targets) => Promise.all(Object.values(targets).map((target: Targets["direct"]) => target.client.close()));
  const rows: BenchRow[] = [];

  try {
    // 1. Added latency at concurrency 1: direct and gateway in interleaved rounds so drift affects both alike,
    // then direct and the bare proxy the same way (a third process in the same rounds would leave each one idle
    // longer between its requests, and waking an idle process costs more than the hop itself).
    // Every target first serves a few thousand requests, so the measured rounds see code the JIT has compiled,
    // as a gateway in service would (the gateway runs far more JavaScript per request than the bare proxy, and
    // after a few dozen requests most of it is still interpreted).
    const warmUp = targetsFor(8);
    for (const target of Object.values(warmUp) as Targets["direct"][]) {
      await runConcurrent({ concurrency: 8, total: WARM_UP_REQUESTS, send: () => target.client.send(target.body("")) });
    }
    await closeTargets(warmUp);
    for (const client of calibratedClients(8)) {
      await runConcurrent({ concurrency: 8, total: WARM_UP_REQUESTS, send: () => client.send(gatewayBody("")) });
      await client.close();
    }
    const one = targetsFor(1);
    for (let warm = 0; warm < 50; warm += 1) {
      for (const target of Object.values(one) as Targets["direct"][]) await target.client.send(target.body(""));
    }
    const samples = { direct: [] as Sample[], bare: [] as Sample[], gateway: [] as Sample[] };
    for (let round = 0; round < options.rounds; round += 1) {
      samples.direct.push(await one.direct.client.send(one.direct.body("")));
      samples.gateway.push(await one.gateway.client.send(one.gateway.body("")));
    }
    const directBeside: Sample[] = [];
    for (let round = 0; round < options.rounds; round += 1) {
      directBeside.push(await one.direct.client.send(one.direct.body("")));
      samples.bare.push(await one.bare.client.send(one.bare.body("")));
    }
    const d = summarise(samples.direct);
    const g = summarise(samples.gateway);
    // The bare proxy's figures are shifted by the difference between the two direct series, so all three
    // columns share the first series' baseline.
    const shift = (value: number, pick: (summary: { p50: number; p99: number }) => number) => value - pick(summarise(directBeside)) + pick(d);
    const bareSummary = summarise(samples.bare);
    rows.push({ scenario: `non-streaming, concurrency 1, p50 (${options.rounds} interleaved rounds)`, direct: ms(d.p50), "bare proxy": ms(shift(bareSummary.p50, (x) => x.p50)), gateway: ms(g.p50), added: ms(g.p50 - d.p50) });
    rows.push({ scenario: "non-streaming, concurrency 1, p99", direct: ms(d.p99), "bare proxy": ms(shift(bareSummary.p99, (x) => x.p99)), gateway: ms(g.p99), added: ms(g.p99 - d.p99) });

    // 2. Streaming: time to first token and inter-chunk gaps (the bare proxy does not stream).
    const directStream: Sample[] = [];
    const gatewayStream: Sample[] = [];
    for (let round = 0; round < Math.max(20, Math.floor(options.rounds / 4)); round += 1) {
      directStream.push(await one.direct.client.send(one.direct.body("[[words:40]] [[delay:2]]", true)));
      gatewayStream.push(await one.gateway.client.send(one.gateway.body("[[words:40]] [[delay:2]]", true)));
    }
    const ttft = (list: Sample[]) => percentile(list.map((sample) => sample.firstChunkMs ?? Number.NaN), 50);
    const gaps = (list: Sample[]) => percentile(list.flatMap((sample) => sample.gapsMs ?? []), 99);
    rows.push({ scenario: "streaming, time to first token, p50", direct: ms(ttft(directStream)), "bare proxy": "", gateway: ms(ttft(gatewayStream)), added: ms(ttft(gatewayStream) - ttft(directStream)) });
    rows.push({ scenario: "streaming, inter-chunk gap, p99", direct: ms(gaps(directStream)), "bare proxy": "", gateway: ms(gaps(gatewayStream)), added: ms(gaps(gatewayStream) - gaps(directStream)) });
    await closeTargets(one);

    // 3. Throughput and p99 at concurrency 50, against a 0 ms and a 60 ms upstream.
    for (const delay of (process.env.BENCH_DELAYS ?? "0,60").split(",").filter((value) => value.trim() !== "").map(Number)) {
      const extra = delay === 0 ? "" : `[[delay:${delay}]]`;
      const fifty = targetsFor(50);
      const total = delay === 0 ? options.loadRequests : Math.floor(options.loadRequests / 2);
      const perRound = Math.max(50, Math.floor(total / options.loadRounds));
      const newRun = () => ({ samples: [] as Sample[], windowRequests: 0, windowMs: 0, cpuMs: 0, roundRates: [] as number[], hop: emptyTimings(), simulator: emptyTimings() });
      const runs = { direct: newRun(), bare: newRun(), gateway: newRun() };
      const calibratedFifty = calibratedClients(50);
      const calibratedRuns = calibrated.map(() => newRun());
      // Clients start spread over one upstream period, as independent clients would (see runConcurrent).
      const rampMs = delay;
      for (const name of TARGETS) {
        await runConcurrent({ concurrency: 50, total: Math.min(500, perRound), rampMs, send: () => fifty[name].client.send(fifty[name].body(extra)) });
      }
      for (const client of calibratedFifty) {
        await runConcurrent({ concurrency: 50, total: Math.min(500, perRound), rampMs, send: () => client.send(gatewayBody(extra)) });
      }
      /** One measured round of `perRound` requests, added to `into` (with the hop's CPU time, if any). */
      const measureRound = async (into: ReturnType<typeof newRun>, send: () => Promise<Sample>, hop: { cpuMs(): number } | undefined) => {
        const cpuBefore = hop?.cpuMs() ?? 0;
        const run = await runConcurrent({ concurrency: 50, total: perRound, rampMs, send });
        into.cpuMs += (hop?.cpuMs() ?? 0) - cpuBefore;
        into.samples.push(...run.samples);
        into.windowRequests += run.windowRequests;
        into.windowMs += run.windowMs;
        into.roundRates.push((run.windowRequests / run.windowMs) * 1000);
      };
      for (let round = 0; round < options.loadRounds; round += 1) {
        for (const name of TARGETS) {
          await tracer?.take(name);
          await measureRound(runs[name], () => fifty[name].client.send(fifty[name].body(extra)), name === "bare" ? bare : name === "gateway" ? gateway : undefined);
          if (tracer !== undefined) {
            const taken = await tracer.take(name);
            appendTimings(runs[name].hop, taken.hop);
            appendTimings(runs[name].simulator, taken.simulator);
          }
        }
        for (const [index, client] of calibratedFifty.entries()) {
          await measureRound(calibratedRuns[index]!, () => client.send(gatewayBody(extra)), calibrated[index]!.process);
        }
      }
      const latency = (name: TargetName) => summarise(runs[name].samples);
      const [dr, br, gr] = [latency("direct"), latency("bare"), latency("gateway")];
      const rate = (name: TargetName) => (runs[name].windowRequests / runs[name].windowMs) * 1000;
      const [dRate, bRate, gRate] = [rate("direct"), rate("bare"), rate("gateway")];
      rows.push({
        scenario: `concurrency 50, ${delay} ms upstream, throughput (${options.loadRounds} × ${perRound} requests)`,
        direct: `${round(dRate, 1)} req/s`,
        "bare proxy": `${round(bRate, 1)} req/s (${percent(bRate, dRate)})`,
        gateway: `${round(gRate, 1)} req/s`,
        added: percent(gRate, dRate),
      });
      // Each round's change against the direct calls of the same round, as a mean with its 95 % interval.
      const changeOf = (roundRates: number[]) => {
        const { mean, halfWidth } = meanWithInterval(roundRates.map((value, index) => ((value - runs.direct.roundRates[index]!) / runs.direct.roundRates[index]!) * 100));
        return `${round(mean, 1)} % ± ${round(halfWidth, 1)}`;
      };
      rows.push({ scenario: `concurrency 50, ${delay} ms upstream, throughput change per round, mean ± 95 % interval`, direct: "", "bare proxy": changeOf(runs.bare.roundRates), gateway: changeOf(runs.gateway.roundRates), added: "" });
      const cpuPerRequestOf = (run: { cpuMs: number; samples: Sample[] }) => `${round((run.cpuMs * 1000) / run.samples.length, 0)} µs`;
      rows.push({ scenario: `concurrency 50, ${delay} ms upstream, CPU time per request in the process`, direct: "", "bare proxy": cpuPerRequestOf(runs.bare), gateway: cpuPerRequestOf(runs.gateway), added: "" });
      for (const [index, proxy] of calibrated.entries()) {
        const run = calibratedRuns[index]!;
        rows.push({
          scenario: `concurrency 50, ${delay} ms upstream, calibration: bare proxy burning ${proxy.spinUs} µs per request, throughput change per round / CPU per request`,
          direct: "",
          "bare proxy": `${changeOf(run.roundRates)} / ${cpuPerRequestOf(run)}`,
          gateway: "",
          added: "",
        });
      }
      if (tracer !== undefined) rows.push(...tracedRows(delay, runs));
      for (const pick of ["p50", "p99"] as const) {
        rows.push({ scenario: `concurrency 50, ${delay} ms upstream, ${pick}`, direct: ms(dr[pick]), "bare proxy": ms(br[pick]), gateway: ms(gr[pick]), added: ms(gr[pick] - dr[pick]) });
      }
      await closeTargets(fifty);
      await Promise.all(calibratedFifty.map((client) => client.close()));
    }
    rows.push({ scenario: "resident memory of the process after the runs", direct: "", "bare proxy": `${round(bare.residentMiB(), 1)} MiB`, gateway: `${round(gateway.residentMiB(), 1)} MiB`, added: "" });
  } finally {
    await Promise.all([gateway.stop(), bare.stop(), ...calibrated.map((proxy) => proxy.process.stop())]);
    await simulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}

const emptyTimings = (): HopTimingSamples => ({ server: [], untilWritten: [], upstream: [] });
function appendTimings(into: HopTimingSamples, from: HopTimingSamples): void {
  into.server.push(...from.server);
  into.untilWritten.push(...from.untilWritten);
  into.upstream.push(...from.upstream);
}

/**
 * BENCH_TRACE=1: the hops load `hop-timing-preload.js`, which serves their timings on a port of their own,
 * and this process times the simulator (its only HTTP server) the same way. `take(target)` returns, and
 * clears, what the target's hop (none for direct) and the simulator saw since the last call.
 */
function startTracing(folder: string): {
  env: { gateway: Record<string, string>; bare: Record<string, string> };
  nodeArgs: string[];
  take(target: TargetName): Promise<{ hop: HopTimingSamples; simulator: HopTimingSamples }>;
} {
  const portFiles = { gateway: join(folder, "gateway.trace-port"), bare: join(folder, "bare.trace-port") };
  const simulatorTiming = startHopTiming();
  const fetchHop = async (portFile: string) => (await (await fetch(`http://127.0.0.1:${readFileSync(portFile, "utf8")}/`)).json()) as HopTimingSamples;
  return {
    env: { gateway: { BENCH_TRACE_PORT_FILE: portFiles.gateway }, bare: { BENCH_TRACE_PORT_FILE: portFiles.bare } },
    nodeArgs: ["--import", projectPath("dist", "test", "bench", "hop-timing-preload.js")],
    async take(target) {
      const hop = target === "direct" ? emptyTimings() : await fetchHop(portFiles[target]);
      return { hop, simulator: simulatorTiming.take() };
    },
  };
}

/**
 * Where the time goes under load, from the traced runs: the hop's own work per request, undici's wait
 * before it writes a request on a kept-alive socket (it yields one turn of the event loop first, to see
 * whether the server closed the socket meanwhile), the upstream call beyond the simulator's own time (both
 * legs between the processes), and the client's wait beyond the hop's (the legs to and from the hop).
 */
function tracedRows(delay: number, runs: Record<TargetName, { samples: Sample[]; hop: HopTimingSamples; simulator: HopTimingSamples }>): BenchRow[] {
  const clientMean = (name: TargetName) => mean(runs[name].samples.map((sample) => sample.totalMs));
  const simulatorMean = (name: TargetName) => mean(runs[name].simulator.server);
  const hopOwn = (name: "bare" | "gateway") => ms(mean(runs[name].hop.server) - mean(runs[name].hop.upstream));
  const untilWritten = (name: "bare" | "gateway") => `${ms(percentile(runs[name].hop.untilWritten, 50))} / ${ms(mean(runs[name].hop.untilWritten))}`;
  const upstreamBeyond = (name: "bare" | "gateway") => ms(mean(runs[name].hop.upstream) - simulatorMean(name));
  const clientBeyond = (name: "bare" | "gateway") => ms(clientMean(name) - mean(runs[name].hop.server));
  const prefix = `concurrency 50, ${delay} ms upstream, traced`;
  return [
    { scenario: `${prefix}: simulator's own time per request, mean`, direct: ms(simulatorMean("direct")), "bare proxy": ms(simulatorMean("bare")), gateway: ms(simulatorMean("gateway")), added: "" },
    { scenario: `${prefix}: client's wait beyond the server it calls (simulator or hop), mean`, direct: ms(clientMean("direct") - simulatorMean("direct")), "bare proxy": clientBeyond("bare"), gateway: clientBeyond("gateway"), added: "" },
    { scenario: `${prefix}: inside the hop, less its upstream call, mean`, direct: "", "bare proxy": hopOwn("bare"), gateway: hopOwn("gateway"), added: "" },
    { scenario: `${prefix}: upstream call created → written, p50 / mean`, direct: "", "bare proxy": untilWritten("bare"), gateway: untilWritten("gateway"), added: "" },
    { scenario: `${prefix}: upstream call beyond the simulator's own time, mean`, direct: "", "bare proxy": upstreamBeyond("bare"), gateway: upstreamBeyond("gateway"), added: "" },
  ];
}
