import type { FastifyBaseLogger } from "fastify";
import type { CatalogService } from "../catalog/catalog-service.js";
import { formatUsd } from "../billing/money.js";
import { PaymentRequiredError } from "../billing/payment-required.js";
import { maximumCost } from "../billing/usage-cost.js";
import type { Attempt } from "../completions/completion-attempt.js";
import type { CompletionAdmission, CompletionBilling, HeldFunds } from "../completions/completion-ports.js";
import type { CompletionResult, CompletionRun } from "../completions/completion-service.js";
import { newGenerationId } from "../completions/generation-id.js";
import { createFailoverRecord } from "../completions/failover-record.js";
import { createGenerationSettler, type BillingDurability } from "../completions/settle-generation.js";
import type { EmbedResult } from "../core/embedding.js";
import { GatewayError, invalidRequest, toGatewayError } from "../core/errors.js";
import type { ProviderAttempt } from "../db/schema/index.js";
import type { GenerationRecorder } from "../generations/generation-recorder.js";
import type { ProviderRegistry } from "../providers/registry.js";
import { selectCandidates, type RouteCandidate } from "../routing/select-candidates.js";
import type { EmbeddingRequest } from "./embedding-request.js";
import { estimateEmbeddingInput } from "./estimate-embedding-input.js";
import type { AccountEventPublisher } from "../events/account-events.js";
import type { GatewayMetrics } from "../metrics/gateway-metrics.js";
import type { Router } from "../routing/router.js";
import { servedFigures } from "../completions/served-figures.js";

/** A settled embeddings generation: the vectors, and what was charged and recorded for them. */
export interface EmbeddingResult extends CompletionResult {
  /** One vector per input, in input order. */
  embeddings: number[][];
}

export interface EmbeddingService {
  embed(request: EmbeddingRequest, run: CompletionRun): Promise<EmbeddingResult>;
  /** Resolves once every settlement started so far is written (shutdown waits for it; so do tests). */
  drain(): Promise<void>;
}

/** The 402 of an embeddings hold the balance or the key's limit cannot cover. */
function paymentRequired(error: PaymentRequiredError, tokenBound: number): GatewayError {
  const affordable = error.affordable < 0n ? 0n : error.affordable;
  return new GatewayError(
    "payment_required",
    `This request requires more credits. Its inputs can be up to ${tokenBound} tokens, but you can only afford $${formatUsd(affordable)}`,
    { metadata: { ...error.metadata, requested_tokens: tokenBound, affordable_usd: formatUsd(affordable) } },
  );
}

/**
 * The embeddings pipeline, the same steps as chat completions' over the same ports: route to the model's
 * endpoints, admit (rate limits, free-tier quota), hold the most the inputs can cost (their token bound at the
 * endpoint's prompt price), call the adapter's `doEmbed`, fail over on a retryable error (an embeddings answer
 * has no first byte before it is whole), then charge exactly the reported input tokens and record the
 * generation as `api_type: "embeddings"`.
 */
