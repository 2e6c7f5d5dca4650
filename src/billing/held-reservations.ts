import type { Amount } from "./money.js";

/** One reservation this instance holds for live work (a request in flight, or a credit lease). */
export interface HeldReservation {
  /** The id the caller knows the reservation by (`Reservation.id`); it never changes. */
  readonly id: string;
  readonly accountId: string;
  readonly keyHash: string;
  /** The row that holds the funds now: `id`, or the row that took its place after the sweep reclaimed it. */
  rowId: string;
  /** What the row holds now (a lease's row shrinks as its charges are written). */
  amount: Amount;
  /** Statements on the row in flight (settle, release, a lease's charges): renewal leaves a missing row alone meanwhile. */
  busy: number;
  /** Aborted when the funds were lost: the row was reclaimed and the balance could not fund it again. */
  readonly revocation: AbortController;
}

/**
 * The reservations one instance holds for live work, so that it can renew them while it lives (see
 * `LedgerService.renewHeld`): the sweep then reclaims only what a dead instance left. A reservation enters
 * when it is taken and leaves when it is settled, released or spent; while a statement on its row is in
 * flight it is marked busy, so that a row that statement deleted is not mistaken for one the sweep took.
 */
export class HeldReservations {
  private readonly byId = new Map<string, HeldReservation>();

  /** Starts tracking a reservation just taken; returns its revocation signal. */
  add(entry: Omit<HeldReservation, "rowId" | "busy" | "revocation">): HeldReservation {
    const held: HeldReservation = { ...entry, rowId: entry.id, busy: 0, revocation: new AbortController() };
    this.byId.set(entry.id, held);
    return held;
  }

  get(id: string): HeldReservation | undefined {
    return this.byId.get(id);
  }

  /**
   * Runs a statement on reservation `id`'s row with the row marked busy; `settled` (true for a settlement or
   * a release) stops tracking it once the statement is sent, so renewal never brings it back.
   */
  async using<T>(id: string, settled: boolean, run: (rowId: string) => Promise<T>): Promise<T> {
    const held = this.byId.get(id);
    if (held === undefined) return run(id);
    if (settled) this.byId.delete(id);
    held.busy += 1;
    try {
      return await run(held.rowId);
    } finally {
      held.busy -= 1;
    }
  }

  /** Stops tracking (the row is gone: spent, settled, or lost for good). */
  delete(id: string): void {
    this.byId.delete(id);
  }

  /** Whether `held` is still tracked and no statement on its row is in flight. */
  isIdle(held: HeldReservation): boolean {
    return this.byId.get(held.id) === held && held.busy === 0;
  }

  /** How many reservations are tracked now and what they hold in all (read by the metrics on each scrape). */
  summary(): { count: number; amount: Amount } {
    let amount = 0n;
    for (const entry of this.byId.values()) amount += entry.amount;
    return { count: this.byId.size, amount };
  }

  /** Every reservation tracked now. */
  all(): HeldReservation[] {
    return [...this.byId.values()];
  }
}
