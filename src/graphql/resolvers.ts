import type { NonEmptyArray } from "type-graphql";
import { AccountResolver } from "./accounts/account.resolver.js";
import { ApiKeyResolver } from "./accounts/api-key.resolver.js";
import { ByokResolver } from "./byok/byok.resolver.js";
import { BillingResolver } from "./billing/billing.resolver.js";
import { AccountEventsResolver } from "./events/account-events.resolver.js";
import { ChatCompletionResolver } from "./completions/chat-completion.resolver.js";
import { ChatCompletionSubscriptionResolver } from "./completions/chat-completion-subscription.resolver.js";
import { EmbeddingsResolver } from "./embeddings/embeddings.resolver.js";
import { CatalogUpdatedResolver } from "./catalog/catalog-updated.resolver.js";
import { EndpointResolver } from "./catalog/endpoint.resolver.js";
import { ModelResolver } from "./catalog/model.resolver.js";
import { ProviderResolver } from "./catalog/provider.resolver.js";
import { RateLimitsResolver } from "./limits/rate-limits.resolver.js";
import { GenerationResolver } from "./usage/generation.resolver.js";
import { KeyUsageResolver } from "./usage/key-usage.resolver.js";
import { UsageResolver } from "./usage/usage.resolver.js";

/** Every resolver class of the schema; a feature folder adds its resolvers here. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const resolvers: NonEmptyArray<Function> = [
  CatalogUpdatedResolver,
  ModelResolver,
  EndpointResolver,
  ProviderResolver,
  ChatCompletionResolver,
  ChatCompletionSubscriptionResolver,
  EmbeddingsResolver,
  RateLimitsResolver,
  AccountResolver,
  ApiKeyResolver,
  BillingResolver,
  AccountEventsResolver,
  ByokResolver,
  UsageResolver,
  GenerationResolver,
  KeyUsageResolver,
];
