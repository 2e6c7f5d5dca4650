import { describe, expect, it } from "vitest";
import { GatewayError } from "../../../src/core/errors.js";
import { MAX_EMBEDDING_INPUTS, parseEmbeddingRequest } from "../../../src/embeddings/embedding-request-parser.js";
import { estimateEmbeddingInput } from "../../../src/embeddings/estimate-embedding-input.js";

function refusal(body: unknown): GatewayError {
  try {
    parseEmbeddingRequest(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("parseEmbeddingRequest", () => {
  it("reads each input shape into one value per input", () => {
    expect(parseEmbeddingRequest({ model: "m", input: "one" }).values).toEqual(["one"]);
    expect(parseEmbeddingRequest({ model: "m", input: ["a", "b"] }).values).toEqual(["a", "b"]);
    expect(parseEmbeddingRequest({ model: "m", input: [1, 2, 3] }).values).toEqual([[1, 2, 3]]);
    expect(parseEmbeddingRequest({ model: "m", input: [[1], [2, 3]] }).values).toEqual([[1], [2, 3]]);
  });

  it("keeps the model order (model, then models, without repeats), dimensions, encoding and user", () => {
    const request = parseEmbeddingRequest({ model: "a", models: ["b", "a"], input: "x", dimensions: 12, encoding_format: "base64", user: "u-1" });
    expect(request).toMatchObject({ models: ["a", "b"], dimensions: 12, encodingFormat: "base64", user: "u-1" });
    expect(parseEmbeddingRequest({ model: "a", input: "x" }).encodingFormat).toBe("float");
  });

  it.each([
    ["an empty string", { model: "m", input: "" }, "input"],
    ["an empty list", { model: "m", input: [] }, "input"],
    ["too many inputs", { model: "m", input: Array.from({ length: MAX_EMBEDDING_INPUTS + 1 }, () => "x") }, "input"],
    ["a fractional token id", { model: "m", input: [1.5] }, "input"],
    ["a non-integer dimensions", { model: "m", input: "x", dimensions: 1.5 }, "dimensions"],
    ["no model", { input: "x" }, "model"],
  ])("refuses %s as a 400 naming the field", (_label, body, field) => {
    const error = refusal(body);
    expect(error.status).toBe(400);
    expect(error.message).toContain(field);
  });
});

describe("estimateEmbeddingInput", () => {
  it("bounds a text by its UTF-8 bytes plus the model's markers, and a token array by its length", () => {
    const estimate = estimateEmbeddingInput(["héllo", [1, 2, 3]], 8192);
    expect(estimate.tokenBound).toBe(Buffer.byteLength("héllo") + 8 + 3);
    expect(estimate.tokens).toBeLessThanOrEqual(estimate.tokenBound);
    expect(estimate.images).toBe(0);
  });

  it("measures after NFKC when that is longer (U+FDFA becomes 18 characters)", () => {
    expect(estimateEmbeddingInput(["\uFDFA"], 8192).tokenBound).toBe(Buffer.byteLength("\uFDFA".normalize("NFKC")) + 8);
  });

  it("caps each input at the endpoint's context, past which nothing is embedded or billed", () => {
    expect(estimateEmbeddingInput(["x".repeat(10_000), "y".repeat(10_000)], 2048).tokenBound).toBe(4096);
  });
});
