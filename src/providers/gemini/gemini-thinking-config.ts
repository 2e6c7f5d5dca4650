import type { CallWarning, ReasoningEffort, ReasoningOptions } from "../../core/index.js";

/** https://ai.google.dev/api/generate-content#ThinkingConfig */
export interface GeminiThinkingConfig {
  includeThoughts?: boolean;
  /** Tokens the model may think for; 0 turns thinking off (2.5 Flash models), -1 lets the model decide. */
  thinkingBudget?: number;
  /** Gemini 3's replacement for the budget. */
  thinkingLevel?: "MINIMAL" | "LOW" | "MEDIUM" | "HIGH";
}

/**
 * OpenRouter's effort → share of the output budget given to reasoning
 * (https://openrouter.ai/docs/guides/best-practices/reasoning-tokens: 0.8 high, 0.5 medium, 0.2 low, 0.1 minimal).
 */
const EFFORT_RATIOS: Record<ReasoningEffort, number> = { minimal: 0.1, low: 0.2, medium: 0.5, high: 0.8 };

/** Effort → Gemini 3 `thinkingLevel` (https://ai.google.dev/gemini-api/docs/thinking#thinking-levels). */
const EFFORT_LEVELS: Record<ReasoningEffort, NonNullable<GeminiThinkingConfig["thinkingLevel"]>> = {
  minimal: "MINIMAL",
  low: "LOW",
  medium: "MEDIUM",
  high: "HIGH",
};

/** The output budget the effort ratios apply to when the caller set no `maxOutputTokens`. */
const DEFAULT_OUTPUT_BUDGET = 32_768;

/**
 * The budget range every Gemini 2.5 thinking model accepts (Pro 128–32768, Flash 0–24576, Flash-Lite
 * 512–24576: https://ai.google.dev/gemini-api/docs/thinking#set-budget), for budgets derived from an effort.
 */
const MIN_DERIVED_BUDGET = 1_024;
const MAX_DERIVED_BUDGET = 24_576;

function isGemini3(modelId: string): boolean {
  return /^(models\/)?gemini-3/.test(modelId);
}

/**
 * The caller's reasoning options → `generationConfig.thinkingConfig`
 * (https://ai.google.dev/gemini-api/docs/thinking):
 * - nothing asked → nothing sent (the model's default applies);
 * - `maxTokens` → `thinkingBudget` as given;
 * - `effort` (medium when only `enabled: true`) → `thinkingLevel` on Gemini 3, else a `thinkingBudget` of
 *   the effort's share of `maxOutputTokens` (or of 32768), kept within 1024–24576;
 * - `enabled: false` → `thinkingBudget: 0`; Gemini 3 cannot stop thinking, so it gets the LOW level and a warning;
 * - thoughts are returned (`includeThoughts`) unless `exclude` is set; they are billed either way.
 */
export function convertReasoningToThinkingConfig(input: {
  reasoning: ReasoningOptions | undefined;
  maxOutputTokens: number | undefined;
  modelId: string;
}): { thinkingConfig: GeminiThinkingConfig | undefined; warnings: CallWarning[] } {
  const { reasoning } = input;
  const warnings: CallWarning[] = [];
  if (reasoning === undefined) return { thinkingConfig: undefined, warnings };
  if (reasoning.enabled === false) {
    if (!isGemini3(input.modelId)) return { thinkingConfig: { thinkingBudget: 0 }, warnings };
    warnings.push({ type: "unsupported-setting", setting: "reasoning", message: "Gemini 3 models cannot turn thinking off; the lowest level is used" });
    return { thinkingConfig: { thinkingLevel: "LOW" }, warnings };
  }
  const includeThoughts = reasoning.exclude !== true;
  if (reasoning.maxTokens !== undefined) return { thinkingConfig: { includeThoughts, thinkingBudget: reasoning.maxTokens }, warnings };
  const effort = reasoning.effort ?? (reasoning.enabled === true ? "medium" : undefined);
  if (effort === undefined) return { thinkingConfig: includeThoughts ? { includeThoughts } : undefined, warnings };
  if (isGemini3(input.modelId)) {
    return { thinkingConfig: { includeThoughts, thinkingLevel: EFFORT_LEVELS[effort] }, warnings };
  }
  const share = Math.floor((input.maxOutputTokens ?? DEFAULT_OUTPUT_BUDGET) * EFFORT_RATIOS[effort]);
  const thinkingBudget = Math.min(Math.max(share, MIN_DERIVED_BUDGET), MAX_DERIVED_BUDGET);
  return { thinkingConfig: { includeThoughts, thinkingBudget }, warnings };
}
