import { describe, expect, it } from "vitest";
import { GatewayError } from "../../../src/core/index.js";
import { parseJsonChunk, parseResponseBody } from "../../../src/providers/shared/parse-json-chunk.js";
import { extractUpstreamErrorMessage, upstreamConnectionError, upstreamHttpError } from "../../../src/providers/shared/upstream-error.js";
import { z } from "zod";

describe("upstreamHttpError", () => {
  it.each([
    [400, "invalid_request", false],
    [401, "provider_unavailable", true],
    [402, "provider_unavailable", true],
    [403, "provider_unavailable", true],
    [404, "provider_unavailable", true],
    [408, "timeout", true],
    [409, "provider_unavailable", true],
    [413, "payload_too_large", false],
    [422, "invalid_request", false],
    [429, "rate_limit_exceeded", true],
    [500, "provider_unavailable", true],
    [502, "provider_unavailable", true],
    [503, "provider_overloaded", true],
    [504, "provider_unavailable", true],
    [529, "provider_overloaded", true],
  ] as const)("status %i → %s (retryable %s)", (status, kind, retryable) => {
    const error = upstreamHttpError({ provider: "acme", status, body: '{"error":{"message":"nope"}}' });
    expect(error).toBeInstanceOf(GatewayError);
    expect(error.kind).toBe(kind);
    expect(error.retryable).toBe(retryable);
    expect(error.metadata).toMatchObject({ provider_name: "acme", provider_code: status });
  });

  it("keeps the upstream message for the caller, except on credential failures", () => {
    expect(upstreamHttpError({ provider: "acme", status: 400, body: '{"error":{"message":"bad field"}}' }).metadata?.raw).toBe("bad field");
    const auth = upstreamHttpError({ provider: "acme", status: 401, body: '{"error":{"message":"Incorrect API key provided: sk-12***"}}' });
    expect(auth.metadata?.raw).toBeUndefined();
    expect(auth.message).not.toContain("sk-12");
  });

  it("passes Retry-After on, from seconds or from retry-after-ms", () => {
    expect(upstreamHttpError({ provider: "a", status: 429, body: "", headers: { "retry-after": "7" } }).headers).toEqual({ "Retry-After": "7" });
    expect(upstreamHttpError({ provider: "a", status: 429, body: "", headers: { "retry-after-ms": "1500" } }).headers).toEqual({ "Retry-After": "2" });
    expect(upstreamHttpError({ provider: "a", status: 429, body: "" }).headers).toBeUndefined();
  });
});

describe("extractUpstreamErrorMessage", () => {
  it.each([
    ["OpenAI", '{"error":{"message":"m1","type":"invalid_request_error","param":null,"code":null}}', "m1"],
    ["Anthropic", '{"type":"error","error":{"type":"invalid_request_error","message":"m2"}}', "m2"],
    ["Gemini", '{"error":{"code":400,"message":"m3","status":"INVALID_ARGUMENT"}}', "m3"],
    ["Gemini array", '[{"error":{"code":400,"message":"m4","status":"INVALID_ARGUMENT"}}]', "m4"],
    ["Mistral", '{"object":"error","message":"m5","type":"invalid_request_error","param":null,"code":null}', "m5"],
    ["plain string error", '{"error":"m6"}', "m6"],
    ["FastAPI detail", '{"detail":"m7"}', "m7"],
    ["not JSON", "Bad Gateway", "Bad Gateway"],
  ])("%s", (_name, body, message) => {
    expect(extractUpstreamErrorMessage(body)).toBe(message);
  });
  it("has nothing to say about an empty body", () => {
    expect(extractUpstreamErrorMessage("  ")).toBeUndefined();
  });
});

describe("upstreamConnectionError", () => {
  it.each([
    [Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), "provider_unavailable", true],
    [Object.assign(new Error("Headers Timeout Error"), { code: "UND_ERR_HEADERS_TIMEOUT" }), "timeout", true],
    [Object.assign(new Error("fetch failed"), { cause: { code: "UND_ERR_CONNECT_TIMEOUT" } }), "timeout", true],
    [Object.assign(new Error("Body Timeout Error"), { code: "UND_ERR_BODY_TIMEOUT" }), "timeout", true],
    [new DOMException("This operation was aborted", "AbortError"), "timeout", false],
  ] as const)("%s → %s", (cause, kind, retryable) => {
    const error = upstreamConnectionError("acme", cause);
    expect(error.kind).toBe(kind);
    expect(error.retryable).toBe(retryable);
    expect(error.cause).toBe(cause);
  });
  it("passes a GatewayError through", () => {
    const original = new GatewayError("server", "x");
    expect(upstreamConnectionError("acme", original)).toBe(original);
  });
});

describe("parseJsonChunk and parseResponseBody", () => {
  const schema = z.object({ a: z.number() });
  it("parses a valid chunk", () => {
    expect(parseJsonChunk({ text: '{"a":1,"b":2}', schema, provider: "p" })).toEqual({ success: true, value: { a: 1 } });
  });
  it.each(["{oops", '{"a":"x"}'])("turns %j into an error result", (text) => {
    const result = parseJsonChunk({ text, schema, provider: "p" });
    expect(result.success).toBe(false);
    expect(result.success ? undefined : result.error.metadata).toMatchObject({ provider_name: "p", raw: text });
  });
  it("throws a retryable error for a response that does not fit", () => {
    expect(parseResponseBody({ value: { a: 1 }, schema, provider: "p" })).toEqual({ a: 1 });
    expect(() => parseResponseBody({ value: { b: 1 }, schema, provider: "p" })).toThrow(GatewayError);
  });
});
