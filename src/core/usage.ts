/**
 * Token usage as a provider reported it, normalised. Counts the provider did not report stay `undefined`
 * (never 0), and are combined with `??`, so "unknown" is never mistaken for "none".
 */
export interface Usage {
  inputTokens: {
    /** All prompt tokens, cached ones included. */
    total: number | undefined;
    /** Prompt tokens read from the provider's cache (a subset of total). */
    cacheRead: number | undefined;
    /** Prompt tokens written to the provider's cache (a subset of total). */
    cacheWrite: number | undefined;
  };
  outputTokens: {
    /** All completion tokens, reasoning included. */
    total: number | undefined;
    /** Completion tokens spent on reasoning (a subset of total). */
    reasoning: number | undefined;
  };
}

/** Usage with nothing known, the starting point for streams. */
export function emptyUsage(): Usage {
  return {
    inputTokens: { total: undefined, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: undefined, reasoning: undefined },
  };
}
