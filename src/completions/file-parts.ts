import { z } from "zod";
import { invalidRequest } from "../core/errors.js";
import type { FilePart } from "../core/prompt.js";
import { parseBase64DataUrl } from "./data-url.js";

/**
 * The two ways a chat request attaches a file to a user message, read into the core's {@link FilePart}:
 * - `{"type":"file","file":{"filename","file_data"}}` (OpenAI and OpenRouter): `file_data` is a `data:` URL
 *   (`data:application/pdf;base64,...`), plain base64, or an http(s) URL that the provider fetches;
 * - `{"type":"input_audio","input_audio":{"data","format"}}`: base64 audio in a named format.
 * https://openrouter.ai/docs/features/multimodal/pdfs and https://openrouter.ai/docs/features/multimodal/audio
 */

const filePartSchema = z.object({
  type: z.literal("file"),
  file: z.object({
    filename: z.string().optional(),
    file_data: z.string().min(1).optional(),
    file_id: z.string().optional(),
  }),
});

const audioPartSchema = z.object({
  type: z.literal("input_audio"),
  input_audio: z.object({ data: z.string().min(1), format: z.string().min(1) }),
});

/** Audio formats and the media types providers know them by (Gemini's names; OpenAI takes the format). */
const AUDIO_MEDIA_TYPES: Readonly<Record<string, string>> = {
  wav: "audio/wav",
  mp3: "audio/mp3",
  aiff: "audio/aiff",
  aac: "audio/aac",
  ogg: "audio/ogg",
  flac: "audio/flac",
};

/** Document media types by file extension, for `file_data` given without a `data:` URL. */
const DOCUMENT_MEDIA_TYPES: Readonly<Record<string, string>> = {
  pdf: "application/pdf",
  txt: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  html: "text/html",
};

const BASE64 = /^[A-Za-z0-9+/=\s]+$/;

function mediaTypeOfName(filename: string | undefined): string {
  const extension = filename?.split(".").pop()?.toLowerCase() ?? "";
  return DOCUMENT_MEDIA_TYPES[extension] ?? "application/pdf";
}

/** Reads a `file` part; `path` names it in errors (`messages[1].content[0]`). */
export function parseFilePart(part: unknown, path: string): FilePart {
  const parsed = filePartSchema.safeParse(part);
  if (!parsed.success) throw invalidRequest("A file part needs `file.file_data`: a data: URL, base64 or an http(s) URL", `${path}.file`);
  const { filename, file_data: data, file_id: fileId } = parsed.data.file;
  const named = filename === undefined ? {} : { filename };
  if (data === undefined) {
    throw invalidRequest(
      fileId === undefined ? "A file part needs `file.file_data`" : "`file_id` names a file stored with one provider; send the file's content as `file_data` instead",
      `${path}.file.${fileId === undefined ? "file_data" : "file_id"}`,
    );
  }
  const dataUrl = parseBase64DataUrl(data);
  if (dataUrl !== undefined) return { type: "file", mediaType: dataUrl.mediaType, file: { kind: "base64", data: dataUrl.data }, ...named };
  if (/^https?:\/\//i.test(data)) {
    let pathname: string;
    try {
      pathname = new URL(data).pathname;
    } catch {
      throw invalidRequest("`file_data` is not a valid URL", `${path}.file.file_data`);
    }
    return { type: "file", mediaType: mediaTypeOfName(filename ?? pathname), file: { kind: "url", url: data }, ...named };
  }
  if (data.startsWith("data:")) throw invalidRequest("A `file_data` data: URL must be base64-encoded", `${path}.file.file_data`);
  if (!BASE64.test(data)) throw invalidRequest("`file_data` must be a data: URL, base64 or an http(s) URL", `${path}.file.file_data`);
  return { type: "file", mediaType: mediaTypeOfName(filename), file: { kind: "base64", data: data.replace(/\s+/g, "") }, ...named };
}

/** Reads an `input_audio` part; `path` names it in errors. */
export function parseAudioPart(part: unknown, path: string): FilePart {
  const parsed = audioPartSchema.safeParse(part);
  if (!parsed.success) throw invalidRequest("An input_audio part needs `input_audio.data` (base64) and `input_audio.format`", `${path}.input_audio`);
  const { data, format } = parsed.data.input_audio;
  const mediaType = AUDIO_MEDIA_TYPES[format.toLowerCase()];
  if (mediaType === undefined) throw invalidRequest(`Unsupported audio format "${format}"; use one of ${Object.keys(AUDIO_MEDIA_TYPES).join(", ")}`, `${path}.input_audio.format`);
  if (!BASE64.test(data)) throw invalidRequest("`input_audio.data` must be base64", `${path}.input_audio.data`);
  return { type: "file", mediaType, file: { kind: "base64", data: data.replace(/\s+/g, "") } };
}
