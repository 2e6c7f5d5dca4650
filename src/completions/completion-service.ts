import type { FastifyBaseLogger } from "fastify";
import type { Principal } from "../auth/principal.js";
import type { CatalogService } from "../catalog/catalog-service.js";
import type { Amount } from "../billing/money.js";
import type { BilledTokens, CostParts } from "../billing/usage-cost.js";
import type { CallOptions, CallWarning } from "../core/call-options.js";
import { GatewayError, invalidRequest, toGatewayError } from "../core/errors.js";
import type { FinishReason } from "../core/finish-reason.js";
import type { GeneratedContent } from "../core/language-model.js";
import type { StreamPart } from "../core/stream-parts.js";
import type { ProviderAttempt } from "../db/schema/index.js";
import type { GenerationRecorder } from "../generations/generation-recorder.js";
import type { GatewayMetrics } from "../metrics/gateway-metrics.js";
import type { ProviderRegistry } from "../providers/registry.js";
import type { Router } from "../routing/router.js";
import { servedFigures } from "./served-figures.js";
import type { KeyedCandidate } from "../routing/own-keys-first.js";
import { ownKeysFirst } from "../routing/own-keys-first.js";
import { AnswerAccumulator, isOutputPart } from "./answer-accumulator.js";
import type { ChatRequest } from "./chat-request.js";
import type { AdmissionTicket, CompletionAdmission, CompletionBilling, OwnKey, OwnKeyPort } from "./completion-ports.js";
import { estimatePrompt } from "./estimate-prompt.js";
import { holdFunds } from "./hold-funds.js";
import { createFailoverRecord } from "./failover-record.js";
import type { Attempt } from "./completion-attempt.js";
import { createGenerationSettler } from "./settle-generation.js";
import type { BillingDurability } from "./settle-generation.js";
import { newGenerationId } from "./generation-id.js";
import type { AccountEventPublisher } from "../events/account-events.js";

/** Which endpoint served a generation, known as soon as an attempt succeeds. */
export interface ServedBy {
  generationId: string;
  /** The model id as served (`author/slug` or `author/slug:free`). */
  model: string;
  providerSlug: string;
  providerName: string;
  /** Unix seconds. */
  created: number;
}

export interface CompletionResult extends ServedBy {
  content: GeneratedContent[];
  finishReason: FinishReason;
  tokens: BilledTokens;
  /** Exactly what the ledger was charged. */
  cost: Amount;
  /**
   * The price at the endpoint split into its input and output sides: they add up to `cost` exactly, except on
   * an own key, where they are the upstream's price and `cost` is the fee.
   */
  costParts: CostParts;
  /** Served on the account's own provider key (BYOK). */
  isByok: boolean;
  /** On an own key, the upstream's price at list prices (paid by the account to the provider); null otherwise. */
  upstreamInferenceCost: Amount | null;
  /** Set when a stream failed after output began. */
  error?: GatewayError;
  cancelled: boolean;
  warnings: CallWarning[];
  /** Upstream attempts made, the serving one included (failover tries the others first). */
  attempts: number;
  /** Milliseconds from the serving attempt's start to the generation's end. */
  upstreamMs: number;
}

export interface CompletionStream extends ServedBy {
  /** Every part, from the first; ends after `finish` or `error`. Stopping early cancels the upstream. */
  parts: AsyncIterable<StreamPart>;
  /**
   * Resolves once the generation is settled and recorded (also after a cancelled stream); in strict durability,
   * once both are committed, and rejects (500) when they could not be.
   */
  result: Promise<CompletionResult>;
}

export interface CompletionRun {
  principal: Principal;
  /** Fires when the caller went away (client disconnect, unsubscribe). */
  signal?: AbortSignal;
  /** The generation id to use, when the caller must know it before the answer starts (the X-Generation-Id header). */
  generationId?: string;
  /**
   * Called once the request is admitted: its limits passed and its hold was taken, just before an upstream is
   * called (again for each failover attempt's hold). A streaming face commits no headers (not even a
   * keep-alive) before it, so a refusal is still an HTTP 402 or 429, never a 200 with the error inside.
   */
  onAdmitted?: () => void;
  /** Who the calling app says it is, recorded on the generation. */
  attribution?: AppAttribution;
}

