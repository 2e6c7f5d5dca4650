import { invalidRequest, type FilePart } from "../../core/index.js";
import type { AnthropicDocumentSource } from "./anthropic-api.js";

/**
 * A file part as Anthropic's `document` block source. Anthropic reads PDFs (as base64 or from a URL it
 * fetches) and plain text; text documents of other kinds (Markdown, CSV, HTML) go as plain text, which is
 * what they are. Audio and other binary files have no Anthropic equivalent and are refused with a 400 rather
 * than dropped, so the model never answers without the file it was given.
 * https://docs.claude.com/en/docs/build-with-claude/pdf-support
 */
export function documentSource(part: FilePart): AnthropicDocumentSource {
  if (part.mediaType === "application/pdf") {
    return part.file.kind === "url" ? { type: "url", url: part.file.url } : { type: "base64", media_type: "application/pdf", data: part.file.data };
  }
  if (part.mediaType.startsWith("text/") && part.file.kind === "base64") {
    return { type: "text", media_type: "text/plain", data: Buffer.from(part.file.data, "base64").toString("utf8") };
  }
  const what = part.mediaType.startsWith("audio/") ? "audio input" : `${part.mediaType} files${part.file.kind === "url" ? " by URL" : ""}`;
  throw invalidRequest(`Anthropic models do not accept ${what}; send PDFs (base64 or URL) or text documents`, "messages", { media_type: part.mediaType });
}
