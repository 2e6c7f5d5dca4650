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
import { parseResponsesRequest } from "./responses-request-parser.js";
import type { ResponseEcho } from "./responses-response.js";
import { responseBody } from "./responses-response.js";
import type { ResponsesStreamEvent } from "./responses-stream-events.js";
import { errorEvent, ResponsesStreamEvents } from "./responses-stream-events.js";

/**
 * `POST /api/v1/responses`: OpenAI's Responses API, stateless as OpenRouter's, over the same pipeline as chat
 * completions (routing, admission, the hold, failover before the first byte, settlement, the generation record),
 * for any catalog model. Errors, Fastify's own included, leave in OpenRouter's envelope with the status of their kind.
 * Streams end with OpenRouter's `data: [DONE]` sentinel after the last typed event (OpenAI's SDK skips it).
 * https://platform.openai.com/docs/api-reference/responses and https://openrouter.ai/docs/api-reference/responses
 */
export function registerResponsesRoute(app: FastifyInstance, services: GatewayServices): void {
  app.post("/responses", { errorHandler: (error, _request, reply) => sendError(reply, fromFastifyError(error) ?? error) }, (request, reply) => serveResponses(services, request, reply));
}

async function serveResponses(services: GatewayServices, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const principal = await requirePrincipal(services, request);
  const { chatRequest, echo } = parseResponsesRequest(request.body);
  if (services.config.LOG_BODIES) request.logFacts.prompt = chatRequest.options.prompt;
  const run = { principal, signal: clientGoneSignal(reply), generationId: newGenerationId(), attribution: appAttribution(request) };
  if (!chatRequest.stream) {
    const result = await services.completions.generate(chatRequest, run);
    noteCompletion(request, result);
    return reply.header("x-generation-id", result.generationId).send(responseBody(result, echo));
  }
  return streamResponses({ services, request, reply, chatRequest, echo, run });
}

async function streamResponses(input: {
  services: GatewayServices;
  request: FastifyRequest;
  reply: FastifyReply;
  chatRequest: ChatRequest;
  echo: ResponseEcho;
  run: CompletionRun & { generationId: string };
}): Promise<unknown> {
  const { services, reply } = input;
  const { config } = services;
  const sse = new SseResponse(reply, { "x-generation-id": input.run.generationId }, { bufferBytes: config.STREAM_BUFFER_BYTES, stallTimeoutMs: config.STREAM_STALL_TIMEOUT_MS });
  const write = (events: ResponsesStreamEvent[]): void => {
    for (const { event, data } of events) sse.event(event, data);
  };

  let stream: CompletionStream;
  try {
    stream = await startAdmittedStream({ services, chatRequest: input.chatRequest, run: input.run, keepAlive: () => sse.comment("OPENROUTER PROCESSING") });
  } catch (error) {
    if (!sse.headersSent) return sendError(reply, error);
    const gatewayError = toGatewayError(error);
    noteError(input.request, gatewayError);
    write([errorEvent(gatewayError, 0)]);
    sse.done();
    return reply;
  }
  if (!sse.isClosed) {
    services.metrics.streamOpened();
    reply.raw.once("close", () => services.metrics.streamClosed());
  }

  const events = new ResponsesStreamEvents(stream, input.echo);
  return pumpStreamFace({ request: input.request, reply, sse, stream, events, write, close: () => sse.done() });
}
