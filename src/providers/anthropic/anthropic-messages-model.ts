import type { CallOptions, GeneratedContent, GenerateResult, LanguageModel, StreamResult } from "../../core/index.js";
import { parseResponseBody } from "../shared/parse-json-chunk.js";
import { postEventStream } from "../shared/post-event-stream.js";
import { postJson, type UpstreamRequest } from "../shared/post-json.js";
import type { LanguageModelFactory, ProviderSettings } from "../shared/provider-settings.js";
import { anthropicMessageSchema, type AnthropicContentBlock } from "./anthropic-api.js";
import { transformAnthropicStream } from "./anthropic-chat-stream.js";
import { ANTHROPIC_VERSION, DEFAULT_MAX_TOKENS, buildAnthropicRequest } from "./anthropic-request.js";
import { planThinking, wantsThinking } from "./anthropic-thinking.js";
import { convertAnthropicUsage } from "./convert-anthropic-usage.js";
import { REDACTED_THINKING_PREFIX } from "./convert-to-anthropic-messages.js";
import { mapAnthropicFinishReason } from "./map-anthropic-finish-reason.js";

/**
 * The request to `${baseUrl}/messages` (baseUrl like `https://api.anthropic.com/v1`), authenticated with
 * `x-api-key` and pinned to one `anthropic-version`. https://docs.claude.com/en/api/overview#authentication
 */
function upstreamRequest(settings: ProviderSettings, body: unknown, abortSignal: AbortSignal | undefined): UpstreamRequest {
  return {
    provider: settings.provider,
    url: `${settings.baseUrl}/messages`,
    headers: { "x-api-key": settings.apiKey, "anthropic-version": ANTHROPIC_VERSION },
    body,
    dispatcher: settings.dispatcher,
    abortSignal,
    timeouts: settings.timeouts,
  };
}

/**
 * One content block of a `Message` as generated content, in the order Anthropic produced them. Redacted
 * thinking keeps its opaque data in the signature so it can be passed back; blocks the gateway has no part
 * for (server-tool results) are left out.
 */
function toGeneratedContent(block: AnthropicContentBlock, excludeReasoning: boolean): GeneratedContent | undefined {
  if (block.type === "text" && "text" in block) return { type: "text", text: block.text };
  if (block.type === "tool_use" && "id" in block) {
    return { type: "tool-call", toolCallId: block.id, toolName: block.name, input: JSON.stringify(block.input ?? {}) };
  }
  if (excludeReasoning) return undefined;
  if (block.type === "thinking" && "thinking" in block) {
    return { type: "reasoning", text: block.thinking, ...(block.signature ? { signature: block.signature } : {}) };
  }
  if (block.type === "redacted_thinking" && "data" in block) {
    return { type: "reasoning", text: "", signature: `${REDACTED_THINKING_PREFIX}${block.data}` };
  }
  return undefined;
}

/**
 * The Anthropic Messages API adapter (`POST /v1/messages`), streamed and not.
 * https://docs.claude.com/en/api/messages
 */
export const createAnthropicMessagesModel: LanguageModelFactory = (settings, providerModelId): LanguageModel => ({
  provider: settings.provider,
  providerModelId,

  async doGenerate(options: CallOptions): Promise<GenerateResult> {
    const plan = buildAnthropicRequest({ options, modelId: providerModelId, stream: false });
    const json = await postJson(upstreamRequest(settings, plan.body, options.abortSignal));
    const message = parseResponseBody({ value: json, schema: anthropicMessageSchema, provider: settings.provider });
    const content: GeneratedContent[] = [];
    for (const block of message.content) {
      const part = toGeneratedContent(block, plan.excludeReasoning);
      if (part !== undefined) content.push(part);
    }
    return {
      content,
      finishReason: mapAnthropicFinishReason(message.stop_reason, message.stop_sequence),
      usage: convertAnthropicUsage(message.usage),
      responseId: message.id ?? undefined,
      modelId: message.model ?? undefined,
      warnings: plan.warnings,
    };
  },

  outputTokenCeiling(options: CallOptions): number | undefined {
    // Thinking counts against max_tokens, which the request raises above the caller's to fit the budget.
    if (options.reasoning === undefined || !wantsThinking(options.reasoning)) return options.maxOutputTokens;
    return planThinking(options.reasoning, options.maxOutputTokens ?? DEFAULT_MAX_TOKENS).maxTokens;
  },

  async doStream(options: CallOptions): Promise<StreamResult> {
    const plan = buildAnthropicRequest({ options, modelId: providerModelId, stream: true });
    const events = await postEventStream(upstreamRequest(settings, plan.body, options.abortSignal));
    return {
      stream: transformAnthropicStream({ events, provider: settings.provider, warnings: plan.warnings, excludeReasoning: plan.excludeReasoning }),
    };
  },
});
