import type { LanguageModel } from "../core/language-model.js";
import type { RouteCandidate } from "../routing/select-candidates.js";
import type { HeldFunds } from "./completion-ports.js";

/** One try at one endpoint: the adapter bound to it and the funds held for it. */
export interface Attempt {
  candidate: RouteCandidate;
  model: LanguageModel;
  hold: HeldFunds;
  startedAt: number;
}