export function createEmbeddingService(options: {
  catalog: CatalogService;
  providers: ProviderRegistry;
  billing: CompletionBilling;
  admission: CompletionAdmission;
  recorder: GenerationRecorder;
  durability?: BillingDurability;
  /** The chat pipeline's router: its breaker skips failing endpoints, and every attempt feeds the health figures. */
  router?: Pick<Router, "admit" | "recordFailure" | "recordSuccess" | "recordNeutral">;
  /** Where `generation_finished` account events go, as for chat. */
  events?: AccountEventPublisher;
  /** Told of every settled generation, as for chat. */
  metrics?: Pick<GatewayMetrics, "observeGeneration">;
  clock?: () => number;
  logger?: FastifyBaseLogger;
}): EmbeddingService {
  const clock = options.clock ?? Date.now;
  const settler = createGenerationSettler({
    billing: options.billing,
    recorder: options.recorder,
    clock,
    ...(options.durability === undefined ? {} : { durability: options.durability }),
    ...(options.events === undefined ? {} : { events: options.events }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
  });
  const router = options.router;

  /** A chat model asked for vectors is the caller's mistake, told before anything is held. */
  function requireEmbeddingModels(request: EmbeddingRequest): void {
    const snapshot = options.catalog.snapshot();
    for (const id of request.models) {
      const resolved = snapshot.resolve(id);
      if (resolved !== undefined && !resolved.model.outputModalities.includes("embeddings")) {
        throw invalidRequest(`Model ${id} is not an embedding model: see GET /api/v1/embeddings/models`, "model", { error_type: "not_an_embedding_model" });
      }
    }
  }

  function route(request: EmbeddingRequest): RouteCandidate[] {
    return selectCandidates({
      snapshot: options.catalog.snapshot(),
      models: request.models,
      preferences: request.provider,
      usedParameters: [],
      isConfigured: (slug) => options.providers.isConfigured(slug),
      configurationVariable: (slug) => options.providers.configurationVariable(slug),
    });
  }

  async function hold(run: CompletionRun, candidate: RouteCandidate, tokenBound: number): Promise<HeldFunds> {
    const maxCost = maximumCost({ promptTokens: tokenBound, maxOutputTokens: 0, images: 0, pricing: candidate.endpoint.pricing });
    try {
      return await options.billing.hold(run.principal, maxCost);
    } catch (error) {
      throw error instanceof PaymentRequiredError ? paymentRequired(error, tokenBound) : error;
    }
  }

  return {
    drain: () => settler.drain(),

    async embed(request, run) {
      if (run.principal.kind !== "api") throw new GatewayError("permission_denied", "Management keys cannot call models; use an API key");
      const receivedAt = clock();
      const generationId = run.generationId ?? newGenerationId(receivedAt);
      requireEmbeddingModels(request);
      const candidates = route(request);
      const first = candidates[0];
      if (first === undefined) throw new GatewayError("no_provider", "No provider available");
      const ticket = await options.admission.admit(run.principal, { modelId: first.listedId, isFree: first.endpoint.variant === "free" });
      const attempts: ProviderAttempt[] = [];
      const record = createFailoverRecord({ attempts, clock, logger: options.logger });
      for (const candidate of candidates) {
        // Its circuit is open, or another request holds its probe.
        if (router?.admit(candidate) === false) continue;
        const model = options.providers.languageModel(candidate.endpoint.providerSlug, candidate.endpoint.providerModelId);
        const prompt = estimateEmbeddingInput(request.values, candidate.endpoint.contextLength);
        const funds = await hold(run, candidate, prompt.tokenBound).catch((error: unknown) => {
          // Refused before the endpoint was called (a 402): a probe slot it took is given back.
          router?.recordNeutral(candidate);
          throw error;
        });
        const attempt: Attempt = { candidate, model, hold: funds, cover: { promptTokens: prompt.tokenBound, outputTokens: 0 }, ownKey: undefined, prompt, startedAt: clock() };
        run.onAdmitted?.();
        let answer: EmbedResult;
        try {
          if (model.doEmbed === undefined) {
            throw new GatewayError("no_provider", `Provider ${candidate.endpoint.providerSlug} has no embeddings API`, { retryable: true });
          }
          const signals = [run.signal, funds.revoked].filter((signal): signal is AbortSignal => signal !== undefined);
          answer = await model.doEmbed({
            values: request.values,
            ...(request.dimensions === undefined ? {} : { dimensions: request.dimensions }),
            ...(signals.length === 0 ? {} : { abortSignal: AbortSignal.any(signals) }),
          });
          if (funds.revoked?.aborted === true) throw new GatewayError("payment_required", "The funds held for this request were lost");
        } catch (error) {
          const gatewayError = toGatewayError(error);
          record.failed(attempt, gatewayError);
          if (run.signal?.aborted === true) router?.recordNeutral(candidate);
          else router?.recordFailure(candidate, gatewayError);
          await options.billing.release(funds);
          if (!gatewayError.retryable || run.signal?.aborted === true) throw gatewayError;
          continue;
        }
        const answeredAt = clock();
        router?.recordSuccess(candidate, servedFigures({ startedAt: attempt.startedAt, firstOutputAt: answeredAt, endedAt: answeredAt, outputTokens: 0 }));
        const result = await settler.settle({
          request: { stream: false, ...(request.user === undefined ? {} : { user: request.user }) },
          apiType: "embeddings",
          run,
          attempt,
          ticket,
          servedBy: {
            generationId,
            model: candidate.listedId,
            providerSlug: candidate.endpoint.providerSlug,
            providerName: candidate.endpoint.providerName,
            created: Math.floor(receivedAt / 1000),
          },
          attempts,
          receivedAt,
          content: [],
          usage: {
            inputTokens: { total: answer.inputTokens ?? prompt.tokens, cacheRead: undefined, cacheWrite: undefined },
            outputTokens: { total: 0, reasoning: undefined },
          },
          finishReason: { unified: "stop", raw: undefined },
          fallbackCompletionTokens: 0,
          error: undefined,
          cancelled: false,
          firstOutputAt: answeredAt,
          warnings: [],
        });
        return { ...result, embeddings: answer.embeddings };
      }
      throw record.exhausted();
    },
  };
}
