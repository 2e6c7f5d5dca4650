import type { FastifyBaseLogger } from "fastify";
import { formatUsd } from "../billing/money.js";
import { billedTokens, capCostParts, chargedParts } from "../billing/usage-cost.js";
import type { CallWarning } from "../core/call-options.js";
import { GatewayError } from "../core/errors.js";
import type { FinishReason } from "../core/finish-reason.js";
import type { GeneratedContent } from "../core/language-model.js";
import type { Usage } from "../core/usage.js";
import type { NewGenerationRow, ProviderAttempt } from "../db/schema/index.js";
import type { AccountEventPublisher } from "../events/account-events.js";
import type { GenerationRecorder } from "../generations/generation-recorder.js";
import type { GatewayMetrics } from "../metrics/gateway-metrics.js";
import type { ChatRequest } from "./chat-request.js";
import type { Attempt } from "./completion-attempt.js";
import type { AdmissionTicket, CompletionBilling, OwnKeyPort } from "./completion-ports.js";
import type { CompletionResult, CompletionRun, ServedBy } from "./completion-service.js";

/** Everything known about a generation when it ends. */
export interface SettleInput {
  /** What the record needs of the request; an embeddings request has the same two fields. */
  request: Pick<ChatRequest, "stream" | "user"> & Partial<Pick<ChatRequest, "apiType">>;
  /** The generation record's `api_type`: `completions` (chat and legacy completions) unless told otherwise. */
  apiType?: "completions" | "embeddings";
  run: CompletionRun;
  attempt: Attempt;
  ticket: AdmissionTicket;
  servedBy: ServedBy;
  attempts: ProviderAttempt[];
  receivedAt: number;
  content: GeneratedContent[];
  usage: Usage | undefined;
  finishReason: FinishReason | undefined;
  fallbackCompletionTokens: number;
  error: GatewayError | undefined;
  cancelled: boolean;
  firstOutputAt: number | undefined;
  warnings: CallWarning[];
}

/** `strict`: an answer ends only once its charge and generation record are committed; `relaxed`: they follow it. */
export type BillingDurability = "strict" | "relaxed";

/**
 * The end of every generation: exact tokens (the provider's count, or for a cut stream the output counted), the
 * exact charge at the endpoint's prices capped at the hold (an overshoot past it is logged and recorded as
 * `overshoot_tokens` and `uncharged_cost`, never charged), the generation record, then the ledger write and the
 * token count for rate limits. The charge is final before the answer leaves. With `durability: "strict"` the returned promise
 * resolves only once the charge and the record are committed (the batchers group-commit them with every other
 * request settling at the same time), so the caller sends its final byte only for a request that is charged
 * and recorded, and it rejects with a 500 when either write failed. With `"relaxed"` it resolves at once and
 * the writes follow the answer (a hard kill loses the last CREDIT_LEASE_FLUSH_MS / GENERATION_FLUSH_MS of
 * them). Either way `drain` lets shutdown (and tests) wait for the writes in flight.
 */
