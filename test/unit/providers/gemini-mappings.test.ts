import { describe, expect, it } from "vitest";
import type { Usage } from "../../../src/core/index.js";
import { convertGeminiUsage } from "../../../src/providers/gemini/convert-gemini-usage.js";
import type { GeminiUsage } from "../../../src/providers/gemini/gemini-api.js";
import { mapGeminiFinishReason } from "../../../src/providers/gemini/map-gemini-finish-reason.js";

describe("mapGeminiFinishReason", () => {
  it.each([
    ["STOP", false, "stop"],
    ["STOP", true, "tool-calls"],
    ["MAX_TOKENS", false, "length"],
    ["MAX_TOKENS", true, "length"],
    ["SAFETY", false, "content-filter"],
    ["RECITATION", false, "content-filter"],
    ["BLOCKLIST", false, "content-filter"],
    ["PROHIBITED_CONTENT", false, "content-filter"],
    ["SPII", false, "content-filter"],
    ["IMAGE_SAFETY", false, "content-filter"],
    ["MALFORMED_FUNCTION_CALL", false, "error"],
    ["UNEXPECTED_TOOL_CALL", false, "error"],
    ["TOO_MANY_TOOL_CALLS", true, "error"],
    ["LANGUAGE", false, "other"],
    ["OTHER", false, "other"],
    ["FINISH_REASON_UNSPECIFIED", false, "other"],
    ["SOMETHING_NEW", false, "other"],
  ] as const)("%s (tool calls: %s) → %s, raw kept", (raw, hasToolCalls, unified) => {
    expect(mapGeminiFinishReason({ finishReason: raw, hasToolCalls })).toEqual({ unified, raw });
  });

  it("a blocked prompt (promptFeedback.blockReason, no candidate) is a content filter", () => {
    expect(mapGeminiFinishReason({ finishReason: undefined, hasToolCalls: false, blockReason: "SAFETY" })).toEqual({
      unified: "content-filter",
      raw: "SAFETY",
    });
  });

  it("no reason at all is other, with no raw value", () => {
    expect(mapGeminiFinishReason({ finishReason: null, hasToolCalls: false })).toEqual({ unified: "other", raw: undefined });
  });
});

function usage(input: [number | undefined, number | undefined, number | undefined], output: [number | undefined, number | undefined]): Usage {
  return {
    inputTokens: { total: input[0], cacheRead: input[1], cacheWrite: input[2] },
    outputTokens: { total: output[0], reasoning: output[1] },
  };
}

describe("convertGeminiUsage", () => {
  it.each<[string, GeminiUsage | undefined, Usage]>([
    ["nothing reported", undefined, usage([undefined, undefined, undefined], [undefined, undefined])],
    ["prompt only (early stream chunk)", { promptTokenCount: 7, totalTokenCount: 7 }, usage([7, undefined, undefined], [undefined, undefined])],
    ["plain answer", { promptTokenCount: 7, candidatesTokenCount: 20, totalTokenCount: 27 }, usage([7, undefined, undefined], [20, undefined])],
    [
      "thoughts are added to candidates, not contained in them",
      { promptTokenCount: 81, candidatesTokenCount: 20, thoughtsTokenCount: 179, totalTokenCount: 280 },
      usage([81, undefined, undefined], [199, 179]),
    ],
    ["thoughts only (a call cut by MAX_TOKENS while thinking)", { promptTokenCount: 5, thoughtsTokenCount: 30 }, usage([5, undefined, undefined], [30, 30])],
    [
      "cached content is a subset of the prompt",
      { promptTokenCount: 100, cachedContentTokenCount: 40, candidatesTokenCount: 3 },
      usage([100, 40, undefined], [3, undefined]),
    ],
    [
      "tool-use prompt tokens count as input",
      { promptTokenCount: 10, toolUsePromptTokenCount: 5, candidatesTokenCount: 2 },
      usage([15, undefined, undefined], [2, undefined]),
    ],
    ["explicit zero stays zero", { promptTokenCount: 0, candidatesTokenCount: 0, thoughtsTokenCount: 0 }, usage([0, undefined, undefined], [0, 0])],
  ])("%s", (_name, input, expected) => {
    expect(convertGeminiUsage(input)).toEqual(expected);
  });
});
