import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { planAnswer, sleep, withPresentedCredential } from "../shared/scenario.js";
import { startSimulatorServer, writePacedSseEvent, writeSseEvent, type RecordedRequest, type RunningSimulator, type SimulatorHandler } from "../shared/simulator-server.js";
import { MID_STREAM_ERROR, openAIError, sendOpenAIError } from "./openai-errors.js";
import { answerOpenAIEmbeddings } from "./openai-embeddings.js";
import { parseOpenAIRequest } from "./parse-openai-request.js";
import { renderChatCompletion, renderStreamChunks, type ReasoningField, type RenderContext } from "./render-openai-response.js";

export interface OpenAISimulatorOptions {
  port?: number;
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (401 otherwise). */
  apiKey?: string;
  /**
   * Where reasoning text goes. OpenAI itself never returns it in Chat Completions; the compatible vendors
   * the gateway also reaches do, as `reasoning_content` (DeepSeek, vLLM) or `reasoning` (OpenRouter, Ollama).
   */
  reasoningField?: ReasoningField;
  /**
   * Enforce OpenAI's own model rules (reasoning models refuse `max_tokens` and non-default temperature,
   * other models refuse `reasoning_effort`). Turn off when simulating a compatible vendor, whose models
   * follow their own rules. Default true.
   */
  openAIModelRules?: boolean;
  /** Model ids listed by `GET /v1/models`. */
  models?: string[];
}

const DEFAULT_MODELS = ["gpt-4o-mini", "gpt-4o", "gpt-5-mini", "o3-mini"];

function newRequestId(): string {
  return `req_${randomBytes(16).toString("hex")}`;
}

/** Tool call ids derived from the conversation, so the streamed and non-streamed answers agree. */
function toolCallIdsFor(body: unknown, count: number): string[] {
  const source = typeof body === "object" && body !== null ? body : {};
  const { stream: _stream, stream_options: _options, ...rest } = source as Record<string, unknown>;
  const digest = createHash("sha256").update(JSON.stringify(rest)).digest("base64url").replace(/[-_]/g, "x");
  return Array.from({ length: count }, (_, index) => `call_${digest.slice(0, 22)}${index.toString().padStart(2, "0")}`);
}

function checkAuthorization(expected: string | undefined, request: IncomingMessage): { status: number; message: string } | undefined {
  if (expected === undefined) return undefined;
  const header = request.headers.authorization;
  if (header === undefined || header === "") {
    return {
      status: 401,
      message: "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    };
  }
  if (header === `Bearer ${expected}`) return undefined;
  const given = header.replace(/^Bearer\s+/i, "");
  return { status: 401, message: `Incorrect API key provided: ${given.slice(0, 3)}***${given.slice(-4)}. You can find your API key at https://platform.openai.com/account/api-keys.` };
}

async function streamAnswer(options: { response: ServerResponse; recorded: RecordedRequest; context: RenderContext; requestId: string; isClosed: () => boolean }): Promise<void> {
  const { response, recorded, context, isClosed } = options;
  const { script } = context;
  response.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-request-id": options.requestId });
  let contentSent = 0;
  for (const chunk of renderStreamChunks(context)) {
    // Fail after N content chunks, or just before finishing when the answer is shorter than N.
    const failNow = script.failAfterChunks !== undefined && ((chunk.kind === "content" && contentSent >= script.failAfterChunks) || chunk.kind === "finish");
    if (failNow) {
      await sleep(script.delayMs);
      if (isClosed()) return;
      writeSseEvent(response, JSON.stringify({ error: MID_STREAM_ERROR }));
      response.end();
      return;
    }
    await sleep(script.delayMs);
    if (isClosed()) return;
    await writePacedSseEvent({ response, recorded, data: JSON.stringify(chunk.body) });
    if (isClosed()) return;
    if (chunk.kind === "content") contentSent += 1;
  }
  writeSseEvent(response, "[DONE]");
  response.end();
}

/**
 * Starts a simulated OpenAI API: `POST /v1/chat/completions` (JSON or SSE, exactly as OpenAI frames it),
 * `POST /v1/embeddings` (deterministic vectors from the input) and `GET /v1/models`, answering from the shared scenario plan, with OpenAI's error envelope, its checks on
 * reasoning-model parameters and tool-call pairing, and mid-stream error events.
 */
export async function startOpenAISimulator(options: OpenAISimulatorOptions = {}): Promise<RunningSimulator> {
  const reasoningField = options.reasoningField ?? "reasoning_content";
  const handler: SimulatorHandler = async ({ request, response, url, body, recorded, isClosed }) => {
    const requestId = newRequestId();
    const authError = checkAuthorization(options.apiKey, request);
    if (authError !== undefined) {
      sendOpenAIError(response, { status: authError.status, error: openAIError(authError.status, authError.message), requestId });
      return;
    }
    if (request.method === "GET" && url.pathname === "/v1/models") {
      response.writeHead(200, { "content-type": "application/json", "x-request-id": requestId });
      response.end(
        JSON.stringify({
          object: "list",
          data: (options.models ?? DEFAULT_MODELS).map((id) => ({ id, object: "model", created: 1_700_000_000, owned_by: "system" })),
        }),
      );
      return;
    }
    if (request.method === "POST" && url.pathname === "/v1/embeddings") {
      answerOpenAIEmbeddings(response, body, requestId);
      return;
    }
    if (request.method !== "POST" || url.pathname !== "/v1/chat/completions") {
      sendOpenAIError(response, { status: 404, error: openAIError(404, `Invalid URL (${request.method ?? "GET"} ${url.pathname})`, null, null), requestId });
      return;
    }
    const parsed = parseOpenAIRequest(body, { openAIModelRules: options.openAIModelRules ?? true });
    if (!parsed.ok) {
      sendOpenAIError(response, { status: 400, error: parsed.error, requestId });
      return;
    }
    const script = planAnswer(parsed.parsed.neutral, "OpenAI");
    if (script.error !== undefined) {
      sendOpenAIError(response, { status: script.error.status, error: openAIError(script.error.status, withPresentedCredential(script.error.message, request.headers.authorization)), requestId });
      return;
    }
    const context: RenderContext = {
      script,
      model: parsed.parsed.neutral.model,
      id: `chatcmpl-${randomBytes(15).toString("base64url")}`,
      created: Math.floor(Date.now() / 1000),
      reasoningField,
      toolCallIds: toolCallIdsFor(body, script.toolCalls.length),
      includeUsage: parsed.parsed.includeUsage,
    };
    if (parsed.parsed.stream) {
      await streamAnswer({ response, recorded, context, requestId, isClosed });
      return;
    }
    await sleep(script.delayMs);
    if (isClosed()) return;
    response.writeHead(200, { "content-type": "application/json", "x-request-id": requestId });
    response.end(JSON.stringify(renderChatCompletion(context)));
  };
  return startSimulatorServer({ port: options.port, handler });
}
