import type { ServerResponse } from "node:http";
import { DEFAULT_EMBEDDING_DIMENSIONS, MAX_EMBEDDING_DIMENSIONS, embeddingErrorStatus, simulatedEmbedding, simulatedInputTokens } from "../shared/embeddings.js";
import { openAIError, sendOpenAIError } from "./openai-errors.js";

type Input = string | number[];

function isTokenArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.length > 0 && value.every((item) => Number.isInteger(item) && (item as number) >= 0);
}

/** OpenAI's accepted `input` shapes: a string, strings, a token array or token arrays, none empty, at most 2,048. */
function inputsOf(value: unknown): Input[] | string {
  if (typeof value === "string") return value === "" ? "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference." : [value];
  if (!Array.isArray(value) || value.length === 0) return "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.";
  if (value.length > 2048) return "'$.input' is invalid: at most 2048 inputs.";
  if (isTokenArray(value)) return [value];
  if (value.every((item) => (typeof item === "string" && item !== "") || isTokenArray(item))) return value as Input[];
  return "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.";
}

/**
 * `POST /v1/embeddings` as OpenAI answers it: a list of embedding objects in input order, float arrays or,
 * for `encoding_format: "base64"`, little-endian float32 bytes in base64 (what the `openai` SDK asks for by
 * default and decodes), and `usage.prompt_tokens`.
 */
export function answerOpenAIEmbeddings(response: ServerResponse, body: unknown, requestId: string): void {
  const request = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const model = request.model;
  if (typeof model !== "string" || model === "") {
    sendOpenAIError(response, { status: 400, error: openAIError(400, "you must provide a model parameter", null, null), requestId });
    return;
  }
  const inputs = inputsOf(request.input);
  if (typeof inputs === "string") {
    sendOpenAIError(response, { status: 400, error: openAIError(400, inputs, "input", "invalid_value"), requestId });
    return;
  }
  const dimensions = request.dimensions ?? DEFAULT_EMBEDDING_DIMENSIONS;
  if (typeof dimensions !== "number" || !Number.isInteger(dimensions) || dimensions < 1 || dimensions > MAX_EMBEDDING_DIMENSIONS) {
    sendOpenAIError(response, { status: 400, error: openAIError(400, "Invalid value for 'dimensions'.", "dimensions", "invalid_value"), requestId });
    return;
  }
  const encoding = request.encoding_format ?? "float";
  if (encoding !== "float" && encoding !== "base64") {
    sendOpenAIError(response, { status: 400, error: openAIError(400, "Invalid value for 'encoding_format'.", "encoding_format", "invalid_value"), requestId });
    return;
  }
  const status = embeddingErrorStatus(inputs);
  if (status !== undefined) {
    sendOpenAIError(response, { status, error: openAIError(status, `Simulated upstream error ${status}`), requestId });
    return;
  }
  const promptTokens = inputs.reduce((sum, input) => sum + simulatedInputTokens(input), 0);
  const data = inputs.map((input, index) => {
    const vector = simulatedEmbedding(input, model, dimensions);
    if (encoding === "float") return { object: "embedding", index, embedding: vector };
    const bytes = Buffer.alloc(vector.length * 4);
    vector.forEach((value, position) => bytes.writeFloatLE(value, position * 4));
    return { object: "embedding", index, embedding: bytes.toString("base64") };
  });
  response.writeHead(200, { "content-type": "application/json", "x-request-id": requestId });
  response.end(JSON.stringify({ object: "list", data, model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } }));
}
