import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";

/**
 * Which CPUs the benchmark's processes run on. On a small machine the load client and the simulated upstream
 * would otherwise compete with the hop under test for the same cores, and the result would measure that
 * contention as much as the hop: in production the gateway has its own CPUs, and its clients and upstreams
 * are elsewhere. So this process (load client and simulator) keeps CPU 0, and the gateway and the bare proxy
 * get the rest. The same split applies to the direct calls, so the comparison stays like for like.
 */
export interface CpuPlan {
  /** `taskset` CPU list for this process (load client, simulator). */
  load: string;
  /** `taskset` CPU list for the gateway and the bare proxy. */
  hops: string;
}

/** The plan, or undefined when pinning is off (BENCH_PIN=0), impossible (one CPU) or unavailable (no taskset). */
export function benchCpuPlan(): CpuPlan | undefined {
  if (process.env.BENCH_PIN === "0") return undefined;
  const cpus = availableParallelism();
  if (cpus < 2) return undefined;
  if (spawnSync("taskset", ["--version"]).status !== 0) return undefined;
  return { load: "0", hops: cpus === 2 ? "1" : `1-${cpus - 1}` };
}

/** Moves every thread of this process onto `cpus` (threads started later inherit it). */
export function pinThisProcess(cpus: string): void {
  const result = spawnSync("taskset", ["-a", "-p", "-c", cpus, String(process.pid)]);
  if (result.status !== 0) throw new Error(`taskset could not pin the benchmark to CPUs ${cpus}: ${String(result.stderr)}`);
}

/** The command that starts `node args...` on `cpus` (taskset execs node, so the pid is node's). */
export function pinnedCommand(cpus: string | undefined, args: string[]): { command: string; args: string[] } {
  return cpus === undefined ? { command: process.execPath, args } : { command: "taskset", args: ["-c", cpus, process.execPath, ...args] };
}
