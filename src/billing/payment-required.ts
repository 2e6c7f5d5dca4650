import { GatewayError } from "../core/errors.js";
import type { Amount } from "./money.js";
import { formatUsd } from "./money.js";

/** Which budget refused a reservation: the account's credits or the calling key's spend limit. */
export type LimitSource = "credits" | "key_limit";

/**
 * The typed 402 refusal of a reservation. `affordable` is the most the same request could have reserved
 * (exact, for the completions pipeline to turn into "can only afford N tokens"); the REST and GraphQL
 * metadata carry it as a decimal string (`affordable_usd`) together with `limit_source`, as OpenRouter's
 * newer 402s do.
 */
export class PaymentRequiredError extends GatewayError {
  readonly affordable: Amount;
  readonly requested: Amount;
  readonly limitSource: LimitSource;

  constructor(options: { message: string; affordable: Amount; requested: Amount; limitSource: LimitSource }) {
    super("payment_required", options.message, {
      metadata: {
        affordable_usd: formatUsd(options.affordable),
        requested_usd: formatUsd(options.requested),
        limit_source: options.limitSource,
      },
    });
    this.name = "PaymentRequiredError";
    this.affordable = options.affordable;
    this.requested = options.requested;
    this.limitSource = options.limitSource;
  }
}
