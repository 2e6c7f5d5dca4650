import type { CallOptions } from "../core/call-options.js";

/**
 * A deliberately generous prompt-size estimate made before the request runs, used only to reserve funds
 * (the settlement uses the provider's own count). About 3 characters per token over-counts typical English
 * (about 4), so reservations rarely fall short.
 */
export function estimatePrompt(options: Pick<CallOptions, "prompt" | "tools">): { tokens: number; images: number } {
  let characters = 0;
  let images = 0;
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
  return { tokens: Math.ceil(characters / 3) + 4 * messages + 3, images };
}
