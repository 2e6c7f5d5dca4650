import { describe, expect, it } from "vitest";
import type { Usage } from "../../../src/core/index.js";
import type { AnthropicUsage } from "../../../src/providers/anthropic/anthropic-api.js";
import { convertAnthropicUsage, mergeAnthropicUsage } from "../../../src/providers/anthropic/convert-anthropic-usage.js";
import { mapAnthropicFinishReason } from "../../../src/providers/anthropic/map-anthropic-finish-reason.js";
import { anthropicStreamError } from "../../../src/providers/anthropic/map-anthropic-stream-error.js";

describe("mapAnthropicFinishReason", () => {
  it.each([
    ["end_turn", "stop"],
    ["stop_sequence", "stop"],
    ["pause_turn", "stop"],
    ["max_tokens", "length"],
    ["model_context_window_exceeded", "length"],
    ["tool_use", "tool-calls"],
    ["refusal", "content-filter"],
    ["something_new", "other"],
  ] as const)("%s → %s, keeping the raw value", (raw, unified) => {
    expect(mapAnthropicFinishReason(raw)).toEqual({ unified, raw });
  });

  it("keeps the matched stop sequence with stop_reason stop_sequence, and only then", () => {
    expect(mapAnthropicFinishReason("stop_sequence", "###")).toEqual({ unified: "stop", raw: "stop_sequence", stopSequence: "###" });
    expect(mapAnthropicFinishReason("end_turn", "###")).toEqual({ unified: "stop", raw: "end_turn" });
    expect(mapAnthropicFinishReason("stop_sequence", null)).toEqual({ unified: "stop", raw: "stop_sequence" });
  });

  it.each([null, undefined])("%s → other with no raw value", (raw) => {
    expect(mapAnthropicFinishReason(raw)).toEqual({ unified: "other", raw: undefined });
  });
});

describe("convertAnthropicUsage", () => {
  const cases: Array<[string, AnthropicUsage | null | undefined, Usage]> = [
    [
      "input total adds cache reads and writes back to input_tokens",
      { input_tokens: 100, cache_read_input_tokens: 40, cache_creation_input_tokens: 10, output_tokens: 25 },
      { inputTokens: { total: 150, cacheRead: 40, cacheWrite: 10 }, outputTokens: { total: 25, reasoning: undefined } },
    ],
    [
      "zero cache counts are kept as zero, not unknown",
      { input_tokens: 12, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, output_tokens: 6 },
      { inputTokens: { total: 12, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 6, reasoning: undefined } },
    ],
    [
      "missing cache fields stay unknown but do not hide the input total",
      { input_tokens: 12, output_tokens: 6 },
      { inputTokens: { total: 12, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 6, reasoning: undefined } },
    ],
    [
      "null cache fields (message_delta) are unknown",
      { input_tokens: 12, cache_read_input_tokens: null, cache_creation_input_tokens: null, output_tokens: 6 },
      { inputTokens: { total: 12, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 6, reasoning: undefined } },
    ],
    [
      "thinking tokens are the reasoning subset of output",
      { input_tokens: 5, output_tokens: 30, output_tokens_details: { thinking_tokens: 20 } },
      { inputTokens: { total: 5, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 30, reasoning: 20 } },
    ],
    [
      "no input_tokens means an unknown total even with cache counts",
      { cache_read_input_tokens: 3, output_tokens: 1 },
      { inputTokens: { total: undefined, cacheRead: 3, cacheWrite: undefined }, outputTokens: { total: 1, reasoning: undefined } },
    ],
    [
      "no usage at all",
      undefined,
      { inputTokens: { total: undefined, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: undefined, reasoning: undefined } },
    ],
  ];
  it.each(cases)("%s", (_name, usage, expected) => {
    expect(convertAnthropicUsage(usage)).toEqual(expected);
  });
});

describe("mergeAnthropicUsage", () => {
  const start: AnthropicUsage = { input_tokens: 50, output_tokens: 1, cache_read_input_tokens: 10, cache_creation_input_tokens: 0 };

  it("takes the cumulative output from message_delta and keeps the input of message_start", () => {
    expect(mergeAnthropicUsage(start, { output_tokens: 42 })).toEqual({ ...start, output_tokens: 42 });
  });

  it("lets non-null input counts of message_delta replace the earlier ones, and ignores nulls", () => {
    expect(
      mergeAnthropicUsage(start, { input_tokens: 55, output_tokens: 42, cache_read_input_tokens: null, cache_creation_input_tokens: 4 }),
    ).toEqual({ input_tokens: 55, output_tokens: 42, cache_read_input_tokens: 10, cache_creation_input_tokens: 4, output_tokens_details: undefined });
  });

  it("leaves usage alone when an event carries none", () => {
    expect(mergeAnthropicUsage(start, null)).toBe(start);
  });
});

describe("anthropicStreamError", () => {
  it.each([
    ["overloaded_error", "provider_overloaded", true],
    ["rate_limit_error", "rate_limit_exceeded", true],
    ["api_error", "provider_unavailable", true],
    ["timeout_error", "timeout", true],
    ["authentication_error", "provider_unavailable", true],
    ["invalid_request_error", "invalid_request", false],
    ["request_too_large", "payload_too_large", false],
    ["brand_new_error", "provider_unavailable", true],
  ] as const)("%s → %s (retryable %s)", (type, kind, retryable) => {
    const error = anthropicStreamError({ provider: "anthropic", type, message: "Overloaded" });
    expect(error).toMatchObject({ kind, retryable, metadata: { provider_name: "anthropic", provider_code: type, raw: "Overloaded" } });
  });
});
