import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from "type-graphql";
import type { RateLimitSettings } from "../../limits/settings/rate-limit-settings.js";
import { Role } from "../auth-checker.js";
import type { GraphQLContext } from "../context.js";
import { RateLimitScopeEnum } from "./rate-limit-scope.enum.js";
import { RateLimitSettingsType } from "./rate-limit-settings.type.js";
import { SetRateLimitsInput } from "./set-rate-limits.input.js";

function toType(settings: RateLimitSettings): RateLimitSettingsType {
  return {
    scope: settings.scope === "key" ? RateLimitScopeEnum.KEY : RateLimitScopeEnum.ACCOUNT,
    subjectId: settings.subjectId,
    requestsPerMinute: settings.requestsPerMinute,
    tokensPerMinute: settings.tokensPerMinute,
    updatedAt: settings.updatedAt,
  };
}

/** Operators read and set per-key and per-account rate limits; API keys cannot. */
@Resolver()
export class RateLimitsResolver {
  @Authorized(Role.Management)
  @Query(() => RateLimitSettingsType, { description: "The per-minute limits of one account or key (management keys only)." })
  async rateLimits(
    @Arg("scope", () => RateLimitScopeEnum) scope: RateLimitScopeEnum,
    @Arg("subjectId") subjectId: string,
    @Ctx() context: GraphQLContext,
  ): Promise<RateLimitSettingsType> {
    return toType(await context.loaders.rateLimits.load({ scope, subjectId }));
  }

  @Authorized(Role.Management)
  @Mutation(() => RateLimitSettingsType, {
    description: "Sets or clears the per-minute limits of one account or key (management keys only). Other instances apply it within RATE_LIMIT_SETTINGS_CACHE_MS.",
  })
  async setRateLimits(@Arg("input", () => SetRateLimitsInput) input: SetRateLimitsInput, @Ctx() context: GraphQLContext): Promise<RateLimitSettingsType> {
    const settings = await context.services.rateLimitSettings.set({
      scope: input.scope,
      subjectId: input.subjectId,
      requestsPerMinute: input.requestsPerMinute,
      tokensPerMinute: input.tokensPerMinute,
    });
    return toType(settings);
  }
}
