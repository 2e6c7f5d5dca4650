import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { planAnswer, sleep, withPresentedCredential, type Script } from "../shared/scenario.js";
import { startSimulatorServer, writeSseEvent, type RunningSimulator, type SimulatorHandler } from "../shared/simulator-server.js";
import {
  detailsFor,
  googleError,
  invalidApiKeyError,
  missingApiKeyError,
  sendGoogleError,
} from "./gemini-errors.js";
import { answerGeminiEmbeddings } from "./gemini-embeddings.js";
import { parseGeminiRequest } from "./parse-gemini-request.js";
import { renderGenerateContentResponse, renderStreamChunks, type RenderContext } from "./render-gemini-response.js";

export interface GeminiSimulatorOptions {
  port?: number;
  /** When set, requests must carry this key (`x-goog-api-key` header or `?key=`), as the real API demands. */
  apiKey?: string;
}

/** `/v1beta/models/{model}:{method}` (and `/v1/…`, the default of `@google/genai` 3.x). */
const ROUTE = /^\/(v1beta|v1)\/models\/([^/:]+):(generateContent|streamGenerateContent|embedContent|batchEmbedContents)$/;

/**
 * What Google sends when a stream fails after it started: an error object as one more SSE data event, then
 * the end of the stream (seen in the wild as `data: {"error":{"code":500,…,"status":"INTERNAL"}}` and with
 * 503 UNAVAILABLE; `@google/genai` checks every chunk for it and throws its `ApiError`).
 */
const MID_STREAM_ERROR = googleError(500, "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting");

const JSON_CONTENT_TYPE = "application/json; charset=UTF-8";

function newResponseId(): string {
  return randomBytes(16).toString("base64url");
}

function sendJson(response: ServerResponse, body: unknown): void {
  response.writeHead(200, { "content-type": JSON_CONTENT_TYPE });
  response.end(JSON.stringify(body));
}

/** How many chunks go out before a `[[fail-after:N]]` failure; the final chunk (with finishReason) never does. */
function chunksBeforeFailure(script: Script, total: number): number {
  return script.failAfterChunks === undefined ? total : Math.min(script.failAfterChunks, total - 1);
}

async function streamAnswer(options: {
  response: ServerResponse;
  context: RenderContext;
  sse: boolean;
  isClosed: () => boolean;
}): Promise<void> {
  const { response, context, sse, isClosed } = options;
  const { script } = context;
  const chunks = renderStreamChunks(context);
  const sendCount = chunksBeforeFailure(script, chunks.length);
  // Without alt=sse the endpoint streams one JSON array, element by element.
  response.writeHead(200, { "content-type": sse ? "text/event-stream" : JSON_CONTENT_TYPE });
  if (!sse) response.write("[");
  const write = (body: unknown, index: number): void => {
    if (sse) writeSseEvent(response, JSON.stringify(body));
    else response.write(`${index === 0 ? "" : ",\r\n"}${JSON.stringify(body)}`);
  };
  for (let index = 0; index < sendCount; index += 1) {
    await sleep(script.delayMs);
    if (isClosed()) return;
    write(chunks[index], index);
  }
  if (sendCount < chunks.length) {
    await sleep(script.delayMs);
    if (isClosed()) return;
    write(MID_STREAM_ERROR, sendCount);
  }
  response.end(sse ? undefined : "]");
}

/** The key a request carries: the `x-goog-api-key` header or the `key` query parameter. */
function presentedKey(headers: Record<string, string | string[] | undefined>, url: URL): string | undefined {
  const header = headers["x-goog-api-key"];
  return (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get("key") ?? undefined;
}

function checkApiKey(expected: string | undefined, headers: Record<string, string | string[] | undefined>, url: URL): ReturnType<typeof invalidApiKeyError> | undefined {
  if (expected === undefined) return undefined;
  const given = presentedKey(headers, url);
  if (given === undefined || given === "") return missingApiKeyError();
  return given === expected ? undefined : invalidApiKeyError();
}

/**
 * Starts a simulated Gemini API (generativelanguage `v1beta`): `POST /v1beta/models/{model}:generateContent`
 * and `:streamGenerateContent?alt=sse`, answering (and `:embedContent`, `:batchEmbedContents` with deterministic vectors) from the shared scenario plan in Google's wire format,
 * including its error envelope, status names, and mid-stream error events.
 */
export async function startGeminiSimulator(options: GeminiSimulatorOptions = {}): Promise<RunningSimulator> {
  const handler: SimulatorHandler = async ({ request, response, url, body, isClosed }) => {
    const route = ROUTE.exec(url.pathname);
    if (request.method !== "POST" || route === null) {
      sendGoogleError(response, googleError(404, `Method not found: ${request.method ?? "GET"} ${url.pathname}`));
      return;
    }
    const model = route[2] ?? "";
    const keyError = checkApiKey(options.apiKey, request.headers, url);
    if (keyError !== undefined) {
      sendGoogleError(response, keyError);
      return;
    }
    if (route[3] === "embedContent" || route[3] === "batchEmbedContents") {
      answerGeminiEmbeddings(response, body, model, route[3]);
      return;
    }
    const parsed = parseGeminiRequest(body, model);
    if (!parsed.ok) {
      sendGoogleError(response, parsed.error);
      return;
    }
    const script = planAnswer(parsed.parsed.neutral, "Gemini");
    if (script.error !== undefined) {
      sendGoogleError(response, googleError(script.error.status, withPresentedCredential(script.error.message, presentedKey(request.headers, url)), detailsFor(script.error.status)));
      return;
    }
    const context: RenderContext = { script, model, responseId: newResponseId(), includeThoughts: parsed.parsed.includeThoughts };
    if (route[3] === "streamGenerateContent") {
      await streamAnswer({ response, context, sse: url.searchParams.get("alt") === "sse", isClosed });
      return;
    }
    await sleep(script.delayMs);
    if (isClosed()) return;
    sendJson(response, renderGenerateContentResponse(context));
  };
  return startSimulatorServer({ port: options.port, handler });
}
