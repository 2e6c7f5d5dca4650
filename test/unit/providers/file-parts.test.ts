import { describe, expect, it } from "vitest";
import { parseAudioPart, parseFilePart } from "../../../src/completions/file-parts.js";
import { GatewayError } from "../../../src/core/errors.js";
import type { FilePart, Prompt } from "../../../src/core/index.js";
import { convertToAnthropicMessages } from "../../../src/providers/anthropic/convert-to-anthropic-messages.js";
import { convertToGeminiContents } from "../../../src/providers/gemini/convert-to-gemini-contents.js";
import { convertToOpenAIMessages } from "../../../src/providers/openai/convert-to-openai-messages.js";

/**
 * Files and audio on user messages: how the `file` and `input_audio` content parts are read, and how each
 * provider receives them (the table "content `file`" and "content `input_audio`" of wire-formats.md).
 */

const PDF_BASE64 = Buffer.from("%PDF-1.4 simulated").toString("base64");
const TEXT_BASE64 = Buffer.from("col1,col2\n1,2\n").toString("base64");

describe("reading file and input_audio parts", () => {
  it.each([
    [
      "a data: URL",
      { type: "file", file: { filename: "report.pdf", file_data: `data:application/pdf;base64,${PDF_BASE64}` } },
      { type: "file", mediaType: "application/pdf", file: { kind: "base64", data: PDF_BASE64 }, filename: "report.pdf" },
    ],
    ["plain base64, typed by the file name", { type: "file", file: { filename: "table.csv", file_data: TEXT_BASE64 } }, { type: "file", mediaType: "text/csv", file: { kind: "base64", data: TEXT_BASE64 }, filename: "table.csv" }],
    ["plain base64 without a name, taken as a PDF", { type: "file", file: { file_data: PDF_BASE64 } }, { type: "file", mediaType: "application/pdf", file: { kind: "base64", data: PDF_BASE64 } }],
    ["an https URL", { type: "file", file: { file_data: "https://example.com/papers/bitcoin.pdf" } }, { type: "file", mediaType: "application/pdf", file: { kind: "url", url: "https://example.com/papers/bitcoin.pdf" } }],
  ] as const)("reads %s", (_name, part, expected) => {
    expect(parseFilePart(part, "messages[0].content[1]")).toEqual(expected);
  });

  it.each([
    ["wav", "audio/wav"],
    ["MP3", "audio/mp3"],
    ["flac", "audio/flac"],
  ])("reads input_audio in %s as %s", (format, mediaType) => {
    expect(parseAudioPart({ type: "input_audio", input_audio: { data: "UklGRg==", format } }, "messages[0].content[0]")).toEqual({ type: "file", mediaType, file: { kind: "base64", data: "UklGRg==" } });
  });

  it.each([
    ["a file_id", () => parseFilePart({ type: "file", file: { file_id: "file-abc" } }, "messages[2].content[0]"), "messages[2].content[0].file.file_id"],
    ["a file without data", () => parseFilePart({ type: "file", file: {} }, "messages[0].content[0]"), "messages[0].content[0].file.file_data"],
    ["data that is neither base64 nor a URL", () => parseFilePart({ type: "file", file: { file_data: "not base64!" } }, "messages[0].content[0]"), "messages[0].content[0].file.file_data"],
    ["an unknown audio format", () => parseAudioPart({ type: "input_audio", input_audio: { data: "AAAA", format: "m4a" } }, "messages[0].content[3]"), "messages[0].content[3].input_audio.format"],
  ])("refuses %s with a 400 naming the field", (_name, parse, field) => {
    let caught: unknown;
    try {
      parse();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GatewayError);
    expect((caught as GatewayError).status).toBe(400);
    expect((caught as GatewayError).metadata).toMatchObject({ field });
  });
});

const promptWith = (...parts: FilePart[]): Prompt => [{ role: "user", content: [{ type: "text", text: "Summarise these." }, ...parts] }];
const pdf: FilePart = { type: "file", mediaType: "application/pdf", file: { kind: "base64", data: PDF_BASE64 }, filename: "report.pdf" };
const linkedPdf: FilePart = { type: "file", mediaType: "application/pdf", file: { kind: "url", url: "https://example.com/a.pdf" } };
const csv: FilePart = { type: "file", mediaType: "text/csv", file: { kind: "base64", data: TEXT_BASE64 }, filename: "table.csv" };
const audio: FilePart = { type: "file", mediaType: "audio/mp3", file: { kind: "base64", data: "SUQz" } };

describe("sending files to each provider", () => {
  it("OpenAI: file parts with a data: URL (or the link), audio as input_audio with its format", () => {
    const [message] = convertToOpenAIMessages(promptWith(pdf, linkedPdf, audio), { systemRole: "system", imageDetail: true });
    expect(message).toEqual({
      role: "user",
      content: [
        { type: "text", text: "Summarise these." },
        { type: "file", file: { filename: "report.pdf", file_data: `data:application/pdf;base64,${PDF_BASE64}` } },
        { type: "file", file: { file_data: "https://example.com/a.pdf" } },
        { type: "input_audio", input_audio: { data: "SUQz", format: "mp3" } },
      ],
    });
  });

  it("Anthropic: PDFs as document blocks (base64 or URL), text documents as plain text", () => {
    const { messages } = convertToAnthropicMessages(promptWith(pdf, linkedPdf, csv));
    expect(messages[0]?.content).toEqual([
      { type: "text", text: "Summarise these." },
      { type: "document", source: { type: "base64", media_type: "application/pdf", data: PDF_BASE64 }, title: "report.pdf" },
      { type: "document", source: { type: "url", url: "https://example.com/a.pdf" } },
      { type: "document", source: { type: "text", media_type: "text/plain", data: "col1,col2\n1,2\n" }, title: "table.csv" },
    ]);
  });

  it("Anthropic: refuses audio with a 400 instead of dropping it", () => {
    expect(() => convertToAnthropicMessages(promptWith(audio))).toThrow(/do not accept audio input/);
  });

  it("Gemini: bytes as inlineData, links as fileData, audio included", () => {
    const { contents } = convertToGeminiContents(promptWith(pdf, linkedPdf, audio));
    expect(contents[0]?.parts).toEqual([
      { text: "Summarise these." },
      { inlineData: { mimeType: "application/pdf", data: PDF_BASE64 } },
      { fileData: { mimeType: "application/pdf", fileUri: "https://example.com/a.pdf" } },
      { inlineData: { mimeType: "audio/mp3", data: "SUQz" } },
    ]);
  });
});
