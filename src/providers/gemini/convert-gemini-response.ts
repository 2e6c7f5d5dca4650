import type { CallWarning, GeneratedContent, GenerateResult } from "../../core/index.js";
import { toolCallIdOrNew } from "../shared/tool-call-ids.js";
import { convertGeminiUsage } from "./convert-gemini-usage.js";
import type { GeminiResponse } from "./gemini-api.js";
import { mapGeminiFinishReason } from "./map-gemini-finish-reason.js";

/**
 * A whole `GenerateContentResponse` → the gateway's result. Only the first candidate is read (the gateway
 * never asks for more). Parts keep their order: `thought: true` text is reasoning, other text is text, and
 * each `functionCall` becomes a tool call with an id the gateway invents, because Gemini normally sends none
 * (its optional `id` is used when present); the next turn addresses the result by function name (see
 * `convert-to-gemini-contents.ts`). A call's `thoughtSignature` rides along as the tool call's signature.
 * https://ai.google.dev/api/generate-content#generatecontentresponse
 */
export function convertGeminiResponse(input: {
  response: GeminiResponse;
  generateId: () => string;
  warnings: CallWarning[];
}): GenerateResult {
  const { response } = input;
  const candidate = response.candidates?.[0];
  const content: GeneratedContent[] = [];
  for (const part of candidate?.content?.parts ?? []) {
    if (part.functionCall !== null && part.functionCall !== undefined) {
      content.push({
        type: "tool-call",
        toolCallId: toolCallIdOrNew(part.functionCall.id, input.generateId),
        toolName: part.functionCall.name,
        input: JSON.stringify(part.functionCall.args ?? {}),
        ...(part.thoughtSignature ? { signature: part.thoughtSignature } : {}),
      });
    } else if (typeof part.text === "string" && part.text.length > 0) {
      content.push(part.thought === true ? { type: "reasoning", text: part.text } : { type: "text", text: part.text });
    }
  }
  return {
    content,
    finishReason: mapGeminiFinishReason({
      finishReason: candidate?.finishReason,
      hasToolCalls: content.some((item) => item.type === "tool-call"),
      blockReason: response.promptFeedback?.blockReason,
    }),
    usage: convertGeminiUsage(response.usageMetadata),
    ...(response.responseId === null || response.responseId === undefined ? {} : { responseId: response.responseId }),
    ...(response.modelVersion === null || response.modelVersion === undefined ? {} : { modelId: response.modelVersion }),
    warnings: input.warnings,
  };
}
