import type { Prompt } from "./prompt.js";

/** A JSON value, as accepted in JSON schemas and tool definitions. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A function the model may call. `parameters` is a JSON Schema object. */
export interface FunctionTool {
  name: string;
  description?: string;
  parameters: JsonObject;
  strict?: boolean;
}

export type ToolChoice =
  | { type: "auto" }
  | { type: "none" }
  | { type: "required" }
  | { type: "tool"; toolName: string };

export type ResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; name: string; schema: JsonObject; strict?: boolean; description?: string };

export type ReasoningEffort = "minimal" | "low" | "medium" | "high";

/**
 * What the caller asked of reasoning, in OpenRouter's unified form. Adapters translate it into the
 * provider's own knob (OpenAI `reasoning_effort`, Anthropic `thinking.budget_tokens`, Gemini `thinkingConfig`).
 */
export interface ReasoningOptions {
  effort?: ReasoningEffort;
  maxTokens?: number;
  /** Reason, but do not return the reasoning to the caller. */
  exclude?: boolean;
  /** false turns reasoning off where the provider allows it. */
  enabled?: boolean;
}

/**
 * Everything a provider adapter needs for one call. The model is bound when the adapter is created, so it is
 * not repeated here. Optional fields that are `undefined` were not asked for and must not be sent upstream.
 */
export interface CallOptions {
  prompt: Prompt;
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  frequencyPenalty?: number;
  presencePenalty?: number;
  repetitionPenalty?: number;
  stopSequences?: string[];
  seed?: number;
  responseFormat?: ResponseFormat;
  tools?: FunctionTool[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  reasoning?: ReasoningOptions;
  /** The end user's id, for the provider's abuse monitoring. */
  user?: string;
  /** Aborts the upstream request (client disconnected, unsubscribed, timed out). */
  abortSignal?: AbortSignal;
}

/** A call option the adapter could not honour and dropped. */
export interface CallWarning {
  type: "unsupported-setting" | "other";
  setting?: keyof CallOptions;
  message: string;
}
