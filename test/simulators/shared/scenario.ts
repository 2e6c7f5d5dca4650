/**
 * What a simulated upstream answers, decided once from a provider-neutral view of the request. Each
 * simulator (OpenAI, Anthropic, Gemini) parses its own wire format into a `NeutralRequest`, asks
 * `planAnswer` for a `Script`, and renders that script in its own wire format, streamed or not. Because the
 * plan is shared, the same conversation gives the same text, tool calls and token counts from every
 * simulator, and streaming and non-streaming answers always agree.
 *
 * Directives in the last user message steer a test:
 * - `[[error:429]]` the upstream refuses with that HTTP status before sending anything;
 * - `[[fail-after:3]]` a stream sends 3 content chunks, then the provider's mid-stream error;
 * - `[[reasoning]]` reasoning text comes first (reasoning tokens are counted apart);
 * - `[[echo]]` the answer repeats the user's text (directives removed);
 * - `[[words:200]]` the answer is 200 words, one word per chunk;
 * - `[[delay:50]]` wait 50 ms before each chunk (and before a non-streamed answer);
 * - `[[cached:40]]` 40 of the prompt tokens are reported as cache reads;
 * - `[[parallel]]` with tools, the first tool is called twice in one turn;
 * - `[[leak-key:400]]` the upstream refuses with that status and a message quoting the credential it was sent,
 *   as some servers do ("Incorrect API key provided: Bearer sk-…"), to test that the gateway never relays it;
 * - `[[ignore-max-tokens]]` the answer is not cut at `max_tokens` (as local servers that ignore it do), and its
 *   usage reports every token;
 * - `[[dense]]` the prompt is counted at one token per UTF-8 byte (the densest a tokenizer can be) of every
 *   message's text, tool output and tool definition (name and parameters as JSON), plus each message's 4;
 * - `[[image-tokens:1600]]` with `[[dense]]`, each image counts that many prompt tokens (default 1,600).
 *
 * A stop sequence the request gives that occurs in the planned text cuts the text just before it, as real models
 * stop; the script says which one matched (only Anthropic's API reports it).
 */

/** Stands in a script's error message for the credential the request carried; see `withPresentedCredential`. */
export const PRESENTED_CREDENTIAL = "{presented-credential}";

/** The error message with the credential the simulator was sent (as the client sent it) put in. */
export function withPresentedCredential(message: string, credential: string | undefined): string {
  return message.replaceAll(PRESENTED_CREDENTIAL, credential ?? "");
}

export interface NeutralMessage {
  role: "system" | "user" | "assistant" | "tool";
  text: string;
  /** For tool results: the output text. */
  toolOutput?: string;
  /** How many images the message carries. */
  images?: number;
}

export interface NeutralTool {
  name: string;
  parameters: unknown;
}

export interface NeutralRequest {
  model: string;
  messages: NeutralMessage[];
  tools: NeutralTool[];
  toolChoice: "auto" | "none" | "required" | { name: string };
  responseFormat: { type: "text" } | { type: "json_object" } | { type: "json_schema"; schema: unknown };
  maxTokens: number | undefined;
  wantsReasoning: boolean;
  /** The caller's stop sequences, where the simulator's wire format carries them. */
  stopSequences?: string[];
}

export interface ScriptToolCall {
  name: string;
  /** JSON text of the arguments. */
  arguments: string;
}

export interface Script {
  /** Reject before any output with this HTTP status. */
  error?: { status: number; message: string };
  reasoningChunks: string[];
  textChunks: string[];
  toolCalls: ScriptToolCall[];
  finish: "stop" | "length" | "tool_calls";
  /** The stop sequence that ended the text, when one of the request's occurred in it. */
  stopSequence?: string;
  /** In a stream, fail after this many content chunks. */
  failAfterChunks?: number;
  delayMs: number;
  usage: { promptTokens: number; completionTokens: number; reasoningTokens: number; cachedTokens: number };
}

const DIRECTIVE = /\[\[([a-z-]+)(?::(\d+))?\]\]/g;

function directivesOf(text: string): Map<string, number | undefined> {
  const found = new Map<string, number | undefined>();
  for (const match of text.matchAll(DIRECTIVE)) {
    found.set(match[1] ?? "", match[2] === undefined ? undefined : Number(match[2]));
  }
  return found;
}

/** Deterministic token estimate: one token per 4 characters, at least one, plus 4 per message. */
export function countPromptTokens(messages: NeutralMessage[]): number {
  let tokens = 0;
  for (const message of messages) {
    const text = message.text + (message.toolOutput ?? "");
    tokens += 4 + Math.max(1, Math.ceil(text.length / 4));
  }
  return tokens;
}

/** The densest prompt count: one token per UTF-8 byte of text and tool definitions, `imageTokens` per image. */
function countDensePromptTokens(request: NeutralRequest, imageTokens: number): number {
  let tokens = 0;
  for (const message of request.messages) {
    tokens += 4 + Buffer.byteLength(message.text + (message.toolOutput ?? ""), "utf8") + (message.images ?? 0) * imageTokens;
  }
  for (const tool of request.tools) tokens += Buffer.byteLength(tool.name + JSON.stringify(tool.parameters), "utf8");
  return tokens;
}

/** Splits text into stream chunks of one word each (the space travels with the next word). */
function wordChunks(text: string): string[] {
  const words = text.split(" ");
  return words.map((word, index) => (index === 0 ? word : ` ${word}`));
}

