import type { CallOptions } from "../core/call-options.js";
import type { FilePart } from "../core/prompt.js";
import { countPdfPages } from "./pdf-pages.js";

/**
 * A prompt's size before the request runs, two ways: a likely count (what a usage-less answer is billed) and
 * an upper bound no tokenizer can beat (what the hold reserves, so an upstream's own count cannot take the
 * account past its credit).
 *
 * Why one token per UTF-8 byte bounds text: byte-level BPE (OpenAI, Anthropic, Llama 3, Qwen) and
 * SentencePiece with byte fallback (Gemini, Gemma, Mistral) never emit a token for less than one byte of
 * input. Two things can add tokens the text's bytes do not pay for, and both are counted: chat-template and
 * separator tokens (a fixed overhead per message and per part), and SentencePiece's NFKC normalisation,
 * which can expand one character into many (U+FDFA becomes 18 characters), so non-ASCII text is measured
 * after NFKC when that is longer.
 */

/** A prompt's likely tokens and upper bound, and its images (priced per image, apart from tokens). */
export interface PromptEstimate {
  /** Likely tokens (about 3 characters a token): bills an answer whose provider reported no usage. */
  tokens: number;
  /** At most this many prompt tokens, whatever the tokenizer: sizes the hold (capped by the endpoint's context). */
  tokenBound: number;
  images: number;
}

/** Template tokens around one message (role markers, start and end of turn): 4 to 6 in every known template. */
const MESSAGE_OVERHEAD_BOUND = 16;
/** Separator tokens around one content part of a message. */
const PART_OVERHEAD_BOUND = 4;
/** Tokens every request adds (beginning of sequence, the reply's priming). */
const REQUEST_OVERHEAD_BOUND = 16;
/** The system prompt a provider adds when tools are offered: Anthropic's is 313 to 346 tokens. */
const TOOLS_PREAMBLE_BOUND = 600;
/** Template tokens around one tool definition, besides its JSON. */
const TOOL_OVERHEAD_BOUND = 16;
/**
 * One image, any size: Anthropic resizes to about 1,600 tokens at most, GPT-4o's high detail is 1,445 at
 * most, GPT-4.1-mini's patches 2,488, Gemini 3's high resolution 1,120. A provider that multiplies image
 * tokens to price them (GPT-4o-mini) can exceed it; the charge is then capped at the hold and the excess
 * recorded as the generation's uncharged cost.
 */
export const IMAGE_TOKEN_BOUND = 4096;
/** One PDF page: up to about 3,000 text tokens plus the page's image, which Anthropic and OpenAI both send. */
const PDF_PAGE_TOKEN_BOUND = 3000 + 1600;
/** A PDF whose pages cannot be counted (compressed object streams) is taken as one page per this many bytes. */
const PDF_BYTES_PER_PAGE_FLOOR = 2000;
/** Audio: about 32 tokens a second (Gemini), and compressed speech needs at least 1 KB a second. */
const AUDIO_BYTES_PER_TOKEN_FLOOR = 16;
/** A linked file's size is unknown until the provider fetches it: this many pages are assumed. */
const LINKED_FILE_PAGES = 20;

function decodedBytes(base64: string): number {
  return Math.floor((base64.length * 3) / 4);
}

/**
 * A file's likely prompt tokens: PDF pages cost roughly 1,500 to 3,000 tokens each at around 100 KB a page, so
 * one token per 40 bytes; audio is about 32 tokens a second (Gemini) at 16 KB a second or more, so one per 500
 * bytes. A linked file's size is unknown until the provider fetches it: a few pages' worth is assumed.
 */
function fileTokens(part: FilePart): number {
  if (part.file.kind === "url") return 3000;
  const bytes = decodedBytes(part.file.data);
  return Math.ceil(bytes / (part.mediaType.startsWith("audio/") ? 500 : 40));
}

/** A file's most prompt tokens: PDFs by their pages, audio by its duration at the lowest bitrate, text by its bytes. */
function fileTokenBound(part: FilePart): number {
  if (part.file.kind === "url") return LINKED_FILE_PAGES * PDF_PAGE_TOKEN_BOUND;
  const bytes = decodedBytes(part.file.data);
  if (part.mediaType.startsWith("audio/")) return Math.ceil(bytes / AUDIO_BYTES_PER_TOKEN_FLOOR);
  if (part.mediaType === "application/pdf") {
    const pages = countPdfPages(part.file.data);
    return (pages > 0 ? pages : Math.ceil(bytes / PDF_BYTES_PER_PAGE_FLOOR)) * PDF_PAGE_TOKEN_BOUND;
  }
  return bytes;
}

/** The most tokens `text` can be: its UTF-8 bytes, or those of its NFKC form when that is longer. */
export function textTokenBound(text: string): number {
  const bytes = Buffer.byteLength(text, "utf8");
  // As many bytes as UTF-16 units means pure ASCII (anything else takes more bytes than units), which NFKC
  // leaves as it is: most prompts skip the normalisation.
  if (bytes === text.length) return bytes;
  return Math.max(bytes, Buffer.byteLength(text.normalize("NFKC"), "utf8"));
}

/** Tallies text for both counts at once. */
class PromptTally {
  characters = 0;
  bound = REQUEST_OVERHEAD_BOUND;
  addText(text: string): void {
    this.characters += text.length;
    this.bound += textTokenBound(text) + PART_OVERHEAD_BOUND;
  }
}

/**
 * Measures a prompt before the request runs: {@link PromptEstimate.tokens} is deliberately generous (about 3
 * characters per token over-counts typical English, about 4) and {@link PromptEstimate.tokenBound} is an upper
 * bound (see the file's comment). The settlement uses the provider's own count, capped at the hold.
 */
export function estimatePrompt(options: Pick<CallOptions, "prompt" | "tools">): PromptEstimate {
  const tally = new PromptTally();
  let images = 0;
  let fileTokenCount = 0;
  let messages = 0;
  for (const message of options.prompt) {
    messages += 1;
    tally.bound += MESSAGE_OVERHEAD_BOUND;
    if (typeof message.content === "string") {
      tally.addText(message.content);
      continue;
    }
    for (const part of message.content) {
      switch (part.type) {
        case "text":
        case "reasoning":
          tally.addText(part.text);
          break;
        case "image":
          images += 1;
          tally.bound += IMAGE_TOKEN_BOUND + PART_OVERHEAD_BOUND;
          break;
        case "file":
          fileTokenCount += fileTokens(part);
          tally.bound += fileTokenBound(part) + PART_OVERHEAD_BOUND;
          break;
        case "tool-call":
          tally.addText(part.toolName + part.input);
          break;
        case "tool-result":
          tally.addText(part.output);
          break;
      }
    }
  }
  const tools = options.tools ?? [];
  if (tools.length > 0) tally.bound += TOOLS_PREAMBLE_BOUND;
  for (const tool of tools) {
    const json = JSON.stringify(tool);
    tally.characters += json.length;
    tally.bound += textTokenBound(json) + TOOL_OVERHEAD_BOUND;
  }
  return { tokens: Math.ceil(tally.characters / 3) + fileTokenCount + 4 * messages + 3, tokenBound: tally.bound, images };
}
