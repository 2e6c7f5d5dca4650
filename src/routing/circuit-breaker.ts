/** When the breaker opens and for how long. */
export interface BreakerSettings {
  /** Open once at least this share of the recent attempts failed (0..1). */
  failureRatio: number;
  /** ...and there were at least this many of them, so one unlucky request does not open it. */
  minimumAttempts: number;
  /** How far back "recent" goes, ms. */
  windowMs: number;
  /** How long an open breaker skips the endpoint before one probe may try it, ms. */
  coolDownMs: number;
}

export const DEFAULT_BREAKER_SETTINGS: BreakerSettings = { failureRatio: 0.5, minimumAttempts: 4, windowMs: 30_000, coolDownMs: 30_000 };

/** `closed`: use it; `open`: skip it until the cool-down ends; `half-open`: one probe may try it. */
export type BreakerState = "closed" | "open" | "half-open";

interface Circuit {
  /** End times and results of the attempts since the circuit last closed, oldest first, within the window. */
  outcomes: Array<{ at: number; failed: boolean }>;
  openedAt: number | undefined;
  /** When the probe in flight started (half-open). */
  probeStartedAt: number | undefined;
  /** The provider asked us to wait (429 with Retry-After) until then. */
  restUntil: number | undefined;
}

/**
 * A circuit breaker per endpoint, in this process: an endpoint whose recent attempts mostly failed is skipped
 * for a cool-down, then one request probes it; the probe's success closes the circuit (its failures
 * forgotten), its failure opens it for another cool-down. A 429's Retry-After rests the endpoint as long.
 * Each instance keeps its own circuits (they react to what this instance sees at once); the published
 * health figures are the ones shared through Redis.
 */
export class CircuitBreaker {
  private readonly circuits = new Map<number, Circuit>();

  constructor(private readonly settings: BreakerSettings = DEFAULT_BREAKER_SETTINGS) {}

  private circuit(endpointId: number): Circuit {
    let circuit = this.circuits.get(endpointId);
    if (circuit === undefined) {
      circuit = { outcomes: [], openedAt: undefined, probeStartedAt: undefined, restUntil: undefined };
      this.circuits.set(endpointId, circuit);
    }
    return circuit;
  }

  /** The state at `now`, without side effects (routing orders by it). */
  state(endpointId: number, now: number): BreakerState {
    const circuit = this.circuits.get(endpointId);
    if (circuit === undefined) return "closed";
    if (circuit.restUntil !== undefined && now < circuit.restUntil) return "open";
    if (circuit.openedAt === undefined) return "closed";
    if (now - circuit.openedAt < this.settings.coolDownMs) return "open";
    // A probe that never reported back (its request was abandoned) frees the slot after a cool-down.
    if (circuit.probeStartedAt !== undefined && now - circuit.probeStartedAt < this.settings.coolDownMs) return "open";
    return "half-open";
  }

  /** Share of recent attempts that failed, 0 without any: ranks open endpoints when all are open. */
  failureShare(endpointId: number, now: number): number {
    const outcomes = this.circuits.get(endpointId)?.outcomes.filter((outcome) => now - outcome.at < this.settings.windowMs) ?? [];
    return outcomes.length === 0 ? 0 : outcomes.filter((outcome) => outcome.failed).length / outcomes.length;
  }

  /** Asks to try the endpoint now: true when closed, or when half-open and this attempt becomes the probe. */
  tryAcquire(endpointId: number, now: number): boolean {
    const state = this.state(endpointId, now);
    if (state === "closed") return true;
    if (state === "open") return false;
    this.circuit(endpointId).probeStartedAt = now;
    return true;
  }

  /** Records an attempt's result: `neutral` (the request's fault) leaves the circuit as it was. */
  record(endpointId: number, result: "success" | "failure" | "neutral", now: number): void {
    const circuit = this.circuit(endpointId);
    const probing = circuit.probeStartedAt !== undefined;
    circuit.probeStartedAt = undefined;
    if (result === "neutral") return;
    if (probing || circuit.openedAt !== undefined) {
      if (result === "success") {
        circuit.openedAt = undefined;
        circuit.outcomes = [];
      } else circuit.openedAt = now;
      return;
    }
    circuit.outcomes.push({ at: now, failed: result === "failure" });
    while (circuit.outcomes.length > 0 && now - (circuit.outcomes[0]?.at ?? now) >= this.settings.windowMs) circuit.outcomes.shift();
    if (circuit.outcomes.length > 64) circuit.outcomes.shift();
    const failures = circuit.outcomes.filter((outcome) => outcome.failed).length;
    if (circuit.outcomes.length >= this.settings.minimumAttempts && failures / circuit.outcomes.length >= this.settings.failureRatio) {
      circuit.openedAt = now;
    }
  }

  /** The provider said to come back after `untilMs` (Unix ms). */
  rest(endpointId: number, untilMs: number): void {
    this.circuit(endpointId).restUntil = untilMs;
  }
}