export function createGenerationSettler(deps: {
  billing: CompletionBilling;
  recorder: GenerationRecorder;
  clock: () => number;
  durability?: BillingDurability;
  /** Announces each generation to its account's subscribers once its charge is accepted. */
  events?: AccountEventPublisher;
  logger?: FastifyBaseLogger;
  /** Told of every settled generation (tokens, cost, time to first token). */
  metrics?: Pick<GatewayMetrics, "observeGeneration">;
  /** Prices own-key (BYOK) generations; without it their fee is zero. */
  ownKeys?: OwnKeyPort;
}): { settle: (input: SettleInput) => Promise<CompletionResult>; drain: () => Promise<void> } {
  const clock = deps.clock;
  const strict = deps.durability !== "relaxed";
  const pendingSettlements = new Set<Promise<void>>();

  function track(settlement: Promise<void>): void {
    pendingSettlements.add(settlement);
    void settlement.finally(() => pendingSettlements.delete(settlement));
  }

  /** Prices, records and charges one finished (or cut) generation. */
  async function settle(input: SettleInput): Promise<CompletionResult> {
    const { attempt } = input;
    const estimate = attempt.prompt;
    const usage: Usage = input.usage ?? {
      inputTokens: { total: estimate.tokens, cacheRead: undefined, cacheWrite: undefined },
      outputTokens: { total: input.fallbackCompletionTokens, reasoning: undefined },
    };
    const tokens = billedTokens(usage, estimate.images);
    const finishReason: FinishReason = input.finishReason ?? { unified: input.error === undefined ? "stop" : "error", raw: undefined };
    // A cut stream that produced output is charged for it; zero-completion insurance covers the rest.
    const usageParts = chargedParts({ tokens, pricing: attempt.candidate.endpoint.pricing, finishReason: input.cancelled && tokens.completion > 0 ? { unified: "stop", raw: undefined } : finishReason });
    const listCost = usageParts.prompt + usageParts.completion;
    const ownKey = attempt.ownKey;
    // The hold is an upper bound: what the upstream reported beyond it is not charged, only recorded. On the
    // account's own key the provider is paid directly: the upstream price is recorded, only the fee charged.
    const costParts = ownKey === undefined ? capCostParts(usageParts, attempt.hold.maxCost) : usageParts;
    let cost = costParts.prompt + costParts.completion;
    let unchargedCost = listCost - cost;
    if (ownKey !== undefined) {
      const fee = listCost === 0n || deps.ownKeys === undefined ? 0n : await deps.ownKeys.fee(ownKey.accountId, listCost, clock());
      cost = fee < attempt.hold.maxCost ? fee : attempt.hold.maxCost;
      unchargedCost = fee - cost;
    }
    const overshootTokens = Math.max(0, tokens.completion - attempt.cover.outputTokens) + Math.max(0, tokens.prompt - attempt.cover.promptTokens);
    if (overshootTokens > 0 || unchargedCost > 0n) {
      deps.logger?.warn(
        {
          generationId: input.servedBy.generationId,
          provider: input.servedBy.providerSlug,
          model: input.servedBy.model,
          overshootTokens,
          unchargedCostUsd: formatUsd(unchargedCost),
          promptTokens: tokens.prompt,
          completionTokens: tokens.completion,
          cover: attempt.cover,
        },
        "upstream overshot the hold: usage beyond it is not charged",
      );
    }
    // An own-key generation is settled even when its fee is zero, so its upstream price counts on the key.
    const byokUsage = ownKey === undefined ? 0n : listCost;
    const charged =
      cost > 0n || byokUsage > 0n
        ? deps.billing.settle(attempt.hold, cost, {
            generationId: input.servedBy.generationId,
            model: input.servedBy.model,
            provider: input.servedBy.providerSlug,
            ...(ownKey === undefined ? {} : { byokUsage }),
          })
        : deps.billing.release(attempt.hold);
    track(
      charged
        .then(() => {
          const accountId = input.run.principal.accountId;
          if (accountId !== null) {
            deps.events?.publish({
              type: "generation_finished",
              accountId,
              keyHash: input.run.principal.keyHash,
              generationId: input.servedBy.generationId,
              model: input.servedBy.model,
              cost,
            });
          }
          return input.ticket.recordTokens(tokens.prompt + tokens.completion);
        })
        .catch((error: unknown) => {
          deps.logger?.error({ err: error, generationId: input.servedBy.generationId, cost: formatUsd(cost) }, "settlement failed");
        }),
    );
    const now = clock();
    input.attempts.push({
      provider: attempt.candidate.endpoint.providerSlug,
      endpointId: attempt.candidate.endpoint.id,
      status: input.error === undefined ? 200 : input.error.status,
      errorType: input.error?.kind ?? null,
      latencyMs: now - attempt.startedAt,
    });
    const row: NewGenerationRow = {
      id: input.servedBy.generationId,
      accountId: input.run.principal.accountId,
      keyHash: input.run.principal.keyHash,
      model: input.servedBy.model,
      providerSlug: input.servedBy.providerSlug,
      providerName: input.servedBy.providerName,
      upstreamId: null,
      // OpenRouter's `api_type`: chat and legacy completions are both "completions"; the Messages and Responses
      // faces name themselves, and so does the embeddings pipeline.
      apiType: input.apiType ?? (input.request.apiType === "messages" || input.request.apiType === "responses" ? input.request.apiType : "completions"),
      streamed: input.request.stream,
      cancelled: input.cancelled,
      finishReason: finishReason.unified === "tool-calls" ? "tool_calls" : finishReason.unified === "content-filter" ? "content_filter" : finishReason.unified,
      nativeFinishReason: finishReason.raw ?? null,
      tokensPrompt: tokens.prompt,
      tokensCompletion: tokens.completion,
      tokensReasoning: tokens.reasoning,
      tokensCached: tokens.cacheRead,
      tokensCacheWrite: tokens.cacheWrite,
      totalCost: cost,
      latencyMs: now - input.receivedAt,
      generationTimeMs: input.firstOutputAt === undefined ? 0 : now - input.firstOutputAt,
      providerResponses: input.attempts,
      externalUser: input.request.user ?? null,
      httpReferer: input.run.attribution?.httpReferer ?? null,
      appTitle: input.run.attribution?.appTitle ?? null,
      userAgent: input.run.attribution?.userAgent ?? null,
      overshootTokens,
      unchargedCost,
      isByok: ownKey !== undefined,
      upstreamInferenceCost: ownKey === undefined ? null : listCost,
      errorMessage: input.error?.message ?? null,
      createdAt: new Date(input.receivedAt),
    };
    // Listed field by field: spreading `servedBy` into a bigger literal is a slow path in V8, and this runs once
    // per request.
    const { servedBy } = input;
    const result: CompletionResult = {
      generationId: servedBy.generationId,
      model: servedBy.model,
      providerSlug: servedBy.providerSlug,
      providerName: servedBy.providerName,
      created: servedBy.created,
      content: input.content,
      finishReason,
      tokens,
      cost,
      costParts,
      isByok: ownKey !== undefined,
      upstreamInferenceCost: ownKey === undefined ? null : listCost,
      cancelled: input.cancelled,
      warnings: input.warnings,
      attempts: input.attempts.length,
      upstreamMs: now - input.attempt.startedAt,
    };
    if (input.error !== undefined) result.error = input.error;
    // Time to first token is an upstream's figure for streams only (a whole answer's first output is its end).
    deps.metrics?.observeGeneration(row, input.request.stream && input.firstOutputAt !== undefined ? input.firstOutputAt - attempt.startedAt : undefined);
    if (!strict) {
      deps.recorder.record(row);
      return result;
    }
    const recorded = deps.recorder.recordDurably(row);
    // A release (nothing charged) is not waited for: a crash before it loses nothing but a hold the sweeper frees.
    const durable = cost > 0n || byokUsage > 0n ? Promise.all([charged, recorded]) : recorded;
    track(durable.then(() => undefined, () => undefined));
    try {
      await durable;
    } catch (error) {
      deps.logger?.error({ err: error, generationId: row.id }, "the charge or the generation record could not be written before the answer ended");
      throw new GatewayError("server", "The generation could not be recorded and charged; it will be retried, but this answer is not confirmed", {
        cause: error,
        retryable: true,
        metadata: { generation_id: row.id },
      });
    }
    return result;
  }

  return {
    settle,
    async drain() {
      while (pendingSettlements.size > 0) await Promise.all([...pendingSettlements]);
      await deps.billing.flush?.();
    },
  };
}
