import type { LanguageModel } from "../core/language-model.js";
import type { RouteCandidate } from "../routing/select-candidates.js";
import type { HeldFunds, OwnKey } from "./completion-ports.js";
import type { PromptEstimate } from "./estimate-prompt.js";

/** The tokens one attempt's hold pays for: the charge never exceeds the hold, and a stream stops at `outputTokens`. */
export interface HoldCover {
  /** The prompt's upper bound, capped by the endpoint's context. */
  promptTokens: number;
  /** The output allowance: `max_tokens`, or the endpoint's maximum output. */
  outputTokens: number;
}

/** One try at one endpoint: the adapter bound to it and the funds held for it. */
export interface Attempt {
  candidate: RouteCandidate;
  model: LanguageModel;
  hold: HeldFunds;
  cover: HoldCover;
  /** Set when the attempt calls the provider with the account's own key (BYOK): the hold is then only the fee. */
  ownKey: OwnKey | undefined;
  /** The request's prompt estimate, made once per request: the hold is sized by it, a usage-less answer billed by it. */
  prompt: PromptEstimate;
  startedAt: number;
}
