import { parseUsd } from "../../../src/billing/money.js";
import type { SnapshotEndpoint } from "../../../src/catalog/catalog-snapshot.js";
import type { ProviderPreferences } from "../../../src/completions/chat-request.js";
import type { ModelRow } from "../../../src/db/schema/index.js";
import { CircuitBreaker } from "../../../src/routing/circuit-breaker.js";
import { createInProcessHealth } from "../../../src/routing/health/in-process-health.js";
import type { EndpointHealth } from "../../../src/routing/health/endpoint-health.js";
import { seededRandom } from "../../../src/routing/random-source.js";
import type { RouteContext } from "../../../src/routing/route-context.js";
import type { RouteCandidate } from "../../../src/routing/select-candidates.js";

/** An endpoint of model `modelIndex` at `usdPerMillion` (prompt + completion), 128k context. */
export function candidate(options: { id: number; provider: string; usdPerMillion: string; modelIndex?: number; contextLength?: number }): RouteCandidate {
  const perToken = parseUsd(options.usdPerMillion) / 1_000_000n;
  const endpoint: SnapshotEndpoint = {
    id: options.id,
    modelId: `author/model-${options.modelIndex ?? 0}`,
    providerSlug: options.provider,
    providerName: options.provider,
    variant: "standard",
    providerModelId: "model",
    pricing: { prompt: perToken, completion: 0n, request: 0n, image: 0n, inputCacheRead: 0n, inputCacheWrite: 0n, internalReasoning: 0n },
    contextLength: options.contextLength ?? 131_072,
    maxCompletionTokens: null,
    maxPromptTokens: null,
    quantization: null,
    supportedParameters: [],
    status: 0,
  };
  return { endpoint, model: { id: endpoint.modelId } as ModelRow, listedId: endpoint.modelId, modelIndex: options.modelIndex ?? 0 };
}

export const NOW = 1_800_000_000_000;

export function context(options: { preferences?: Partial<ProviderPreferences>; seed?: number; health?: EndpointHealth; breaker?: CircuitBreaker; random?: () => number; promptTokens?: number; maxOutputTokens?: number } = {}): RouteContext {
  return {
    preferences: { allowFallbacks: true, requireParameters: false, dataCollection: "allow", zdr: false, ...options.preferences },
    health: options.health ?? createInProcessHealth(),
    breaker: options.breaker ?? new CircuitBreaker(),
    random: options.random ?? seededRandom(options.seed ?? 1),
    now: NOW,
    promptTokens: options.promptTokens ?? 10,
    maxOutputTokens: options.maxOutputTokens,
  };
}

export const providersOf = (candidates: readonly RouteCandidate[]): string[] => candidates.map((entry) => entry.endpoint.providerSlug);
