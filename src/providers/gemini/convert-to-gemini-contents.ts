import { invalidRequest, type FilePart, type ImagePart, type JsonObject, type JsonValue, type Prompt, type ToolResultPart } from "../../core/index.js";

/**
 * The gateway's prompt → Gemini's `systemInstruction` and `contents`.
 * https://ai.google.dev/api/generate-content#request-body and https://ai.google.dev/api/caching#Content
 */

/** A request part: exactly one data field per part (https://ai.google.dev/api/caching#Part). */
export type GeminiRequestPart =
  | { text: string }
  | { inlineData: { mimeType: string; data: string } }
  | { fileData: { mimeType: string; fileUri: string } }
  | { functionCall: { name: string; args: JsonObject }; thoughtSignature?: string }
  | { functionResponse: { name: string; response: JsonObject } };

export interface GeminiContent {
  role: "user" | "model";
  parts: GeminiRequestPart[];
}

export interface GeminiPrompt {
  systemInstruction: { parts: Array<{ text: string }> } | undefined;
  contents: GeminiContent[];
}

/**
 * Converts a prompt. Gemini's rules, each handled here:
 * - system messages go to the top-level `systemInstruction` (text only);
 * - roles are `user` and `model`; consecutive turns of the same role are merged into one content, which
 *   also gathers the results of parallel calls into the one turn Gemini wants them in;
 * - tool results are `functionResponse` parts in a `user` turn, addressed by function NAME (Gemini's calls
 *   carry no ids): the result's `toolName`, or else the name of the earlier call with the same id;
 * - a function response must be a JSON object, so the tool's output goes under `output`
 *   (https://ai.google.dev/api/caching#FunctionResponse), parsed when it is JSON;
 * - reasoning from earlier turns is not sent back (Gemini neither needs nor accepts thought text), but a
 *   call's `thoughtSignature` is: Gemini 3 refuses a replayed function call of the current turn without it;
 * - empty text parts are dropped, as Gemini refuses them.
 */
export function convertToGeminiContents(prompt: Prompt): GeminiPrompt {
  const system: Array<{ text: string }> = [];
  const contents: GeminiContent[] = [];
  const callNames = toolNamesById(prompt);
  const push = (role: GeminiContent["role"], parts: GeminiRequestPart[]): void => {
    if (parts.length === 0) return;
    const last = contents[contents.length - 1];
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };

  for (const message of prompt) {
    switch (message.role) {
      case "system":
        if (message.content.length > 0) system.push({ text: message.content });
        break;
      case "user":
        push(
          "user",
          message.content.flatMap((part): GeminiRequestPart[] => {
            if (part.type === "text") return part.text.length > 0 ? [{ text: part.text }] : [];
            if (part.type === "file") return [convertFile(part)];
            return [convertImage(part)];
          }),
        );
        break;
      case "assistant":
        push(
          "model",
          message.content.flatMap((part): GeminiRequestPart[] => {
            switch (part.type) {
              case "text":
                return part.text.length > 0 ? [{ text: part.text }] : [];
              case "tool-call":
                return [{ functionCall: { name: part.toolName, args: parseArguments(part.input) }, ...(part.signature ? { thoughtSignature: part.signature } : {}) }];
              case "reasoning":
                return [];
            }
          }),
        );
        break;
      case "tool":
        push(
          "user",
          message.content.map((part) => ({
            functionResponse: { name: toolNameOf(part, callNames), response: { output: parseOutput(part.output) } },
          })),
        );
        break;
    }
  }
  return { systemInstruction: system.length > 0 ? { parts: system } : undefined, contents };
}

/** The names of the tool calls in the prompt, by call id, for results that do not carry their name. */
function toolNamesById(prompt: Prompt): Map<string, string> {
  const names = new Map<string, string>();
  for (const message of prompt) {
    if (message.role !== "assistant") continue;
    for (const part of message.content) if (part.type === "tool-call") names.set(part.toolCallId, part.toolName);
  }
  return names;
}

function toolNameOf(part: ToolResultPart, callNames: Map<string, string>): string {
  const name = part.toolName ?? callNames.get(part.toolCallId);
  if (name === undefined) {
    throw invalidRequest(
      `Tool result ${part.toolCallId} does not match any earlier tool call; Gemini addresses tool results by function name`,
      "messages",
    );
  }
  return name;
}

/** Call arguments as the object Gemini wants; text that is not a JSON object becomes `{}`. */
function parseArguments(input: string): JsonObject {
  try {
    const parsed = JSON.parse(input) as JsonValue;
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

/** A tool's output as JSON when it is JSON (so the model sees structure), else the text itself. */
function parseOutput(output: string): JsonValue {
  try {
    return JSON.parse(output) as JsonValue;
  } catch {
    return output;
  }
}

const DATA_URL = /^data:([^;,]+)(;[^,]*)?,(.*)$/s;

const IMAGE_TYPES_BY_EXTENSION: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
  heic: "image/heic",
  heif: "image/heif",
};

/**
 * Images: bytes and `data:` URLs go inline (`inlineData`); other URLs go by reference (`fileData.fileUri`),
 * which Gemini fetches itself for Files API URIs and public HTTP(S) URLs
 * (https://ai.google.dev/gemini-api/docs/file-input-methods). `fileData` needs a MIME type, guessed from the
 * file extension, JPEG when there is none.
 */
function convertImage(part: ImagePart): GeminiRequestPart {
  const image = part.image;
  if (image.kind === "base64") return { inlineData: { mimeType: image.mediaType, data: image.data } };
  const dataUrl = DATA_URL.exec(image.url);
  if (dataUrl !== null) {
    if (dataUrl[2]?.includes(";base64") !== true) throw invalidRequest("Image data URLs must be base64-encoded", "messages");
    return { inlineData: { mimeType: dataUrl[1] ?? "image/jpeg", data: dataUrl[3] ?? "" } };
  }
  let extension = "";
  try {
    extension = new URL(image.url).pathname.split(".").pop()?.toLowerCase() ?? "";
  } catch {
    throw invalidRequest(`Image URL is not valid: ${image.url.slice(0, 100)}`, "messages");
  }
  return { fileData: { mimeType: IMAGE_TYPES_BY_EXTENSION[extension] ?? "image/jpeg", fileUri: image.url } };
}

/**
 * Documents (PDF, text) and audio: bytes go inline with their media type, URLs by reference for Gemini to
 * fetch, as images do. https://ai.google.dev/gemini-api/docs/document-processing and
 * https://ai.google.dev/gemini-api/docs/audio
 */
function convertFile(part: FilePart): GeminiRequestPart {
  if (part.file.kind === "base64") return { inlineData: { mimeType: part.mediaType, data: part.file.data } };
  return { fileData: { mimeType: part.mediaType, fileUri: part.file.url } };
}
