import type { CallWarning } from "./call-options.js";
import type { FinishReason } from "./finish-reason.js";
import type { Usage } from "./usage.js";
import type { GatewayError } from "./errors.js";

/**
 * One event of a streamed answer. Adapters produce them; the REST and GraphQL faces serialise them.
 * Every `switch` over `type` ends with an `assertNever` so the compiler finds each place a new part
 * must be handled.
 *
 * Tool calls stream as `tool-input-start`, then `tool-input-delta`s with argument text, then one
 * `tool-call` carrying the complete arguments. Providers that deliver whole calls at once (Gemini) emit all
 * three back to back.
 */
export type StreamPart =
  | { type: "stream-start"; warnings: CallWarning[] }
  | { type: "response-metadata"; id?: string; modelId?: string }
  | { type: "text-delta"; delta: string }
  | { type: "reasoning-delta"; delta: string; signature?: string }
  | { type: "tool-input-start"; toolCallId: string; toolName: string }
  | { type: "tool-input-delta"; toolCallId: string; delta: string }
  | { type: "tool-call"; toolCallId: string; toolName: string; input: string; signature?: string }
  | { type: "finish"; finishReason: FinishReason; usage: Usage }
  | { type: "error"; error: GatewayError };

/** Compile-time exhaustiveness check for switches over discriminated unions. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
