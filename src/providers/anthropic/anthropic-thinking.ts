import type { ReasoningEffort, ReasoningOptions } from "../../core/index.js";

/** Anthropic's smallest thinking budget: "Must be ≥1024 and less than `max_tokens`". */
export const MIN_THINKING_BUDGET = 1024;
/** The largest budget an effort level asks for, as OpenRouter caps it. */
export const MAX_EFFORT_THINKING_BUDGET = 32_000;

/**
 * The share of `max_tokens` an effort level spends on thinking, following OpenRouter's unified reasoning
 * ("high" ≈ 80%, "medium" ≈ 50%, "low" ≈ 20% of max_tokens; "minimal" is ours, and lands on the minimum).
 * https://openrouter.ai/docs/guides/best-practices/reasoning-tokens
 */
const EFFORT_RATIO: Record<ReasoningEffort, number> = { minimal: 0.1, low: 0.2, medium: 0.5, high: 0.8 };

/** Whether the caller asked for reasoning: an effort, a budget, or `enabled: true`, and not `enabled: false`. */
export function wantsThinking(reasoning: ReasoningOptions | undefined): boolean {
  if (reasoning === undefined || reasoning.enabled === false) return false;
  return reasoning.enabled === true || reasoning.effort !== undefined || reasoning.maxTokens !== undefined;
}

export interface ThinkingPlan {
  budgetTokens: number;
  /** `max_tokens` to send: always above the budget, since thinking counts against it. */
  maxTokens: number;
  /** True when `max_tokens` had to be raised above what the caller asked for. */
  raised: boolean;
}

/**
 * Turns the unified reasoning options into `thinking.budget_tokens` and a `max_tokens` above it.
 * An explicit `reasoning.maxTokens` is the budget; otherwise the effort (default medium) takes its share of
 * `maxTokens`, capped at 32,000. Both are lifted to Anthropic's 1,024 minimum. When the budget does not fit
 * below `maxTokens`, `max_tokens` becomes budget + maxTokens so the visible answer keeps the room the caller
 * asked for. https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size
 */
export function planThinking(reasoning: ReasoningOptions, maxTokens: number): ThinkingPlan {
  const fromEffort = Math.min(Math.floor(maxTokens * EFFORT_RATIO[reasoning.effort ?? "medium"]), MAX_EFFORT_THINKING_BUDGET);
  const budgetTokens = Math.max(reasoning.maxTokens ?? fromEffort, MIN_THINKING_BUDGET);
  if (maxTokens > budgetTokens) return { budgetTokens, maxTokens, raised: false };
  return { budgetTokens, maxTokens: budgetTokens + maxTokens, raised: true };
}
