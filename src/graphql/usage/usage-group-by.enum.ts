import { registerEnumType } from "type-graphql";
import type { UsageDimension } from "../../usage/usage-filter.js";

/** What `usage` rows are grouped by; DAY and HOUR are UTC. */
export enum UsageGroupBy {
  DAY = "day",
  HOUR = "hour",
  MODEL = "model",
  PROVIDER = "provider",
  KEY = "key",
}

registerEnumType(UsageGroupBy, { name: "UsageGroupBy", description: "A dimension of usage rows. DAY and HOUR are UTC; KEY is the key's hash." });

/** The service's dimension for a GraphQL enum value (the values are the same strings). */
export function toUsageDimension(value: UsageGroupBy): UsageDimension {
  return value;
}
