import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Principal } from "../auth/principal.js";
import { formatUsd } from "../billing/money.js";
import type { CompletionResult } from "../completions/completion-service.js";
import type { GatewayError } from "../core/errors.js";

/**
 * What one request's log line says beyond the HTTP facts, filled in by the route as it learns them. Only
 * labels and ids: never a key, a key's hash or a provider credential; prompts and answers only with LOG_BODIES.
 */
export interface RequestLogFacts {
  keyLabel?: string;
  generationId?: string;
  model?: string;
  provider?: string;
  attempts?: number;
  tokens?: { prompt: number; completion: number; reasoning: number; cached: number };
  /** USD, exact, as a decimal string. */
  cost?: string;
  upstreamMs?: number;
  cancelled?: boolean;
  errorCode?: string;
  /** The request's messages or prompt, with LOG_BODIES only. */
  prompt?: unknown;
  /** The answer's text, with LOG_BODIES only. */
  answer?: string;
}

/** What the route keeps for the line: the facts, and the answer's content, turned into text only with LOG_BODIES. */
interface NotedFacts extends Omit<RequestLogFacts, "answer"> {
  content?: CompletionResult["content"];
}

declare module "fastify" {
  interface FastifyRequest {
    /** Facts for this request's one log line (see `registerRequestLog`). */
    logFacts: NotedFacts;
  }
}

/**
 * One structured line per request at `info`, written when the response has gone: request id, method, route
 * (the pattern, not the URL with its ids), status, total time, and whatever the route noted (key label,
 * generation, model, provider, attempts, tokens, cost, upstream time, error code). Fastify's own two lines per
 * request are turned off where the app is built, so this is the only one.
 */
export function registerRequestLog(app: FastifyInstance, options: { logBodies: boolean }): void {
  app.decorateRequest("logFacts", null as unknown as NotedFacts);
  app.addHook("onRequest", (request, _reply, done) => {
    request.logFacts = {};
    done();
  });
  app.addHook("onResponse", (request, reply, done) => {
    const { prompt, content, ...facts } = request.logFacts;
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? "(no route)",
        status: reply.statusCode,
        totalMs: Math.round(reply.elapsedTime * 10) / 10,
        ...facts,
        ...(options.logBodies ? { prompt, answer: content?.map((part) => (part.type === "text" ? part.text : "")).join("") } : {}),
      },
      "request",
    );
    done();
  });
}

/** Notes who called: the key's masked label (the management bootstrap key has none). */
export function notePrincipal(request: FastifyRequest, principal: Principal | null): void {
  if (principal?.key !== undefined) request.logFacts.keyLabel = principal.key.label;
  else if (principal?.kind === "management") request.logFacts.keyLabel = "management";
}

/** Notes what served a generation and what it cost. */
export function noteCompletion(request: FastifyRequest, result: CompletionResult): void {
  const facts = request.logFacts;
  facts.generationId = result.generationId;
  facts.model = result.model;
  facts.provider = result.providerSlug;
  facts.attempts = result.attempts;
  facts.upstreamMs = result.upstreamMs;
  facts.tokens = { prompt: result.tokens.prompt, completion: result.tokens.completion, reasoning: result.tokens.reasoning, cached: result.tokens.cacheRead };
  facts.cost = formatUsd(result.cost);
  if (result.cancelled) facts.cancelled = true;
  if (result.error !== undefined) facts.errorCode = result.error.kind;
  facts.content = result.content;
}

/** Notes the error a request ended with, by its code (its message may quote the request). */
export function noteError(request: FastifyRequest, error: GatewayError): void {
  request.logFacts.errorCode = error.kind;
}
