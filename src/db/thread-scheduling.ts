import { spawnSync } from "node:child_process";
import { readlinkSync } from "node:fs";

/** The kernel's id of the calling thread on Linux (what `/proc/<pid>/task/` lists), or undefined elsewhere. */
export function currentThreadId(): number | undefined {
  if (process.platform !== "linux") return undefined;
  try {
    const id = Number(readlinkSync("/proc/thread-self").split("/").pop());
    return Number.isInteger(id) && id > 0 ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Puts thread `threadId` under Linux's SCHED_BATCH policy, with `chrt` from util-linux (Node has no call for
 * it); returns whether that worked. A batch thread keeps its fair share of the CPU but never preempts another
 * thread when it wakes up. That is what the embedded database's worker needs: without it, every message the
 * gateway's thread posts to it (a batch of ledger charges or generation records) woke the worker, which took
 * the CPU there and then and froze the request thread for the whole statement (about 1 ms on average, up to
 * 4 ms, some 30 times a second under load, when both share a core). As a batch thread it runs while requests
 * wait on their upstreams instead, and under saturation it still gets its share, so its queue cannot grow
 * without bound as it could at a lower priority. Without `chrt` (not Linux, a minimal image) nothing changes.
 */
export function scheduleAsBatch(threadId: number): boolean {
  const result = spawnSync("chrt", ["--batch", "--pid", "0", String(threadId)], { stdio: "ignore", timeout: 5_000 });
  return result.status === 0;
}
