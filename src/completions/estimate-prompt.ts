import type { CallOptions } from "../core/call-options.js";
import type { FilePart } from "../core/prompt.js";

/**
 * A file's likely prompt tokens: PDF pages cost roughly 1,500 to 3,000 tokens each at around 100 KB a page, so
 * one token per 40 bytes; audio is about 32 tokens a second (Gemini) at 16 KB a second or more, so one per 500
 * bytes. A linked file's size is unknown until the provider fetches it: a few pages' worth is assumed.
 */
function fileTokens(part: FilePart): number {
  if (part.file.kind === "url") return 3000;
  const bytes = Math.floor((part.file.data.length * 3) / 4);
  return Math.ceil(bytes / (part.mediaType.startsWith("audio/") ? 500 : 40));
}

/** A prompt's estimated tokens, and its images (priced per image, apart from tokens). */
export interface PromptEstimate {
  tokens: number;
  images: number;
}

/**
 * A deliberately generous prompt-size estimate made before the request runs, used only to reserve funds
 * (the settlement uses the provider's own count). About 3 characters per token over-counts typical English
 * (about 4), so reservations rarely fall short.
 */
export function estimatePrompt(options: Pick<CallOptions, "prompt" | "tools">): PromptEstimate {
  let characters = 0;
  let images = 0;
  let fileTokenCount = 0;
  let messages = 0;
  for (const message of options.prompt) {
    messages += 1;
    if (typeof message.content === "string") {
      characters += message.content.length;
      continue;
    }
    for (const part of message.content) {
      switch (part.type) {
        case "text":
        case "reasoning":
          characters += part.text.length;
          break;
        case "image":
          images += 1;
          break;
        case "file":
          fileTokenCount += fileTokens(part);
          break;
        case "tool-call":
          characters += part.toolName.length + part.input.length;
          break;
        case "tool-result":
          characters += part.output.length;
          break;
      }
    }
  }
  for (const tool of options.tools ?? []) characters += JSON.stringify(tool).length;
  return { tokens: Math.ceil(characters / 3) + fileTokenCount + 4 * messages + 3, images };
}
