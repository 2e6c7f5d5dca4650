import { describe, expect, it } from "vitest";
import { toMistralToolCallId } from "../../../src/providers/openai-compatible/mistral-tool-call-id.js";
import { OPENAI_COMPATIBLE_VENDORS } from "../../../src/providers/openai-compatible/vendors.js";

describe("OpenAI-compatible vendors", () => {
  it("list each slug once, with base URLs without a trailing slash", () => {
    const slugs = OPENAI_COMPATIBLE_VENDORS.map((vendor) => vendor.slug);
    expect(new Set(slugs).size).toBe(slugs.length);
    expect(slugs).toEqual(["groq", "together", "mistral", "deepseek", "fireworks", "deepinfra", "xai", "cerebras", "openrouter", "ollama", "vllm", "llamacpp"]);
    for (const vendor of OPENAI_COMPATIBLE_VENDORS) expect(vendor.defaultBaseUrl).not.toMatch(/\/$/);
  });

  it("need no key only for local servers, which listen on loopback by default", () => {
    const keyless = OPENAI_COMPATIBLE_VENDORS.filter((vendor) => !vendor.requiresApiKey);
    expect(keyless.map((vendor) => vendor.slug)).toEqual(["ollama", "vllm", "llamacpp"]);
    for (const vendor of keyless) expect(vendor.defaultBaseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  });
});

describe("toMistralToolCallId", () => {
  it.each(["call_abc123XYZ", "toolu_01A09q90qw90lq917835lq9", "x", ""])("rewrites %j into nine alphanumerics, the same every time", (id) => {
    const rewritten = toMistralToolCallId(id);
    expect(rewritten).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(toMistralToolCallId(id)).toBe(rewritten);
  });

  it("keeps ids Mistral itself produced", () => {
    expect(toMistralToolCallId("D681PevKs")).toBe("D681PevKs");
  });

  it("gives different ids different rewrites", () => {
    expect(toMistralToolCallId("call_1")).not.toBe(toMistralToolCallId("call_2"));
  });
});
