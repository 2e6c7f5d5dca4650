import type { Amount } from "./money.js";
import type { ChargeRequest, PaymentProvider } from "./payment-provider.js";
import { PaymentDeclinedError } from "./payment-provider.js";

/** One charge the in-process provider accepted. */
export interface InProcessCharge {
  paymentId: string;
  providerPaymentId: string;
  accountId: string;
  amount: Amount;
  refunded: Amount;
}

/**
 * A payment provider that moves no real money: it accepts every charge (unless told to fail) and keeps
 * what it did in memory. For tests, the CLI and trying the gateway out; never for a deployment that sells
 * credits. Charges are idempotent per `paymentId`, as a real provider's idempotency keys are. Its memory
 * lasts as long as the process.
 */
export class InProcessPaymentProvider implements PaymentProvider {
  readonly name = "in-process";
  readonly charges = new Map<string, InProcessCharge>();
  private failuresLeft = 0;
  private failureMessage = "Card declined (simulated)";
  private sequence = 0;

  /** Makes the next `count` charges fail with `message` (tests of failed payments and retries). */
  failNext(count: number, message = "Card declined (simulated)"): void {
    this.failuresLeft = count;
    this.failureMessage = message;
  }

  /** How many charges were attempted, successful or not. */
  attempts = 0;

  async charge(request: ChargeRequest): Promise<{ providerPaymentId: string }> {
    this.attempts += 1;
    const existing = this.charges.get(request.paymentId);
    if (existing !== undefined) return { providerPaymentId: existing.providerPaymentId };
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new PaymentDeclinedError(this.failureMessage);
    }
    if (request.amount <= 0n) throw new PaymentDeclinedError("Amount must be positive");
    this.sequence += 1;
    const providerPaymentId = `inproc_${this.sequence}_${request.paymentId.slice(0, 8)}`;
    this.charges.set(request.paymentId, { ...request, providerPaymentId, refunded: 0n });
    return { providerPaymentId };
  }

  async refund(request: { paymentId: string; providerPaymentId: string; amount: Amount }): Promise<void> {
    const charge = this.charges.get(request.paymentId);
    // Its memory is per process: a charge made by another process (the gateway, an earlier CLI run) is
    // unknown here, and since no real money moved, refunding it is accepted.
    if (charge === undefined) return;
    if (charge.providerPaymentId !== request.providerPaymentId) throw new PaymentDeclinedError("No such charge to refund");
    if (charge.refunded + request.amount > charge.amount) throw new PaymentDeclinedError("Refund exceeds the charge");
    charge.refunded += request.amount;
  }
}
