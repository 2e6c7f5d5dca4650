import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { GatewayServices } from "../../app/services.js";
import type { ChatRequest } from "../../completions/chat-request.js";
import type { CompletionRun, CompletionStream } from "../../completions/completion-service.js";
import { newGenerationId } from "../../completions/generation-id.js";
import { toGatewayError } from "../../core/errors.js";
import { fromFastifyError, sendError } from "../error-envelope.js";
import { noteCompletion, noteError } from "../request-log.js";
import { appAttribution } from "../openrouter/app-attribution.js";
import { clientGoneSignal, requirePrincipal, startAdmittedStream } from "../openrouter/serve-completion.js";
import { SseResponse } from "../openrouter/sse-response.js";
import { pumpStreamFace } from "../stream-face.js";
import { toAnthropicErrorBody } from "./anthropic-error-body.js";
import { parseMessagesRequest } from "./messages-request-parser.js";
import { messageBody } from "./messages-response.js";
import type { MessagesStreamEvent } from "./messages-stream-events.js";
import { failureEvent, MessagesStreamEvents } from "./messages-stream-events.js";

/**
 * `POST /api/v1/messages`: Anthropic's Messages API over the same pipeline as chat completions (routing,
 * admission, the hold, failover before the first byte, settlement, the generation record), for any catalog
 * model. Errors, Fastify's own included, leave in Anthropic's error shape with the status of their kind.
 * https://docs.claude.com/en/api/messages and https://openrouter.ai/docs/api-reference/messages
 */
export function registerMessagesRoute(app: FastifyInstance, services: GatewayServices): void {
  app.post("/messages", { errorHandler: (error, _request, reply) => sendError(reply, fromFastifyError(error) ?? error, toAnthropicErrorBody) }, (request, reply) =>
    serveMessages(services, request, reply),
  );
}

/**
 * The key, from `x-api-key` (what Anthropic's SDKs send by default) or `Authorization: Bearer`; when both are
 * present `x-api-key` wins, as on api.anthropic.com.
 */
function authorizationOf(request: FastifyRequest): string | undefined {
  const apiKey = request.headers["x-api-key"];
  const value = Array.isArray(apiKey) ? apiKey[0] : apiKey;
  return value === undefined || value.length === 0 ? request.headers.authorization : `Bearer ${value}`;
}

async function serveMessages(services: GatewayServices, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const principal = await requirePrincipal(services, request, {
    authorization: authorizationOf(request),
    missingKeyMessage: "Missing API key: send `x-api-key: <key>` or `Authorization: Bearer <key>`",
  });
  const chatRequest = parseMessagesRequest(request.body);
  if (services.config.LOG_BODIES) request.logFacts.prompt = chatRequest.options.prompt;
  const run = { principal, signal: clientGoneSignal(reply), generationId: newGenerationId(), attribution: appAttribution(request) };
  if (!chatRequest.stream) {
    const result = await services.completions.generate(chatRequest, run);
    noteCompletion(request, result);
    return reply.header("x-generation-id", result.generationId).send(messageBody(result));
  }
  return streamMessages({ services, request, reply, chatRequest, run });
}

async function streamMessages(input: {
  services: GatewayServices;
  request: FastifyRequest;
  reply: FastifyReply;
  chatRequest: ChatRequest;
  run: CompletionRun & { generationId: string };
}): Promise<unknown> {
  const { services, reply } = input;
  const { config } = services;
  const sse = new SseResponse(reply, { "x-generation-id": input.run.generationId }, { bufferBytes: config.STREAM_BUFFER_BYTES, stallTimeoutMs: config.STREAM_STALL_TIMEOUT_MS });
  const write = (events: MessagesStreamEvent[]): void => {
    for (const { event, data } of events) sse.event(event, data);
  };

  let stream: CompletionStream;
  try {
    stream = await startAdmittedStream({ services, chatRequest: input.chatRequest, run: input.run, keepAlive: () => sse.event("ping", { type: "ping" }) });
  } catch (error) {
    if (!sse.headersSent) return sendError(reply, error, toAnthropicErrorBody);
    noteError(input.request, toGatewayError(error));
    write([failureEvent(error)]);
    sse.end();
    return reply;
  }

  const events = new MessagesStreamEvents(stream);
  return pumpStreamFace({ request: input.request, reply, sse, stream, events, write, close: () => sse.end() });
}
