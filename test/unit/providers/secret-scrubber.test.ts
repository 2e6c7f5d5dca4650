import { describe, expect, it } from "vitest";
import { GatewayError } from "../../../src/core/errors.js";
import type { LanguageModel } from "../../../src/core/language-model.js";
import type { StreamPart } from "../../../src/core/stream-parts.js";
import { REDACTED, createSecretScrubber } from "../../../src/providers/shared/secret-scrubber.js";
import { withScrubbedErrors } from "../../../src/providers/shared/with-scrubbed-errors.js";

const CONFIGURED = "local-server-secret-42";

describe("createSecretScrubber", () => {
  const scrubber = createSecretScrubber([CONFIGURED, undefined, "abc"]);

  it("removes every exact occurrence of a configured key, even one of no known shape", () => {
    expect(scrubber.text(`bad key ${CONFIGURED}, again ${CONFIGURED}.`)).toBe(`bad key ${REDACTED}, again ${REDACTED}.`);
  });

  it("leaves keys too short to be told from words alone", () => {
    expect(scrubber.text("abc is a word in abcdef")).toBe("abc is a word in abcdef");
  });

  it.each([
    ["Incorrect API key provided: Bearer eyJhbGciOiJIUzI1NiJ9.payload", `Incorrect API key provided: ${REDACTED}`],
    ["key sk-proj-AbCdEf0123456789xyz is invalid", `key ${REDACTED} is invalid`],
    ["x-api-key sk-ant-api03-AAAABBBBCCCCDDDD refused", `x-api-key ${REDACTED} refused`],
    ["API key AIzaSyA1234567890abcdefghijklmnop not valid", `API key ${REDACTED} not valid`],
    ["groq gsk_0123456789abcdefABCDEF rejected", `groq ${REDACTED} rejected`],
    ["xai xai-0123456789abcdefABCDEF rejected", `xai ${REDACTED} rejected`],
    ["GET /v1beta/models/x:generateContent?alt=sse&key=zzzzzzzzzzzzzzzz failed", `GET /v1beta/models/x:generateContent?alt=sse&key=${REDACTED} failed`],
  ])("removes key-shaped tokens it was not told about: %s", (input, expected) => {
    expect(scrubber.text(input)).toBe(expected);
  });

  it("keeps ordinary upstream messages as they are", () => {
    const message = "max_tokens: must be less than or equal to 8192 (task-specific limit)";
    expect(scrubber.text(message)).toBe(message);
  });

  it("scrubs a GatewayError's message, nested metadata and cause chain, keeping its kind, flag and headers", () => {
    const cause = Object.assign(new Error(`401 {"error":"${CONFIGURED}"}`, { cause: new Error(`inner ${CONFIGURED}`) }), { code: "E_UPSTREAM" });
    const original = new GatewayError("rate_limit_exceeded", `slow down ${CONFIGURED}`, {
      retryable: true,
      metadata: { raw: `echo ${CONFIGURED}`, nested: [{ text: CONFIGURED }], provider_code: 429 },
      headers: { "Retry-After": "3" },
      cause,
    });
    const scrubbed = scrubber.error(original) as GatewayError;
    expect(scrubbed).toBeInstanceOf(GatewayError);
    expect(scrubbed.kind).toBe("rate_limit_exceeded");
    expect(scrubbed.retryable).toBe(true);
    expect(scrubbed.headers).toEqual({ "Retry-After": "3" });
    expect(scrubbed.metadata).toEqual({ raw: `echo ${REDACTED}`, nested: [{ text: REDACTED }], provider_code: 429 });
    const scrubbedCause = scrubbed.cause as Error & { code?: string };
    expect(scrubbedCause.message).toBe(`401 {"error":"${REDACTED}"}`);
    expect(scrubbedCause.code).toBe("E_UPSTREAM");
    expect((scrubbedCause.cause as Error).message).toBe(`inner ${REDACTED}`);
    expect(JSON.stringify({ message: scrubbed.message, metadata: scrubbed.metadata })).not.toContain(CONFIGURED);
  });
});

describe("withScrubbedErrors", () => {
  const leak = new GatewayError("invalid_request", `Provider x rejected the request: Incorrect API key provided: ${CONFIGURED}`, {
    metadata: { raw: `Incorrect API key provided: ${CONFIGURED}` },
  });

  function modelThat(behaviour: { throws?: unknown; parts?: StreamPart[] }): LanguageModel & { returned: boolean } {
    const model = {
      provider: "x",
      providerModelId: "m",
      returned: false,
      doGenerate: () => Promise.reject(behaviour.throws),
      doStream: () => {
        if (behaviour.throws !== undefined) return Promise.reject(behaviour.throws);
        async function* parts(): AsyncGenerator<StreamPart> {
          try {
            for (const part of behaviour.parts ?? []) yield part;
          } finally {
            model.returned = true;
          }
        }
        return Promise.resolve({ stream: parts() });
      },
    };
    return model;
  }

  const scrubber = createSecretScrubber([CONFIGURED]);

  it("scrubs errors thrown before output, by doGenerate and by doStream", async () => {
    const model = withScrubbedErrors(modelThat({ throws: leak }), scrubber);
    const generated: unknown = await model.doGenerate({ prompt: [] } as never).catch((error: unknown) => error);
    const streamed: unknown = await model.doStream({ prompt: [] } as never).catch((error: unknown) => error);
    for (const error of [generated, streamed]) {
      if (!(error instanceof GatewayError)) throw new Error("expected a GatewayError");
      expect(error.kind).toBe("invalid_request");
      expect(error.message).toBe(`Provider x rejected the request: Incorrect API key provided: ${REDACTED}`);
      expect(error.metadata).toEqual({ raw: `Incorrect API key provided: ${REDACTED}` });
    }
  });

  it("scrubs a mid-stream error part and passes the other parts through unchanged", async () => {
    const text: StreamPart = { type: "text-delta", delta: `the answer mentions ${CONFIGURED}` };
    const model = withScrubbedErrors(modelThat({ parts: [text, { type: "error", error: leak }] }), scrubber);
    const parts: StreamPart[] = [];
    for await (const part of (await model.doStream({ prompt: [] } as never)).stream) parts.push(part);
    // Model output is the caller's answer, not an upstream error: it is relayed as generated.
    expect(parts[0]).toBe(text);
    const error = parts[1];
    expect(error?.type).toBe("error");
    expect(error?.type === "error" ? error.error.message : "").not.toContain(CONFIGURED);
  });

  it("passes the rest of the model through: its output ceiling, bound to the model", () => {
    const inner = { ...modelThat({}), ceiling: 64, outputTokenCeiling(this: { ceiling: number }) { return this.ceiling; } };
    expect(withScrubbedErrors(inner, scrubber).outputTokenCeiling?.({ prompt: [] } as never)).toBe(64);
    expect(withScrubbedErrors(modelThat({}), scrubber).outputTokenCeiling).toBeUndefined();
  });

  it("stopping early still reaches the adapter's stream, which aborts the upstream", async () => {
    const inner = modelThat({ parts: [{ type: "text-delta", delta: "a" }, { type: "text-delta", delta: "b" }] });
    const model = withScrubbedErrors(inner, scrubber);
    for await (const part of (await model.doStream({ prompt: [] } as never)).stream) {
      expect(part.type).toBe("text-delta");
      break;
    }
    expect(inner.returned).toBe(true);
  });
});
