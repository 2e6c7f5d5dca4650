import { describe, expect, it } from "vitest";
import { estimatePrompt } from "../../../src/completions/estimate-prompt.js";
import type { FilePart, Prompt } from "../../../src/core/prompt.js";

const question: Prompt = [{ role: "user", content: [{ type: "text", text: "What does chapter 2 say?" }] }];
const withPart = (part: FilePart): Prompt => [{ role: "user", content: [{ type: "text", text: "What does chapter 2 say?" }, part] }];
/** Base64 of `bytes` bytes, a multiple of 3 (the estimate reads only the length). */
const base64Of = (bytes: number): string => "A".repeat((bytes / 3) * 4);

describe("estimatePrompt", () => {
  it("counts text generously: a token per 3 characters, plus each message's overhead", () => {
    expect(estimatePrompt({ prompt: question })).toEqual({ tokens: Math.ceil(24 / 3) + 4 + 3, images: 0 });
  });

  it("adds a PDF's tokens from its size, one per 40 bytes", () => {
    const text = estimatePrompt({ prompt: question }).tokens;
    const pdf = estimatePrompt({ prompt: withPart({ type: "file", mediaType: "application/pdf", file: { kind: "base64", data: base64Of(600_000) } }) });
    expect(pdf.tokens - text).toBe(15_000);
  });

  it("adds audio's tokens at one per 500 bytes, and a few pages' worth for a linked file", () => {
    const text = estimatePrompt({ prompt: question }).tokens;
    const audio = estimatePrompt({ prompt: withPart({ type: "file", mediaType: "audio/wav", file: { kind: "base64", data: base64Of(600_000) } }) });
    expect(audio.tokens - text).toBe(1_200);
    const linked = estimatePrompt({ prompt: withPart({ type: "file", mediaType: "application/pdf", file: { kind: "url", url: "https://example.com/a.pdf" } }) });
    expect(linked.tokens - text).toBe(3_000);
  });

  it("counts images apart from tokens", () => {
    const prompt: Prompt = [{ role: "user", content: [{ type: "image", image: { kind: "url", url: "https://example.com/a.png" } }] }];
    expect(estimatePrompt({ prompt }).images).toBe(1);
  });
});
