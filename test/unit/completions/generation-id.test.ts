import { describe, expect, it } from "vitest";
import { newGenerationId } from "../../../src/completions/generation-id.js";

describe("newGenerationId", () => {
  it("has OpenRouter's shape, with the unix second it was made", () => {
    expect(newGenerationId(1_795_000_000_999)).toMatch(/^gen-1795000000-[A-Za-z0-9]{20}$/);
  });

  it("does not repeat across many pool refills", () => {
    const ids = new Set(Array.from({ length: 5000 }, () => newGenerationId(0)));
    expect(ids.size).toBe(5000);
  });
});