/** OpenRouter's app attribution: the app's URL, its display name and the HTTP client, as the request sent them. */
export interface AppAttribution {
  httpReferer: string | null;
  appTitle: string | null;
  userAgent: string | null;
}

export interface CompletionService {
  generate(request: ChatRequest, run: CompletionRun): Promise<CompletionResult>;
  stream(request: ChatRequest, run: CompletionRun): Promise<CompletionStream>;
  /** Resolves once every settlement started so far is written (shutdown waits for it; so do tests). */
  drain(): Promise<void>;
}


/**
 * The one completion pipeline behind REST and GraphQL: route the request to candidate endpoints, admit it
 * (rate limits, free-tier quota), hold the most it can cost, call the provider adapter, fail over to the next
 * endpoint on a retryable error before any output, then charge exactly the usage at the endpoint's prices and
 * record the generation. A stream that is cut (client gone, upstream failure) is charged for what was
 * generated.
 */
export function createCompletionService(options: {
  catalog: CatalogService;
  providers: ProviderRegistry;
  /** Orders the candidates (price-weighted, health-aware) and learns from every attempt. */
  router: Router;
  billing: CompletionBilling;
  admission: CompletionAdmission;
  recorder: GenerationRecorder;
  /** See `BillingDurability`; strict unless told otherwise. */
  durability?: BillingDurability;
  /** Where `generation_finished` account events go once a generation's charge is accepted. */
  events?: AccountEventPublisher;
  clock?: () => number;
  newId?: () => string;
  logger?: FastifyBaseLogger;
  /** Told of every settled generation. */
  metrics?: Pick<GatewayMetrics, "observeGeneration">;
  /** Bring your own key: the accounts' own provider keys, tried before the shared ones. */
  ownKeys?: OwnKeyPort;
}): CompletionService {
  const clock = options.clock ?? Date.now;
  const newId = options.newId ?? (() => newGenerationId(clock()));
  const settler = createGenerationSettler({
    billing: options.billing,
    recorder: options.recorder,
    clock,
    ...(options.durability === undefined ? {} : { durability: options.durability }),
    ...(options.events === undefined ? {} : { events: options.events }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
    ...(options.ownKeys === undefined ? {} : { ownKeys: options.ownKeys }),
  });
  const settle = settler.settle;
  const router = options.router;

  function requireApiPrincipal(principal: Principal): void {
    if (principal.kind !== "api") {
      throw new GatewayError("permission_denied", "Management keys cannot call models; use an API key");
    }
  }

  const NO_OWN_KEYS: ReadonlyMap<string, OwnKey> = new Map();

  /** The candidates in the router's order, then own-key endpoints first (see own-keys-first.ts). */
  function route(request: ChatRequest, prompt: { tokens: number }, ownKeys: ReadonlyMap<string, OwnKey>): KeyedCandidate[] {
    const snapshot = options.catalog.snapshot();
    for (const id of request.models) {
      // An embedding model in the catalog is no chat model: the caller's mistake, told before anything is held.
      if (snapshot.resolve(id)?.model.outputModalities.includes("text") === false) {
        throw invalidRequest(`Model ${id} does not produce text: use POST /api/v1/embeddings for embedding models`, "model", { error_type: "not_a_chat_model" });
      }
    }
    const usable = ownKeys.size === 0 ? undefined : (slug: string) => ownKeys.has(slug) || options.providers.isConfigured(slug);
    const candidates = router.route(request, prompt, usable);
    return ownKeysFirst({ candidates, ownKeys, hasSharedKey: (slug) => options.providers.isConfigured(slug) });
  }

  /**
   * A provider that refused the account's own key: reported on the key (skipped from now on) and turned into
   * an error that says so, retryable so the shared key or another endpoint can still serve.
   */
  async function ownKeyRefused(ownKey: OwnKey, error: GatewayError): Promise<GatewayError> {
    const status = error.metadata?.provider_code;
    if (status !== 401 && status !== 403) return error;
    const message = `Provider ${ownKey.providerSlug} refused your own key (status ${status}); it is skipped until you replace or re-enable it`;
    await options.ownKeys?.reportRejected({ accountId: ownKey.accountId, keyId: ownKey.id, sealed: ownKey.sealed, status, message }).catch((reportError: unknown) => {
      options.logger?.error({ err: reportError, byokKeyId: ownKey.id }, "could not record the rejection of a BYOK key");
    });
    return new GatewayError("provider_unavailable", message, { retryable: true, metadata: { ...error.metadata, byok_key_id: ownKey.id, is_byok: true } });
  }

  /** Tries candidates in order until one starts; `start` must throw before producing output to fail over. */
  async function firstWorking<T>(
    request: ChatRequest,
    run: CompletionRun,
    attempts: ProviderAttempt[],
    start: (attempt: Attempt) => Promise<T>,
  ): Promise<{ attempt: Attempt; value: T; ticket: AdmissionTicket }> {
    requireApiPrincipal(run.principal);
    const accountId = run.principal.accountId;
    const ownKeys = options.ownKeys === undefined || accountId === null ? NO_OWN_KEYS : await options.ownKeys.keysOf(accountId);
    const prompt = estimatePrompt(request.options);
    const candidates = route(request, prompt, ownKeys);
    const first = candidates[0];
    if (first === undefined) throw new GatewayError("no_provider", "No provider available");
    const ticket = await options.admission.admit(run.principal, { modelId: first.listedId, isFree: first.endpoint.variant === "free" });
    const record = createFailoverRecord({ attempts, clock, logger: options.logger });
    for (const candidate of candidates) {
      // Its circuit opened since routing, or another request is probing it.
      if (!router.admit(candidate)) continue;
      const { providerSlug, providerModelId } = candidate.endpoint;
      const ownKey = candidate.ownKey ? ownKeys.get(providerSlug) : undefined;
      const model =
        ownKey === undefined
          ? options.providers.languageModel(providerSlug, providerModelId)
          : options.providers.languageModelWithKey(providerSlug, providerModelId, ownKey.apiKey);
      const outputCeiling = model.outputTokenCeiling?.(request.options);
      const feeBound = ownKey === undefined ? undefined : options.ownKeys?.feeBound;
      const { hold, cover } = await holdFunds({
        billing: options.billing,
        principal: run.principal,
        request,
        endpoint: candidate.endpoint,
        prompt,
        outputCeiling,
        ...(feeBound === undefined ? {} : { feeBound }),
      }).catch((error: unknown) => {
        // Refused before the endpoint was called (a 402): a probe slot it took is given back.
        router.recordNeutral(candidate);
        throw error;
      });
      const attempt: Attempt = {
        candidate,
        model,
        hold,
        cover,
        ownKey,
        prompt,
        startedAt: clock(),
      };
      run.onAdmitted?.();
      try {
        const value = await start(attempt);
        return { attempt, value, ticket };
      } catch (error) {
        const upstreamError = toGatewayError(error);
        const gatewayError = ownKey === undefined ? upstreamError : await ownKeyRefused(ownKey, upstreamError);
        record.failed(attempt, gatewayError);
        await options.billing.release(hold);
        // A cancelled request, or the account's own key refused (401/403), says nothing of the endpoint's health.
        if (run.signal?.aborted === true || gatewayError !== upstreamError) router.recordNeutral(candidate);
        else router.recordFailure(candidate, gatewayError);
        if (!gatewayError.retryable || run.signal?.aborted) throw gatewayError;
      }
    }
    throw record.exhausted();
  }

  function servedBy(generationId: string, attempt: Attempt, receivedAt: number): ServedBy {
    return {
      generationId,
      model: attempt.candidate.listedId,
      providerSlug: attempt.candidate.endpoint.providerSlug,
      providerName: attempt.candidate.endpoint.providerName,
      created: Math.floor(receivedAt / 1000),
    };
  }

  /** The 402 of an attempt whose held funds were lost (see `HeldFunds.revoked`). */
  function fundsLost(revoked: AbortSignal): GatewayError {
    const reason: unknown = revoked.reason;
    return reason instanceof GatewayError
      ? reason
      : new GatewayError("payment_required", reason instanceof Error ? reason.message : "The funds held for this request were lost");
  }

  function callOptions(request: ChatRequest, signal: AbortSignal | undefined): CallOptions {
    return signal === undefined ? { ...request.options } : { ...request.options, abortSignal: signal };
  }

  return {
    drain: () => settler.drain(),

    async generate(request, run) {
      const receivedAt = clock();
      const generationId = run.generationId ?? newId();
      const attempts: ProviderAttempt[] = [];
      const { attempt, value, ticket } = await firstWorking(request, run, attempts, async (current) => {
        const revoked = current.hold.revoked;
        const signal = revoked === undefined ? run.signal : run.signal === undefined ? revoked : AbortSignal.any([run.signal, revoked]);
        const answer = await current.model.doGenerate(callOptions(request, signal)).catch((error: unknown) => {
          throw revoked?.aborted === true ? fundsLost(revoked) : error;
        });
        // Not served on funds another request may now hold.
        if (revoked?.aborted === true) throw fundsLost(revoked);
        return answer;
      });
      const answeredAt = clock();
      router.recordSuccess(attempt.candidate, servedFigures({ startedAt: attempt.startedAt, firstOutputAt: answeredAt, endedAt: answeredAt, outputTokens: 0 }));
      return settle({
        request,
        run,
        attempt,
        ticket,
        servedBy: servedBy(generationId, attempt, receivedAt),
        attempts,
        receivedAt,
        content: value.content,
        usage: value.usage,
        finishReason: value.finishReason,
        fallbackCompletionTokens: 0,
        error: undefined,
        cancelled: false,
        firstOutputAt: attempt.startedAt,
        warnings: value.warnings,
      });
    },

    async stream(request, run) {
      const receivedAt = clock();
      const generationId = run.generationId ?? newId();
      const attempts: ProviderAttempt[] = [];
      const upstreamAbort = new AbortController();
      const onCallerGone = (): void => upstreamAbort.abort();
      run.signal?.addEventListener("abort", onCallerGone, { once: true });

      const { attempt, value, ticket } = await firstWorking(request, run, attempts, async (current) => {
        const attemptAbort = new AbortController();
        const forward = (): void => attemptAbort.abort();
        upstreamAbort.signal.addEventListener("abort", forward, { once: true });
        const { stream } = await current.model.doStream(callOptions(request, attemptAbort.signal));
        const iterator = stream[Symbol.asyncIterator]();
        // Look ahead until output (or the end) so a failure before the first token can still fail over.
        const buffered: StreamPart[] = [];
        for (;;) {
          const next = await iterator.next();
          if (next.done === true) break;
          if (next.value.type === "error") {
            await iterator.return?.();
            throw next.value.error;
          }
          buffered.push(next.value);
          if (isOutputPart(next.value) || next.value.type === "finish") break;
        }
        return { iterator, buffered, attemptAbort };
      }).catch((error: unknown) => {
        run.signal?.removeEventListener("abort", onCallerGone);
        throw error;
      });

      const served = servedBy(generationId, attempt, receivedAt);
      const accumulator = new AnswerAccumulator(clock);
      const warnings: CallWarning[] = [];
      let resolveResult!: (result: CompletionResult) => void;
      let rejectResult!: (error: unknown) => void;
      const result = new Promise<CompletionResult>((resolve, reject) => {
        resolveResult = resolve;
        rejectResult = reject;
      });
      result.catch(() => {});

      let buffered = 0;
      async function nextPart(): Promise<StreamPart | undefined> {
        const early = value.buffered[buffered];
        if (early !== undefined) {
          buffered += 1;
          return early;
        }
        const next = await value.iterator.next();
        return next.done === true ? undefined : next.value;
      }

      // Lost funds stop the upstream at once; the loop below then ends the answer with the 402.
      const revoked = attempt.hold.revoked;
      const onRevoked = (): void => value.attemptAbort.abort();
      revoked?.addEventListener("abort", onRevoked, { once: true });

      async function* parts(): AsyncGenerator<StreamPart> {
        let finishedNormally = false;
        let cutAtHold = false;
        try {
          for (;;) {
            let part: StreamPart | undefined;
            try {
              part = await nextPart();
            } catch (error) {
              if (revoked?.aborted !== true) throw error;
            }
            if (revoked?.aborted === true) {
              // Nothing more is served on funds another request may now hold: the answer ends with a 402 error.
              cutAtHold = true;
              const stop: StreamPart = { type: "error", error: fundsLost(revoked) };
              accumulator.add(stop);
              yield stop;
              break;
            }
            if (part === undefined) break;
            if (accumulator.outputTokensWith(part) > attempt.cover.outputTokens) {
              // The upstream is past the output the hold pays for (it ignores max_tokens): the part is withheld,
              // the upstream stopped, and the answer ends as if max_tokens was reached. Billed as generated
              // (the withheld part included), capped at the hold by the settlement.
              cutAtHold = true;
              const cut: StreamPart = {
                type: "finish",
                finishReason: { unified: "length", raw: undefined },
                usage: {
                  inputTokens: { total: attempt.prompt.tokens, cacheRead: undefined, cacheWrite: undefined },
                  outputTokens: { total: accumulator.outputTokensWith(part), reasoning: undefined },
                },
              };
              accumulator.add(cut);
              yield cut;
              break;
            }
            accumulator.add(part);
            if (part.type === "stream-start") warnings.push(...part.warnings);
            yield part;
            if (part.type === "error" || part.type === "finish") break;
          }
          finishedNormally = accumulator.finishReason !== undefined || accumulator.error !== undefined;
        } finally {
          run.signal?.removeEventListener("abort", onCallerGone);
          revoked?.removeEventListener("abort", onRevoked);
          const cancelled = !finishedNormally;
          if (cancelled || cutAtHold) {
            value.attemptAbort.abort();
            await value.iterator.return?.(undefined).catch(() => undefined);
          }
          const endedAt = clock();
          // A stream that broke is the endpoint's failure (or not, by its error); one the caller left says nothing.
          if (accumulator.error !== undefined && revoked?.aborted !== true) router.recordFailure(attempt.candidate, accumulator.error);
          else if (cancelled && accumulator.firstContentAt === undefined) router.recordNeutral(attempt.candidate);
          else {
            router.recordSuccess(
              attempt.candidate,
              servedFigures({
                startedAt: attempt.startedAt,
                firstOutputAt: accumulator.firstContentAt,
                endedAt,
                outputTokens: accumulator.usage?.outputTokens.total ?? accumulator.outputTokens,
              }),
            );
          }
          // Not awaited: a cut stream's caller is gone; `result` carries the settlement (and, in strict mode,
          // its durability) to whoever still writes the answer's end.
          settle({
            request,
            run,
            attempt,
            ticket,
            servedBy: served,
            attempts,
            receivedAt,
            content: accumulator.content,
            usage: accumulator.usage,
            finishReason: accumulator.error === undefined ? accumulator.finishReason : { unified: "error", raw: accumulator.finishReason?.raw },
            fallbackCompletionTokens: accumulator.outputTokens,
            error: accumulator.error,
            cancelled,
            firstOutputAt: accumulator.firstContentAt,
            warnings,
          }).then(resolveResult, rejectResult);
        }
      }

      return { ...served, parts: parts(), result };
    },
  };
}