/** A minimal instance of a JSON schema: required properties filled with simple values of their type. */
export function sampleFromSchema(schema: unknown): unknown {
  if (typeof schema !== "object" || schema === null) return "example";
  const node = schema as Record<string, unknown>;
  if (Array.isArray(node.enum) && node.enum.length > 0) return node.enum[0];
  const type = Array.isArray(node.type) ? node.type[0] : node.type;
  switch (type) {
    case "object": {
      const properties = (node.properties ?? {}) as Record<string, unknown>;
      const result: Record<string, unknown> = {};
      for (const [name, child] of Object.entries(properties)) result[name] = sampleFromSchema(child);
      return result;
    }
    case "array":
      return [sampleFromSchema(node.items)];
    case "integer":
    case "number":
      return 1;
    case "boolean":
      return true;
    case "null":
      return null;
    default:
      return "example";
  }
}

/** Decides the whole answer for a request. Pure: the same request always gives the same script. */
export function planAnswer(request: NeutralRequest, providerLabel: string): Script {
  const lastUser = [...request.messages].reverse().find((message) => message.role === "user");
  const lastMessage = request.messages[request.messages.length - 1];
  const userText = lastUser?.text ?? "";
  const directives = directivesOf(userText);
  const cleanUserText = userText.replace(DIRECTIVE, "").trim();
  const promptTokens = directives.has("dense") ? countDensePromptTokens(request, directives.get("image-tokens") ?? 1600) : countPromptTokens(request.messages);
  const delayMs = directives.get("delay") ?? 0;
  const base: Script = {
    reasoningChunks: [],
    textChunks: [],
    toolCalls: [],
    finish: "stop",
    delayMs,
    usage: { promptTokens, completionTokens: 0, reasoningTokens: 0, cachedTokens: Math.min(directives.get("cached") ?? 0, promptTokens) },
  };

  const errorStatus = directives.get("error");
  if (errorStatus !== undefined) {
    return { ...base, error: { status: errorStatus, message: `Simulated upstream error ${errorStatus}` } };
  }
  const leakStatus = directives.get("leak-key");
  if (leakStatus !== undefined) {
    return { ...base, error: { status: leakStatus, message: `Incorrect API key provided: ${PRESENTED_CREDENTIAL}` } };
  }

  if (directives.has("reasoning") || request.wantsReasoning) {
    base.reasoningChunks = wordChunks("Let me think about this step by step.");
  }

  const toolsAllowed = request.tools.length > 0 && request.toolChoice !== "none";
  const answeringToolResult = lastMessage?.role === "tool";
  if (toolsAllowed && !answeringToolResult) {
    const choice = request.toolChoice;
    const tool = typeof choice === "object" ? request.tools.find((candidate) => candidate.name === choice.name) : request.tools[0];
    if (tool !== undefined) {
      const call = { name: tool.name, arguments: JSON.stringify(sampleFromSchema(tool.parameters)) };
      base.toolCalls = directives.has("parallel") ? [call, { ...call }] : [call];
      base.finish = "tool_calls";
    }
  }

  if (base.toolCalls.length === 0) {
    let text: string;
    if (answeringToolResult) {
      text = `The tool said: ${lastMessage?.toolOutput ?? ""}`;
    } else if (request.responseFormat.type === "json_schema") {
      text = JSON.stringify(sampleFromSchema(request.responseFormat.schema));
    } else if (request.responseFormat.type === "json_object") {
      text = JSON.stringify({ message: "hello" });
    } else if (directives.has("echo")) {
      text = cleanUserText;
    } else if (directives.has("words")) {
      const count = directives.get("words") ?? 10;
      text = Array.from({ length: count }, (_, index) => `word${index + 1}`).join(" ");
    } else {
      text = `Hello! This is the simulated ${providerLabel} model ${request.model}.`;
    }
    const stop = firstStopSequence(text, request.stopSequences ?? []);
    if (stop !== undefined) {
      text = text.slice(0, stop.index);
      base.stopSequence = stop.sequence;
    }
    let chunks = request.responseFormat.type === "text" ? wordChunks(text) : [text];
    if (request.maxTokens !== undefined && chunks.length > request.maxTokens && !directives.has("ignore-max-tokens")) {
      chunks = chunks.slice(0, request.maxTokens);
      base.finish = "length";
    }
    base.textChunks = chunks;
  }

  const toolTokens = base.toolCalls.reduce((sum, call) => sum + Math.max(1, Math.ceil(call.arguments.length / 4)), 0);
  base.usage.reasoningTokens = base.reasoningChunks.length;
  base.usage.completionTokens = base.reasoningChunks.length + base.textChunks.length + toolTokens;
  const failAfter = directives.get("fail-after");
  if (failAfter !== undefined) base.failAfterChunks = failAfter;
  return base;
}

/** The stop sequence that occurs first in `text`, and where. */
function firstStopSequence(text: string, sequences: string[]): { sequence: string; index: number } | undefined {
  let found: { sequence: string; index: number } | undefined;
  for (const sequence of sequences) {
    const index = sequence.length === 0 ? -1 : text.indexOf(sequence);
    if (index !== -1 && (found === undefined || index < found.index)) found = { sequence, index };
  }
  return found;
}

/** Waits between chunks when a script asks for latency. */
export function sleep(milliseconds: number): Promise<void> {
  return milliseconds <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, milliseconds));
}
