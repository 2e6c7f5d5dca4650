import type { Amount } from "./money.js";

/**
 * Where money comes from. The gateway never sees card numbers: a provider charges the account's payment
 * method on file and refunds. `paymentId` is our `payments.id` and doubles as the idempotency key, so a
 * retried call for the same payment must not charge twice. A real deployment plugs in Stripe or similar;
 * tests and the CLI use {@link InProcessPaymentProvider}.
 */
export interface PaymentProvider {
  /** Stored in `payments.provider`. */
  readonly name: string;
  /** Charges `amount`; throws {@link PaymentDeclinedError} when the payment fails. */
  charge(request: ChargeRequest): Promise<{ providerPaymentId: string }>;
  /** Refunds part or all of an earlier charge; throws {@link PaymentDeclinedError} when it cannot. */
  refund(request: { paymentId: string; providerPaymentId: string; amount: Amount }): Promise<void>;
}

export interface ChargeRequest {
  paymentId: string;
  accountId: string;
  /** Credits plus the platform fee, in pico-dollars. */
  amount: Amount;
  description: string;
}

/** A payment the provider refused (card declined, network failure...). The message is safe to show. */
export class PaymentDeclinedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PaymentDeclinedError";
  }
}
