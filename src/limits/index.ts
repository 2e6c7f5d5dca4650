/**
 * Rate limits and free-tier quotas. The chat pipeline calls `limits.admit(...)` before routing and
 * `limits.recordTokens(ticket, tokens)` after settling; operators change per-key and per-account limits
 * through `RateLimitSettingsService` (GraphQL `setRateLimits`).
 */
export type { Clock } from "./clock.js";
export { systemClock } from "./clock.js";
export type { AdmissionTicket, AdmitRequest, RateLimiter } from "./rate-limiter.js";
export { createLimiter } from "./create-limiter.js";
export type { CreateLimiterOptions } from "./create-limiter.js";
export type { LimitsConfig } from "./limits-config.js";
export type { LimitName } from "./limit-rules.js";
export type { RateLimitHeaders } from "./rate-limit-error.js";
export { RATE_LIMIT_SCRIPT } from "./redis/rate-limit-script.js";
export { connectRedis } from "./redis/redis-connection.js";
export type { RateLimitScope, RateLimitSettings, RateLimitValues } from "./settings/rate-limit-settings.js";
export { createRateLimitSettingsService } from "./settings/rate-limit-settings-service.js";
export type { RateLimitSettingsService, RateLimitSubject, SetRateLimitsInput } from "./settings/rate-limit-settings-service.js";
export { createLimiterAdmission } from "./limiter-admission.js";
export type { LimiterAdmission } from "./limiter-admission.js";
