import type { ServerResponse } from "node:http";
import { DEFAULT_EMBEDDING_DIMENSIONS, MAX_EMBEDDING_DIMENSIONS, embeddingErrorStatus, simulatedEmbedding } from "../shared/embeddings.js";
import { detailsFor, googleError, sendGoogleError } from "./gemini-errors.js";

interface EmbedRequest {
  text: string;
  dimensions: number;
}

/** One `EmbedContentRequest`: a content of text parts (joined, as Gemini embeds the content whole) and `outputDimensionality`. */
function readRequest(value: unknown, where: string, model: string): EmbedRequest | string {
  const request = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  if (request.model !== undefined && request.model !== `models/${model}`) {
    return `${where}.model: the model of every request must be the model in the URL (models/${model})`;
  }
  const content = request.content as { parts?: unknown } | undefined;
  const parts = Array.isArray(content?.parts) ? (content.parts as unknown[]) : undefined;
  if (parts === undefined || parts.length === 0) return `${where}.content: * EmbedContentRequest.content: contents.parts must not be empty.`;
  const texts = parts.map((part) => (typeof part === "object" && part !== null ? (part as { text?: unknown }).text : undefined));
  if (!texts.every((text): text is string => typeof text === "string")) return `${where}.content.parts: only text parts can be embedded`;
  const text = texts.join("");
  if (text.trim() === "") return `${where}.content: * EmbedContentRequest.content: contents.parts must not be empty.`;
  const dimensions = request.outputDimensionality ?? DEFAULT_EMBEDDING_DIMENSIONS;
  if (typeof dimensions !== "number" || !Number.isInteger(dimensions) || dimensions < 1 || dimensions > MAX_EMBEDDING_DIMENSIONS) {
    return `${where}.output_dimensionality: must be between 1 and ${MAX_EMBEDDING_DIMENSIONS}`;
  }
  return { text, dimensions };
}

/**
 * `models/{model}:embedContent` (`{content}` → `{embedding:{values}}`) and `:batchEmbedContents`
 * (`{requests:[…]}` → `{embeddings:[{values}]}`, which `@google/genai`'s `embedContent` calls), with Google's
 * INVALID_ARGUMENT envelope for a malformed request and `[[error:NNN]]` for a refusal.
 */
export function answerGeminiEmbeddings(response: ServerResponse, body: unknown, model: string, method: "embedContent" | "batchEmbedContents"): void {
  const record = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  let raw: unknown[];
  if (method === "embedContent") raw = [record];
  else if (Array.isArray(record.requests) && record.requests.length > 0 && record.requests.length <= 250) raw = record.requests as unknown[];
  else {
    sendGoogleError(response, googleError(400, "* BatchEmbedContentsRequest.requests: between 1 and 250 requests are required", detailsFor(400)));
    return;
  }
  const requests: EmbedRequest[] = [];
  for (const [index, item] of raw.entries()) {
    const parsed = readRequest(item, method === "embedContent" ? "request" : `requests[${index}]`, model);
    if (typeof parsed === "string") {
      sendGoogleError(response, googleError(400, parsed, detailsFor(400)));
      return;
    }
    requests.push(parsed);
  }
  const status = embeddingErrorStatus(requests.map((request) => request.text));
  if (status !== undefined) {
    sendGoogleError(response, googleError(status, `Simulated upstream error ${status}`, detailsFor(status)));
    return;
  }
  const vectors = requests.map((request) => ({ values: simulatedEmbedding(request.text, model, request.dimensions) }));
  response.writeHead(200, { "content-type": "application/json; charset=UTF-8" });
  response.end(JSON.stringify(method === "embedContent" ? { embedding: vectors[0] } : { embeddings: vectors }));
}
