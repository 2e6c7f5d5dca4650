import type { FastifyReply, FastifyRequest } from "fastify";
import type { GatewayServices } from "../../app/services.js";
import type { Principal } from "../../auth/principal.js";
import { parseChatRequest } from "../../completions/chat-request-parser.js";
import type { ChatRequest } from "../../completions/chat-request.js";
import type { CompletionResult, CompletionRun, CompletionStream } from "../../completions/completion-service.js";
import { newGenerationId } from "../../completions/generation-id.js";
import { AnswerEventTranslator } from "../../completions/answer-events.js";
import { GatewayError, toGatewayError } from "../../core/errors.js";
import { assertNever } from "../../core/stream-parts.js";
import { sendError } from "../error-envelope.js";
import { noteCompletion, notePrincipal } from "../request-log.js";
import { appAttribution } from "./app-attribution.js";
import { chatChunk, chatCompletionBody, errorChunk, openAIFinishReason, textChunk, textCompletionBody, usageChunk } from "./chat-response.js";
import { SseResponse } from "./sse-response.js";

/** How a face takes the key, when not only from `Authorization: Bearer`. */
export interface KeyLocation {
  /** The `Authorization` value to authenticate with (Anthropic's face turns `x-api-key` into one). */
  authorization: string | undefined;
  /** What the 401 tells a caller who sent no key. */
  missingKeyMessage: string;
}

/** The caller's principal, or 401 when no key was sent. */
export async function requirePrincipal(
  services: GatewayServices,
  request: FastifyRequest,
  key: KeyLocation = { authorization: request.headers.authorization, missingKeyMessage: "Missing Authorization header: send `Authorization: Bearer <key>`" },
): Promise<Principal> {
  const principal = await services.authenticate(key.authorization);
  if (principal === null) throw new GatewayError("authentication", key.missingKeyMessage);
  notePrincipal(request, principal);
  return principal;
}

/**
 * An AbortSignal that fires when the client closes the connection before the response is complete. The
 * response's `close` covers both a client gone while the request waits and one gone mid-stream.
 */
export function clientGoneSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once("close", () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}

/**
 * Serves `POST /chat/completions` and the legacy `POST /completions`: parse, then hand the request to the one
 * completion pipeline, and write its answer as one JSON body or as server-sent events.
 */
export async function serveCompletion(services: GatewayServices, request: FastifyRequest, reply: FastifyReply, apiType: "chat" | "completions"): Promise<unknown> {
  const principal = await requirePrincipal(services, request);
  const chatRequest = parseChatRequest(request.body, apiType);
  if (services.config.LOG_BODIES) request.logFacts.prompt = chatRequest.options.prompt;
  const signal = clientGoneSignal(reply);
  const generationId = newGenerationId();
  const attribution = appAttribution(request);
  if (!chatRequest.stream) {
    const result = await services.completions.generate(chatRequest, { principal, signal, generationId, attribution });
    noteCompletion(request, result);
    return reply
      .header("x-generation-id", result.generationId)
      .send(apiType === "chat" ? chatCompletionBody(result) : textCompletionBody(result));
  }
  return streamCompletion({ services, request, reply, chatRequest, run: { principal, signal, generationId, attribution } });
}

/**
 * Starts a completion stream, sending `keepAlive` every STREAM_KEEPALIVE_MS while the upstream is silent, as
 * OpenRouter does; but only once the request is admitted (limits passed, funds held), so a refusal is still a
 * plain 402 or 429. Shared by every streaming face; each says what its keep-alive is.
 */
export async function startAdmittedStream(input: {
  services: GatewayServices;
  chatRequest: ChatRequest;
  run: CompletionRun & { generationId: string };
  keepAlive: () => void;
}): Promise<CompletionStream> {
  const interval = input.services.config.STREAM_KEEPALIVE_MS;
  let timer: NodeJS.Timeout | undefined;
  const startKeepAlive = (): void => {
    timer ??= setTimeout(function tick() {
      input.keepAlive();
      timer = setTimeout(tick, interval);
    }, interval);
  };
  try {
    return await input.services.completions.stream(input.chatRequest, { ...input.run, onAdmitted: startKeepAlive });
  } finally {
    clearTimeout(timer);
  }
}

