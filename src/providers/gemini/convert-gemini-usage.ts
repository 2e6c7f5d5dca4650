import { emptyUsage, type Usage } from "../../core/index.js";
import type { GeminiUsage } from "./gemini-api.js";

/**
 * Gemini `usageMetadata` → the gateway's usage.
 * https://ai.google.dev/api/generate-content#UsageMetadata
 *
 * - `promptTokenCount` already includes `cachedContentTokenCount` ("When cachedContent is set, this is still
 *   the total effective prompt size"), so cache reads are a subset of the input, as `Usage` wants. Tokens of
 *   tool-use prompts (server tools) are prompt tokens too.
 * - `thoughtsTokenCount` is NOT part of `candidatesTokenCount` (totalTokenCount = prompt + candidates +
 *   thoughts + tool-use prompt), so the output total is their sum and reasoning is the thoughts.
 * - Gemini has no cache writes to report (implicit caching is free, explicit caches are created apart).
 */
export function convertGeminiUsage(usage: GeminiUsage | null | undefined): Usage {
  if (usage === null || usage === undefined) return emptyUsage();
  const prompt = usage.promptTokenCount ?? undefined;
  const candidates = usage.candidatesTokenCount ?? undefined;
  const thoughts = usage.thoughtsTokenCount ?? undefined;
  return {
    inputTokens: {
      total: prompt === undefined ? undefined : prompt + (usage.toolUsePromptTokenCount ?? 0),
      cacheRead: usage.cachedContentTokenCount ?? undefined,
      cacheWrite: undefined,
    },
    outputTokens: {
      total: candidates === undefined && thoughts === undefined ? undefined : (candidates ?? 0) + (thoughts ?? 0),
      reasoning: thoughts,
    },
  };
}
