import DataLoader from "dataloader";
import type { RateLimitSettings } from "../../limits/settings/rate-limit-settings.js";
import type { RateLimitSettingsService, RateLimitSubject } from "../../limits/settings/rate-limit-settings-service.js";

/**
 * Stored rate-limit settings by subject, one query per operation level: an account or key type can expose
 * its limits as a field (`loaders.rateLimits.load({ scope: "key", subjectId: hash })`) without a query per row.
 */
export function createRateLimitsLoader(service: RateLimitSettingsService): DataLoader<RateLimitSubject, RateLimitSettings, string> {
  return new DataLoader((subjects) => service.getMany(subjects), { cacheKeyFn: (subject) => `${subject.scope}:${subject.subjectId}` });
}
