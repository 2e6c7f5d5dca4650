import type { LedgerService, Reservation } from "../billing/ledger-service.js";
import { formatUsd } from "../billing/money.js";
import { GatewayError } from "../core/errors.js";
import type { CompletionBilling, HeldFunds } from "./completion-ports.js";

/**
 * Connects the completion pipeline's billing port to the ledger: a hold is a ledger reservation (the key's
 * limit and the account's balance checked in one conditional update), settled with one usage entry.
 */
export function createLedgerBilling(ledger: LedgerService): CompletionBilling {
  const reservations = new WeakMap<HeldFunds, Reservation>();
  const reservationOf = (hold: HeldFunds): Reservation => {
    const reservation = reservations.get(hold);
    if (reservation === undefined) throw new Error("Unknown hold: it was not made by this billing adapter");
    return reservation;
  };
  return {
    async hold(principal, maxCost) {
      if (principal.accountId === null) throw new GatewayError("permission_denied", "Management keys cannot call models; use an API key");
      const reservation = await ledger.reserve({ accountId: principal.accountId, keyHash: principal.keyHash, maxCost });
      const hold: HeldFunds = { id: reservation.id, maxCost: reservation.amount, revoked: reservation.revoked };
      reservations.set(hold, reservation);
      return hold;
    },
    async settle(hold, cost, details) {
      const byok = details.byokUsage === undefined ? {} : { metadata: { is_byok: true, upstream_inference_cost_usd: formatUsd(details.byokUsage) } };
      await ledger.settle(reservationOf(hold), cost, { ...details, ...byok });
    },
    async release(hold) {
      await ledger.release(reservationOf(hold));
    },
  };
}
