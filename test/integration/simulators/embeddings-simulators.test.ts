import { ApiError, GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGeminiSimulator } from "../../simulators/gemini/gemini-simulator.js";
import { startOpenAISimulator } from "../../simulators/openai/openai-simulator.js";
import type { RunningSimulator } from "../../simulators/shared/simulator-server.js";

/**
 * The simulators' embeddings, read by the providers' own SDKs: if `openai` and `@google/genai` accept what they
 * send (and decode base64 as they would OpenAI's), the gateway's adapters are tested against a realistic wire.
 */

let openaiSim: RunningSimulator;
let geminiSim: RunningSimulator;
let openai: OpenAI;
let genai: GoogleGenAI;

beforeAll(async () => {
  [openaiSim, geminiSim] = await Promise.all([startOpenAISimulator({ apiKey: "sk-sim" }), startGeminiSimulator({ apiKey: "gem-key" })]);
  openai = new OpenAI({ baseURL: `${openaiSim.url}/v1`, apiKey: "sk-sim", maxRetries: 0 });
  genai = new GoogleGenAI({ apiKey: "gem-key", httpOptions: { baseUrl: geminiSim.url, apiVersion: "v1beta" } });
});

afterAll(async () => {
  await Promise.all([openaiSim?.close(), geminiSim?.close()]);
});

describe("OpenAI simulator through the openai SDK", () => {
  it("embeds strings as floats, one unit vector per input in order, with usage", async () => {
    const response = await openai.embeddings.create({ model: "text-embedding-3-small", input: ["alpha", "beta"], encoding_format: "float", dimensions: 32 });
    expect(response.object).toBe("list");
    expect(response.data.map((item) => item.index)).toEqual([0, 1]);
    for (const item of response.data) {
      expect(item.embedding).toHaveLength(32);
      expect(Math.hypot(...item.embedding)).toBeCloseTo(1, 5);
    }
    expect(response.data[0]?.embedding).not.toEqual(response.data[1]?.embedding);
    expect(response.usage.prompt_tokens).toBeGreaterThan(0);
    expect(response.usage.total_tokens).toBe(response.usage.prompt_tokens);
  });

  it("sends base64 the SDK decodes (its default) into the same numbers as floats, and is deterministic", async () => {
    const floats = await openai.embeddings.create({ model: "text-embedding-3-small", input: "same text", encoding_format: "float" });
    const decoded = await openai.embeddings.create({ model: "text-embedding-3-small", input: "same text" });
    expect(decoded.data[0]?.embedding).toEqual(floats.data[0]?.embedding);
  });

  it("takes token arrays, counting one token per id", async () => {
    const response = await openai.embeddings.create({ model: "text-embedding-3-small", input: [[1, 2, 3], [4, 5]], encoding_format: "float" });
    expect(response.data).toHaveLength(2);
    expect(response.usage.prompt_tokens).toBe(5);
  });

  it("refuses an empty input with OpenAI's 400, as the SDK's BadRequestError", async () => {
    const error = await openai.embeddings.create({ model: "text-embedding-3-small", input: [] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
  });
});

describe("Gemini simulator through @google/genai", () => {
  it("embeds contents (the SDK calls batchEmbedContents) with the output dimensionality asked", async () => {
    const response = await genai.models.embedContent({ model: "gemini-embedding-001", contents: ["alpha", "beta"], config: { outputDimensionality: 16 } });
    expect(response.embeddings).toHaveLength(2);
    for (const embedding of response.embeddings ?? []) {
      expect(embedding.values).toHaveLength(16);
      expect(Math.hypot(...(embedding.values ?? []))).toBeCloseTo(1, 5);
    }
    expect(response.embeddings?.[0]?.values).not.toEqual(response.embeddings?.[1]?.values);
  });

  it("gives the same vector for the same text, whichever call", async () => {
    const first = await genai.models.embedContent({ model: "gemini-embedding-001", contents: "repeatable" });
    const second = await genai.models.embedContent({ model: "gemini-embedding-001", contents: ["other", "repeatable"] });
    expect(second.embeddings?.[1]?.values).toEqual(first.embeddings?.[0]?.values);
  });

  it("refuses a wrong key with the SDK's ApiError", async () => {
    const wrong = new GoogleGenAI({ apiKey: "wrong", httpOptions: { baseUrl: geminiSim.url, apiVersion: "v1beta" } });
    const error = await wrong.models.embedContent({ model: "gemini-embedding-001", contents: "hi" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
  });
});
