import { toUsdNumber } from "../../billing/money.js";
import type { CompletionResult } from "../../completions/completion-service.js";
import type { GatewayError } from "../../core/errors.js";
import type { FinishReason } from "../../core/finish-reason.js";
import type { GeneratedContent } from "../../core/language-model.js";

/**
 * OpenAI `Response` objects built from the pipeline's results, for any provider's answer.
 * https://platform.openai.com/docs/api-reference/responses/object and OpenRouter's `OpenResponsesResult`, which
 * adds `usage.cost`, `cost_details` and `is_byok`.
 */

/** A JSON object as this face writes it. */
export type JsonRecord = Record<string, unknown>;

/** The request's settings a Response repeats back (OpenAI's object echoes them), `null` where unset. */
export interface ResponseEcho {
  instructions: string | null;
  tools: JsonRecord[];
  tool_choice: unknown;
  parallel_tool_calls: boolean;
  temperature: number | null;
  top_p: number | null;
  presence_penalty: number | null;
  frequency_penalty: number | null;
  max_output_tokens: number | null;
  metadata: Record<string, string> | null;
  text: JsonRecord;
  reasoning: JsonRecord | null;
}

/** Output item ids: the generation id with the item's place, so they are unique and stable within one answer. */
export function itemId(kind: "msg" | "fc" | "rs", place: { generationId: string; outputIndex: number }): string {
  return `${kind}_${place.generationId}_${place.outputIndex}`;
}

/** Where an item is in its answer: still being written (streams) or whole. */
export type ItemStatus = "in_progress" | "completed";

/** A message item holding one output text. */
export function messageItem({ id, text, status }: { id: string; text: string; status: ItemStatus }): JsonRecord {
  return { type: "message", id, status, role: "assistant", content: status === "in_progress" ? [] : [outputTextPart(text)] };
}

/** An `output_text` content part. */
export function outputTextPart(text: string): JsonRecord {
  return { type: "output_text", text, annotations: [], logprobs: [] };
}

/** A function call item; `arguments` is the JSON text exactly as the model wrote it. */
export function functionCallItem({ id, call, status }: { id: string; call: { toolCallId: string; toolName: string; input: string }; status: ItemStatus }): JsonRecord {
  return { type: "function_call", id, call_id: call.toolCallId, name: call.toolName, arguments: call.input, status };
}

/**
 * A reasoning item: the reasoning text as its summary, the provider's signature (or redacted reasoning) as
 * `encrypted_content`, which clients send back as they got it and the parser reads back.
 */
export function reasoningItem({ id, text, signature, status }: { id: string; text: string; signature: string | undefined; status: ItemStatus }): JsonRecord {
  return {
    type: "reasoning",
    id,
    summary: status === "in_progress" || text.length === 0 ? [] : [{ type: "summary_text", text }],
    encrypted_content: signature ?? null,
    status,
  };
}

/**
 * The item that carries a function call's own signature (Gemini's `thoughtSignature`, wanted back with the call):
 * a function call item has no field for it, so it rides as a summary-less reasoning item right after the call.
 */
export function callSignatureItem(id: string, signature: string): JsonRecord {
  return reasoningItem({ id, text: "", signature, status: "completed" });
}

/** The answer's content as Response output items, in order. */
export function outputItems(generationId: string, content: GeneratedContent[]): JsonRecord[] {
  const items: JsonRecord[] = [];
  for (const part of content) {
    const index = items.length;
    switch (part.type) {
      case "text":
        if (part.text.length > 0) items.push(messageItem({ id: itemId("msg", { generationId, outputIndex: index }), text: part.text, status: "completed" }));
        break;
      case "reasoning":
        items.push(reasoningItem({ id: itemId("rs", { generationId, outputIndex: index }), text: part.text, signature: part.signature, status: "completed" }));
        break;
      case "tool-call":
        items.push(functionCallItem({ id: itemId("fc", { generationId, outputIndex: index }), call: part, status: "completed" }));
        if (part.signature !== undefined) items.push(callSignatureItem(itemId("rs", { generationId, outputIndex: index + 1 }), part.signature));
        break;
    }
  }
  return items;
}

/** `incomplete` when the answer was cut short (by the output limit or a content filter), `completed` otherwise. */
export function incompleteDetails(finishReason: FinishReason): { reason: "max_output_tokens" | "content_filter" } | null {
  if (finishReason.unified === "length") return { reason: "max_output_tokens" };
  if (finishReason.unified === "content-filter") return { reason: "content_filter" };
  return null;
}

/**
 * The Responses `usage`: OpenAI's `input_tokens` include cached ones (as the gateway's prompt count does), and the
 * exact charge rides along as OpenRouter does, in `cost` and `cost_details`.
 */
export function responsesUsage(result: CompletionResult): JsonRecord {
  const { tokens } = result;
  return {
    input_tokens: tokens.prompt,
    input_tokens_details: { cached_tokens: tokens.cacheRead, cache_write_tokens: tokens.cacheWrite },
    output_tokens: tokens.completion,
    output_tokens_details: { reasoning_tokens: tokens.reasoning },
    total_tokens: tokens.prompt + tokens.completion,
    cost: toUsdNumber(result.cost),
    is_byok: result.isByok,
    cost_details: {
      upstream_inference_cost: result.upstreamInferenceCost === null ? null : toUsdNumber(result.upstreamInferenceCost),
      upstream_inference_input_cost: toUsdNumber(result.costParts.prompt),
      upstream_inference_output_cost: toUsdNumber(result.costParts.completion),
    },
  };
}

/** The `error` of a failed Response, in the codes OpenAI's object allows. */
export function responseError(error: GatewayError): { code: "rate_limit_exceeded" | "server_error"; message: string } {
  return { code: error.kind === "rate_limit_exceeded" ? "rate_limit_exceeded" : "server_error", message: error.message };
}

/** What differs between the Response shapes of one answer: its state, what it holds so far and how it ended. */
export interface ResponseState {
  id: string;
  model: string;
  createdAt: number;
  status: "in_progress" | "completed" | "incomplete" | "failed";
  output: JsonRecord[];
  usage: JsonRecord | null;
  error: { code: string; message: string } | null;
  incompleteDetails: { reason: string } | null;
}

/** A Response object: the answer's state plus the request's settings, as OpenAI writes every field. */
export function responseObject(state: ResponseState, echo: ResponseEcho): JsonRecord {
  const done = state.status !== "in_progress";
  return {
    id: state.id,
    object: "response",
    created_at: state.createdAt,
    status: state.status,
    completed_at: state.status === "completed" ? Math.floor(Date.now() / 1000) : null,
    error: state.error,
    incomplete_details: state.incompleteDetails,
    model: state.model,
    output: state.output,
    // OpenAI's object leaves usage out until it is known (a null would not fit its schema).
    ...(done && state.usage !== null ? { usage: state.usage } : {}),
    background: false,
    service_tier: "auto",
    store: false,
    truncation: "disabled",
    max_tool_calls: null,
    ...echo,
  };
}

/** The non-streaming Response. Its id is the generation id, the same as `X-Generation-Id`. */
export function responseBody(result: CompletionResult, echo: ResponseEcho): JsonRecord {
  const details = incompleteDetails(result.finishReason);
  return responseObject(
    {
      id: result.generationId,
      model: result.model,
      createdAt: result.created,
      status: details === null ? "completed" : "incomplete",
      output: outputItems(result.generationId, result.content),
      usage: responsesUsage(result),
      error: null,
      incompleteDetails: details,
    },
    echo,
  );
}
