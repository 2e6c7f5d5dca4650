import { GatewayError } from "../../core/errors.js";

/** What replaces a credential found in upstream text. */
export const REDACTED = "[REDACTED]";

/**
 * Shapes of API keys and bearer credentials, for credentials the gateway was not told about (a BYOK key of
 * another request, a key the upstream invents in an example): OpenAI and Anthropic `sk-…` (`sk-proj-`,
 * `sk-ant-`, our own `sk-gw-`), Google `AIza…`, Groq `gsk_…`, xAI `xai-…`, and whatever follows `Bearer `
 * or a `key=` query parameter. Each needs enough characters that ordinary words never match.
 */
const KEY_SHAPES: readonly RegExp[] = [
  /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/g,
  /\bsk-[A-Za-z0-9_-]{12,}/g,
  /\bAIza[0-9A-Za-z_-]{20,}/g,
  /\bgsk_[A-Za-z0-9]{16,}/g,
  /\bxai-[A-Za-z0-9]{16,}/g,
  /([?&](?:key|api_key|apikey)=)[^&\s"']{8,}/gi,
];

/** Credentials shorter than this are not matched exactly: a short local-server key would redact common words. */
const MINIMUM_EXACT_LENGTH = 6;

/**
 * Removes the gateway's own credentials from text that came from an upstream before it is relayed to a caller,
 * stored on a generation or logged. Upstreams echo what they were sent ("Incorrect API key provided: Bearer
 * sk-…"), so every provider error passes through one of these at the provider boundary
 * (`withScrubbedErrors`). Exact matches of every configured key come first, then the key shapes above.
 */
export interface SecretScrubber {
  /** The text with every credential replaced by `[REDACTED]`. */
  text(input: string): string;
  /** A copy of any JSON-like value with every string scrubbed (for error metadata). */
  value(input: unknown): unknown;
  /** The same error with its message, metadata and cause scrubbed; anything else thrown becomes a scrubbed Error. */
  error(input: unknown): unknown;
}

function escapeForRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A scrubber for these exact secrets (configured provider keys, BYOK keys) plus the key shapes. */
export function createSecretScrubber(secrets: Iterable<string | undefined>): SecretScrubber {
  const exact = [...new Set([...secrets].filter((secret): secret is string => secret !== undefined && secret.length >= MINIMUM_EXACT_LENGTH))]
    // Longest first, so a key that contains another is removed whole.
    .sort((a, b) => b.length - a.length);
  const exactPattern = exact.length === 0 ? undefined : new RegExp(exact.map(escapeForRegExp).join("|"), "g");

  function text(input: string): string {
    let output = exactPattern === undefined ? input : input.replace(exactPattern, REDACTED);
    for (const shape of KEY_SHAPES) {
      output = output.replace(shape, (match, prefix: unknown) => (typeof prefix === "string" && match.startsWith(prefix) ? `${prefix}${REDACTED}` : REDACTED));
    }
    return output;
  }

  function value(input: unknown, depth = 0): unknown {
    if (typeof input === "string") return text(input);
    if (depth > 20 || typeof input !== "object" || input === null) return input;
    if (Array.isArray(input)) return input.map((item) => value(item, depth + 1));
    return Object.fromEntries(Object.entries(input).map(([name, item]) => [name, value(item, depth + 1)]));
  }

  function scrubbedCause(cause: unknown): unknown {
    if (cause === undefined) return undefined;
    if (cause instanceof GatewayError) return error(cause);
    if (cause instanceof Error) {
      const copy = new Error(text(cause.message), cause.cause === undefined ? undefined : { cause: scrubbedCause(cause.cause) });
      copy.name = cause.name;
      if (cause.stack !== undefined) copy.stack = text(cause.stack);
      const code = (cause as { code?: unknown }).code;
      if (typeof code === "string") Object.assign(copy, { code });
      return copy;
    }
    return typeof cause === "string" ? text(cause) : value(cause);
  }

  function error(input: unknown): unknown {
    if (input instanceof GatewayError) {
      const scrubbed = new GatewayError(input.kind, text(input.message), {
        retryable: input.retryable,
        ...(input.metadata === undefined ? {} : { metadata: value(input.metadata) as Record<string, unknown> }),
        ...(input.headers === undefined ? {} : { headers: input.headers }),
        ...(input.cause === undefined ? {} : { cause: scrubbedCause(input.cause) }),
      });
      // Keep where it was raised (the adapter), not where it was scrubbed; the stack repeats the message.
      if (input.stack !== undefined) scrubbed.stack = text(input.stack);
      return scrubbed;
    }
    return scrubbedCause(input);
  }

  return { text, value: (input) => value(input), error };
}
