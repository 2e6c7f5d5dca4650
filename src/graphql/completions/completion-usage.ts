import { formatUsd } from "../../billing/money.js";
import type { CompletionResult } from "../../completions/completion-service.js";
import type { CompletionUsage } from "./chat-completion.type.js";

/** A settled generation's usage as GraphQL shows it, the mutation's answer and the subscription's last event alike. */
export function completionUsage(result: CompletionResult): CompletionUsage {
  return {
    promptTokens: result.tokens.prompt,
    completionTokens: result.tokens.completion,
    totalTokens: result.tokens.prompt + result.tokens.completion,
    cachedTokens: result.tokens.cacheRead,
    reasoningTokens: result.tokens.reasoning,
    cost: formatUsd(result.cost),
    isByok: result.isByok,
    upstreamInferenceCost: result.upstreamInferenceCost === null ? null : formatUsd(result.upstreamInferenceCost),
  };
}
