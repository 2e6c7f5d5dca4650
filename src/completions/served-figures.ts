import type { ServedAttempt } from "../routing/router.js";

/**
 * What a served attempt tells the health figures: time to first token (from the attempt's start) and, when
 * output kept coming after the first token, output tokens per second after it. A non-streamed answer has no
 * "after the first token", so it gives its latency only.
 */
export function servedFigures(input: { startedAt: number; firstOutputAt: number | undefined; endedAt: number; outputTokens: number }): ServedAttempt {
  if (input.firstOutputAt === undefined) return {};
  const figures: ServedAttempt = { timeToFirstTokenMs: Math.max(0, input.firstOutputAt - input.startedAt) };
  const generatingMs = input.endedAt - input.firstOutputAt;
  if (generatingMs > 0 && input.outputTokens > 0) figures.tokensPerSecond = input.outputTokens / (generatingMs / 1000);
  return figures;
}
