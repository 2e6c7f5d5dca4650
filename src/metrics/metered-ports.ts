import type { CompletionAdmission, CompletionBilling } from "../completions/completion-ports.js";
import { GatewayError } from "../core/errors.js";
import type { GatewayMetrics } from "./gateway-metrics.js";

/** The completion pipeline's admission, counting its 429 refusals (rate limits, free-tier quota). */
export function meteredAdmission(admission: CompletionAdmission, metrics: GatewayMetrics): CompletionAdmission {
  return {
    async admit(principal, request) {
      try {
        return await admission.admit(principal, request);
      } catch (error) {
        if (error instanceof GatewayError && error.kind === "rate_limit_exceeded") metrics.countRefusal("rate_limit");
        throw error;
      }
    },
  };
}

/** The completion pipeline's billing, counting the 402s its holds refuse with; everything else passes through. */
export function meteredBilling(billing: CompletionBilling, metrics: GatewayMetrics): CompletionBilling {
  const metered: CompletionBilling = {
    async hold(principal, maxCost) {
      try {
        return await billing.hold(principal, maxCost);
      } catch (error) {
        if (error instanceof GatewayError && error.kind === "payment_required") metrics.countRefusal("payment_required");
        throw error;
      }
    },
    settle: (hold, cost, details) => billing.settle(hold, cost, details),
    release: (hold) => billing.release(hold),
  };
  if (billing.flush !== undefined) metered.flush = () => billing.flush?.() ?? Promise.resolve();
  if (billing.close !== undefined) metered.close = () => billing.close?.() ?? Promise.resolve();
  return metered;
}
