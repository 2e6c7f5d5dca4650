import { describe, expect, it } from "vitest";
import { IMAGE_TOKEN_BOUND, estimatePrompt, textTokenBound } from "../../../src/completions/estimate-prompt.js";
import type { FilePart, Prompt } from "../../../src/core/prompt.js";

const question: Prompt = [{ role: "user", content: [{ type: "text", text: "What does chapter 2 say?" }] }];
const withPart = (part: FilePart): Prompt => [{ role: "user", content: [{ type: "text", text: "What does chapter 2 say?" }, part] }];
/** Base64 of `bytes` bytes, a multiple of 3 (the estimate reads only the length). */
const base64Of = (bytes: number): string => "A".repeat((bytes / 3) * 4);

describe("estimatePrompt", () => {
  it("counts text generously: a token per 3 characters, plus each message's overhead", () => {
    expect(estimatePrompt({ prompt: question })).toMatchObject({ tokens: Math.ceil(24 / 3) + 4 + 3, images: 0 });
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

const textPrompt = (text: string): Prompt => [{ role: "user", content: [{ type: "text", text }] }];
const bound = (prompt: Prompt, tools?: Parameters<typeof estimatePrompt>[0]["tools"]): number =>
  estimatePrompt(tools === undefined ? { prompt } : { prompt, tools }).tokenBound;

describe("the prompt's upper bound (what the hold reserves)", () => {
  it("is one token per UTF-8 byte of text plus the request's, the message's and the part's template overhead", () => {
    expect(bound(question)).toBe(16 + 16 + 4 + 24);
    // Three bytes a character: a tokenizer that gives each CJK character a token still fits.
    expect(bound(textPrompt("漢字漢字")) - bound(textPrompt(""))).toBe(12);
  });

  it("measures non-ASCII text after NFKC when that expands it (SentencePiece normalises first)", () => {
    // U+FDFA is one character, 3 bytes, and 18 characters (33 bytes) after NFKC.
    expect(textTokenBound("\uFDFA")).toBe(Buffer.byteLength("\uFDFA".normalize("NFKC"), "utf8"));
    expect(textTokenBound("\uFDFA")).toBeGreaterThan(30);
    expect(textTokenBound("plain ascii")).toBe(11);
  });

  it("adds a fixed bound per image, and tool definitions at their JSON bytes plus the providers' tool preamble", () => {
    const image: Prompt = [{ role: "user", content: [{ type: "text", text: "see" }, { type: "image", image: { kind: "url", url: "https://example.com/a.png" } }] }];
    expect(bound(image) - bound(textPrompt("see"))).toBe(IMAGE_TOKEN_BOUND + 4);
    const tool = { type: "function" as const, name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } };
    expect(bound(question, [tool]) - bound(question)).toBe(600 + 16 + Buffer.byteLength(JSON.stringify(tool)));
  });

  it("bounds a PDF by its pages, and by its size when the pages cannot be counted", () => {
    const pdf = (body: string): FilePart => ({ type: "file", mediaType: "application/pdf", file: { kind: "base64", data: Buffer.from(body, "latin1").toString("base64") } });
    const base = bound(question);
    const threePages = "%PDF-1.7 1 0 obj <</Type /Pages /Count 3>> 2 0 obj <</Type /Page>> 3 0 obj <</Type/Page>> 4 0 obj <</Type /Page /Parent 1 0 R>>";
    expect(bound(withPart(pdf(threePages))) - base).toBe(3 * 4600 + 4);
    expect(bound(withPart(pdf("%PDF-1.7 compressed object streams only"))) - base).toBe(4600 + 4);
  });

  it("is never below the likely estimate", () => {
    for (const prompt of [question, textPrompt("a ".repeat(500)), textPrompt("漢".repeat(100)), withPart({ type: "file", mediaType: "audio/wav", file: { kind: "base64", data: base64Of(600_000) } })]) {
      const estimate = estimatePrompt({ prompt });
      expect(estimate.tokenBound).toBeGreaterThanOrEqual(estimate.tokens);
    }
  });
});
