/**
 * The gateway's own prompt representation. Every inbound face (REST, GraphQL) converts into it and every
 * provider adapter converts out of it, so no provider ever sees another provider's message shape.
 */

/**
 * A prompt-cache breakpoint set by the caller (OpenRouter's `cache_control`): providers with explicit prompt
 * caching (Anthropic) may cache the prompt up to and including the part that carries it. Others ignore it.
 */
export interface CacheControl {
  type: "ephemeral";
  ttl?: "5m" | "1h";
}

/** Plain text. */
export interface TextPart {
  type: "text";
  text: string;
  cacheControl?: CacheControl;
}

/** An image given by URL (http(s) or a `data:` URL) or as base64 bytes with a media type. */
export interface ImagePart {
  type: "image";
  image: { kind: "url"; url: string } | { kind: "base64"; mediaType: string; data: string };
  /** OpenAI's `detail` hint; other providers ignore it. */
  detail?: "auto" | "low" | "high";
}

/**
 * A file attached to a user message: a PDF or another document (OpenAI's and OpenRouter's `file` part), or
 * audio (`input_audio`). Given as base64 bytes or by URL, with the media type the parser determined
 * (`application/pdf`, `audio/wav`, `audio/mp3`, ...). Providers that cannot take a kind of file refuse it with a
 * 400 naming the part, instead of dropping it silently.
 */
export interface FilePart {
  type: "file";
  mediaType: string;
  file: { kind: "url"; url: string } | { kind: "base64"; data: string };
  filename?: string;
}

/** A tool call the assistant made. `input` is the JSON text of the arguments, exactly as produced. */
export interface ToolCallPart {
  type: "tool-call";
  toolCallId: string;
  toolName: string;
  input: string;
  /**
   * An opaque token the provider attached to this call (Gemini's `thoughtSignature`), which it wants back
   * with the call on the next turn. Clients carry it as an encrypted entry of `reasoning_details`.
   */
  signature?: string;
}

/**
 * The result of a tool call. `toolName` is filled by the inbound parser from the matching earlier tool call
 * when it can be found, because some providers (Gemini) address results by function name, not by id.
 */
export interface ToolResultPart {
  type: "tool-result";
  toolCallId: string;
  toolName?: string;
  output: string;
}

/** Reasoning the assistant produced earlier; `signature` carries Anthropic's thinking signature when known. */
export interface ReasoningPart {
  type: "reasoning";
  text: string;
  signature?: string;
}

/** System (or OpenAI "developer") instructions. */
export interface SystemMessage {
  role: "system";
  content: string;
  /** Set when the caller marked (a part of) the system message as a cache breakpoint. */
  cacheControl?: CacheControl;
}

export interface UserMessage {
  role: "user";
  content: UserPart[];
}

/** What a user message may hold. */
export type UserPart = TextPart | ImagePart | FilePart;

export interface AssistantMessage {
  role: "assistant";
  content: Array<TextPart | ToolCallPart | ReasoningPart>;
}

export interface ToolMessage {
  role: "tool";
  content: ToolResultPart[];
}

export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

/** A whole conversation, oldest message first. */
export type Prompt = Message[];

/**
 * Redacted reasoning: reasoning the provider hides (Anthropic's `redacted_thinking`) and hands over only as
 * opaque data that must go back unmodified. Reasoning parts, contents and deltas carry it as empty text with
 * this prefix on the signature, so each face can show it in its own form (chat completions keep the signature
 * in `reasoning_details`; the Messages face shows a `redacted_thinking` block) and adapters can send it back.
 */
export const REDACTED_REASONING_PREFIX = "redacted_thinking:";

/** The signature that carries redacted reasoning's opaque data. */
export function redactedReasoningSignature(data: string): string {
  return `${REDACTED_REASONING_PREFIX}${data}`;
}

/** The opaque data of redacted reasoning, or undefined when the signature is an ordinary one (or absent). */
export function redactedReasoningData(signature: string | undefined): string | undefined {
  return signature?.startsWith(REDACTED_REASONING_PREFIX) === true ? signature.slice(REDACTED_REASONING_PREFIX.length) : undefined;
}
