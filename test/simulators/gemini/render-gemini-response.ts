import { Buffer } from "node:buffer";
import type { Script, ScriptToolCall } from "../shared/scenario.js";

/**
 * Renders a shared answer plan as Gemini's `GenerateContentResponse`
 * (https://ai.google.dev/api/generate-content#generatecontentresponse), whole or as the SSE chunks of
 * `streamGenerateContent?alt=sse`, with the quirks the real API has:
 * - a tool call ends with `finishReason: "STOP"` (there is no tool-calls reason) and carries no call id;
 * - function calls arrive whole, in one chunk, never as argument fragments;
 * - `thoughtsTokenCount` is NOT part of `candidatesTokenCount`, but is part of `totalTokenCount`;
 * - thoughts are returned as `thought: true` parts only when `thinkingConfig.includeThoughts` is set;
 * - every stream chunk carries `usageMetadata`, final only on the last one (the one with `finishReason`).
 */

export interface RenderContext {
  script: Script;
  model: string;
  responseId: string;
  includeThoughts: boolean;
}

type WirePart = Record<string, unknown>;

/** One piece of content as it is streamed: a thought, a text fragment, or the turn's function calls. */
type Piece = { kind: "thought"; text: string } | { kind: "text"; text: string } | { kind: "calls"; calls: ScriptToolCall[] };

const FINISH_REASONS: Record<Script["finish"], string> = { stop: "STOP", length: "MAX_TOKENS", tool_calls: "STOP" };

/** A stand-in for the opaque signature thinking models attach to the first function call of a step. */
function thoughtSignatureFor(call: ScriptToolCall): string {
  return Buffer.from(`sim-signature:${call.name}`).toString("base64");
}

function functionCallParts(context: RenderContext, calls: ScriptToolCall[]): WirePart[] {
  const thinks = context.script.reasoningChunks.length > 0;
  return calls.map((call, index) => ({
    functionCall: { name: call.name, args: JSON.parse(call.arguments) as unknown },
    ...(thinks && index === 0 ? { thoughtSignature: thoughtSignatureFor(call) } : {}),
  }));
}

function piecesOf(context: RenderContext): Piece[] {
  const { script } = context;
  const pieces: Piece[] = [];
  if (context.includeThoughts) for (const text of script.reasoningChunks) pieces.push({ kind: "thought", text });
  for (const text of script.textChunks) pieces.push({ kind: "text", text });
  if (script.toolCalls.length > 0) pieces.push({ kind: "calls", calls: script.toolCalls });
  return pieces;
}

function partsOf(context: RenderContext, piece: Piece): WirePart[] {
  switch (piece.kind) {
    case "thought":
      return [{ text: piece.text, thought: true }];
    case "text":
      return [{ text: piece.text }];
    case "calls":
      return functionCallParts(context, piece.calls);
  }
}

/** The final `usageMetadata`, as sent on a whole answer and on the last stream chunk. */
export function finalUsage(script: Script): Record<string, unknown> {
  const { promptTokens, completionTokens, reasoningTokens, cachedTokens } = script.usage;
  return {
    promptTokenCount: promptTokens,
    candidatesTokenCount: completionTokens - reasoningTokens,
    ...(reasoningTokens > 0 ? { thoughtsTokenCount: reasoningTokens } : {}),
    ...(cachedTokens > 0 ? { cachedContentTokenCount: cachedTokens } : {}),
    totalTokenCount: promptTokens + completionTokens,
    promptTokensDetails: [{ modality: "TEXT", tokenCount: promptTokens }],
    ...(cachedTokens > 0 ? { cacheTokensDetails: [{ modality: "TEXT", tokenCount: cachedTokens }] } : {}),
  };
}

/** The running `usageMetadata` of a chunk before the last: only the prompt is known. */
function interimUsage(script: Script): Record<string, unknown> {
  const { promptTokens } = script.usage;
  return { promptTokenCount: promptTokens, promptTokensDetails: [{ modality: "TEXT", tokenCount: promptTokens }], totalTokenCount: promptTokens };
}

function finishFields(script: Script): Record<string, unknown> {
  return {
    finishReason: FINISH_REASONS[script.finish],
    ...(script.toolCalls.length > 0 ? { finishMessage: "Model generated function call(s)." } : {}),
  };
}

/** The whole answer of `:generateContent`: one part per kind (thoughts, text, each function call). */
export function renderGenerateContentResponse(context: RenderContext): Record<string, unknown> {
  const { script } = context;
  const parts: WirePart[] = [];
  if (context.includeThoughts && script.reasoningChunks.length > 0) parts.push({ text: script.reasoningChunks.join(""), thought: true });
  if (script.textChunks.length > 0) parts.push({ text: script.textChunks.join("") });
  parts.push(...functionCallParts(context, script.toolCalls));
  return {
    candidates: [{ content: parts.length > 0 ? { parts, role: "model" } : { role: "model" }, ...finishFields(script), index: 0 }],
    usageMetadata: finalUsage(script),
    modelVersion: context.model,
    responseId: context.responseId,
  };
}

/**
 * The chunks of `:streamGenerateContent`, each a whole `GenerateContentResponse` holding only the new
 * parts. The last carries `finishReason` and the final usage; an answer with no content at all still gets
 * one chunk (content without parts), as the API sends for an immediate MAX_TOKENS.
 */
export function renderStreamChunks(context: RenderContext): Array<Record<string, unknown>> {
  const { script } = context;
  const pieces = piecesOf(context);
  const chunks: Array<Record<string, unknown>> = pieces.map((piece, index) => {
    const last = index === pieces.length - 1;
    return {
      candidates: [{ content: { parts: partsOf(context, piece), role: "model" }, ...(last ? finishFields(script) : {}) }],
      usageMetadata: last ? finalUsage(script) : interimUsage(script),
      modelVersion: context.model,
      responseId: context.responseId,
    };
  });
  if (chunks.length === 0) {
    chunks.push({
      candidates: [{ content: { role: "model" }, ...finishFields(script) }],
      usageMetadata: finalUsage(script),
      modelVersion: context.model,
      responseId: context.responseId,
    });
  }
  return chunks;
}