async function streamCompletion(input: {
  services: GatewayServices;
  request: FastifyRequest;
  reply: FastifyReply;
  chatRequest: ChatRequest;
  run: CompletionRun & { generationId: string };
}): Promise<unknown> {
  const { services, reply } = input;
  const { config } = services;
  const generationId = input.run.generationId;
  const sse = new SseResponse(reply, { "x-generation-id": generationId }, { bufferBytes: config.STREAM_BUFFER_BYTES, stallTimeoutMs: config.STREAM_STALL_TIMEOUT_MS });
  const object = input.chatRequest.apiType === "chat" ? "chat.completion.chunk" : "text_completion";

  let stream: CompletionStream;
  try {
    stream = await startAdmittedStream({ services, chatRequest: input.chatRequest, run: input.run, keepAlive: () => sse.comment("OPENROUTER PROCESSING") });
  } catch (error) {
    if (!sse.headersSent) return sendError(reply, error);
    sse.data(errorChunk({ generationId, model: input.chatRequest.models[0] ?? "", providerName: "", providerSlug: "", created: Math.floor(Date.now() / 1000) }, toGatewayError(error), object));
    sse.done();
    return reply;
  }
  if (!sse.isClosed) {
    services.metrics.streamOpened();
    reply.raw.once("close", () => services.metrics.streamClosed());
  }

  const translator = new AnswerEventTranslator();
  const chat = object === "chat.completion.chunk";
  let sentRole = false;
  let failure: GatewayError | undefined;
  // The finish chunk is part of the answer's end: it waits, with the usage chunk and `[DONE]`, for the
  // settlement (in strict BILLING_DURABILITY, until the charge and the generation record are committed).
  let finishChunk: unknown;
  for await (const part of stream.parts) {
    if (sse.isClosed) break;
    if (!sentRole && chat) {
      sse.data(chatChunk(stream, { role: "assistant", content: "" }));
      sentRole = true;
    }
    const event = translator.next(part);
    switch (event?.type) {
      case undefined:
        break;
      case "content":
        sse.data(chat ? chatChunk(stream, { content: event.delta }) : textChunk(stream, event.delta));
        break;
      case "reasoning":
        if (chat) sse.data(chatChunk(stream, { content: "", reasoning: event.delta, reasoning_details: [event.detail] }));
        break;
      case "tool-call-signature":
        if (chat) sse.data(chatChunk(stream, { content: "", reasoning_details: [event.detail] }));
        break;
      case "tool-call-start":
        if (chat) sse.data(chatChunk(stream, { tool_calls: [{ index: event.index, id: event.toolCallId, type: "function", function: { name: event.toolName, arguments: "" } }] }));
        break;
      case "tool-call-arguments":
        if (chat) sse.data(chatChunk(stream, { tool_calls: [{ index: event.index, function: { arguments: event.delta } }] }));
        break;
      case "finish": {
        const finish = { reason: openAIFinishReason(event.finishReason.unified), native: event.finishReason.raw ?? null };
        finishChunk = chat ? chatChunk(stream, {}, finish) : textChunk(stream, "", finish);
        break;
      }
      case "error":
        failure = event.error;
        break;
      default:
        assertNever(event);
    }
    // Pull the next part only once the client takes this one: a reader that is not reading stops the upstream.
    if ((await sse.room()) !== "ready") break;
  }
  let result: CompletionResult;
  try {
    result = await stream.result;
    noteCompletion(input.request, result);
  } catch (error) {
    // Not charged and recorded for sure: the answer ends with an error, not with a claim of success.
    sse.data(errorChunk(stream, toGatewayError(error), object));
    sse.done();
    return reply;
  }
  if (sse.isClosed) return reply;
  if (finishChunk !== undefined) sse.data(finishChunk);
  if (failure !== undefined) sse.data(errorChunk(stream, failure, object));
  sse.data(usageChunk(result, object));
  sse.done();
  return reply;
}
