import { z } from "zod";
import type { NeutralMessage, NeutralRequest } from "../shared/scenario.js";

/**
 * The parts of an Anthropic Messages request the simulator reads, parsed leniently: unknown fields pass, and
 * only what decides the answer or what the real API validates is typed.
 * https://docs.claude.com/en/api/messages
 */

const textBlock = z.object({ type: z.literal("text"), text: z.string() }).loose();

const imageBlock = z
  .object({
    type: z.literal("image"),
    source: z.discriminatedUnion("type", [
      z.object({ type: z.literal("base64"), media_type: z.string(), data: z.string() }).loose(),
      z.object({ type: z.literal("url"), url: z.string() }).loose(),
      z.object({ type: z.literal("file"), file_id: z.string() }).loose(),
    ]),
  })
  .loose();

const toolUseBlock = z.object({ type: z.literal("tool_use"), id: z.string(), name: z.string(), input: z.unknown() }).loose();

const toolResultBlock = z
  .object({
    type: z.literal("tool_result"),
    tool_use_id: z.string(),
    content: z.union([z.string(), z.array(z.object({ type: z.string(), text: z.string().optional() }).loose())]).optional(),
    is_error: z.boolean().optional(),
  })
  .loose();

const thinkingBlock = z.object({ type: z.literal("thinking"), thinking: z.string(), signature: z.string() }).loose();
const redactedThinkingBlock = z.object({ type: z.literal("redacted_thinking"), data: z.string() }).loose();
/** https://docs.claude.com/en/docs/build-with-claude/pdf-support: PDFs as base64 or URL, or plain text. */
const documentBlock = z
  .object({
    type: z.literal("document"),
    source: z.discriminatedUnion("type", [
      z.object({ type: z.literal("base64"), media_type: z.literal("application/pdf"), data: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/) }).loose(),
      z.object({ type: z.literal("url"), url: z.string() }).loose(),
      z.object({ type: z.literal("text"), media_type: z.literal("text/plain"), data: z.string() }).loose(),
      z.object({ type: z.literal("file"), file_id: z.string() }).loose(),
    ]),
    title: z.string().optional(),
  })
  .loose();

/** Block types validated above; a malformed one of these must not pass as an "other" block. */
const TYPED_BLOCKS = new Set(["text", "image", "document", "tool_use", "tool_result", "thinking", "redacted_thinking"]);
/** Blocks the simulator does not interpret (search results, server tools) are accepted as they are. */
const otherBlock = z.object({ type: z.string().refine((type) => !TYPED_BLOCKS.has(type)) }).loose();

const contentBlock = z.union([textBlock, imageBlock, documentBlock, toolUseBlock, toolResultBlock, thinkingBlock, redactedThinkingBlock, otherBlock]);
export type WireContentBlock = z.infer<typeof contentBlock>;

const messageParam = z.object({
  role: z.enum(["user", "assistant"]),
  content: z.union([z.string(), z.array(contentBlock)]),
});
export type WireMessage = z.infer<typeof messageParam>;

const tool = z
  .object({
    name: z.string(),
    description: z.string().optional(),
    input_schema: z.object({ type: z.literal("object") }).loose(),
  })
  .loose();

const toolChoice = z.discriminatedUnion("type", [
  z.object({ type: z.literal("auto"), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal("any"), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal("tool"), name: z.string(), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal("none") }),
]);

const thinking = z.discriminatedUnion("type", [
  z.object({ type: z.literal("enabled"), budget_tokens: z.number().int(), display: z.string().optional() }),
  z.object({ type: z.literal("disabled") }),
  z.object({ type: z.literal("adaptive"), display: z.string().optional() }),
]);

const jsonSchemaFormat = z.object({ type: z.literal("json_schema"), schema: z.record(z.string(), z.unknown()) });

export const wireRequestSchema = z
  .object({
    model: z.string(),
    max_tokens: z.number().int().nonnegative(),
    messages: z.array(messageParam),
    system: z.union([z.string(), z.array(textBlock)]).optional(),
    stream: z.boolean().optional(),
    temperature: z.number().min(0).max(1).optional(),
    top_p: z.number().min(0).max(1).optional(),
    top_k: z.number().int().nonnegative().optional(),
    stop_sequences: z.array(z.string()).optional(),
    tools: z.array(tool).optional(),
    tool_choice: toolChoice.optional(),
    thinking: thinking.optional(),
    output_config: z.object({ effort: z.string().optional(), format: jsonSchemaFormat.optional() }).loose().optional(),
    /** The structured-outputs beta's older spelling, still accepted. */
    output_format: jsonSchemaFormat.optional(),
    metadata: z.object({ user_id: z.string().optional() }).loose().optional(),
  })
  .loose();

export type WireRequest = z.infer<typeof wireRequestSchema>;

/** Whether the request turns extended thinking on. */
export function thinkingEnabled(request: WireRequest): boolean {
  return request.thinking !== undefined && request.thinking.type !== "disabled";
}

function blocksOf(content: WireMessage["content"]): WireContentBlock[] {
  return typeof content === "string" ? [{ type: "text", text: content }] : content;
}

function textOf(block: WireContentBlock): string | undefined {
  return block.type === "text" && "text" in block && typeof block.text === "string" ? block.text : undefined;
}

function toolResultText(block: z.infer<typeof toolResultBlock>): string {
  if (block.content === undefined) return "";
  if (typeof block.content === "string") return block.content;
  return block.content.map((part) => part.text ?? "").join("");
}

/**
 * The provider-neutral view of a request: system text, user/assistant text, and each `tool_result` block as
 * its own `tool` message (ahead of any user text in the same turn, as Anthropic requires them to come first).
 */
export function toNeutralRequest(request: WireRequest): NeutralRequest {
  const messages: NeutralMessage[] = [];
  if (request.system !== undefined) {
    const text = typeof request.system === "string" ? request.system : request.system.map((block) => block.text).join("\n");
    messages.push({ role: "system", text });
  }
  for (const message of request.messages) {
    const blocks = blocksOf(message.content);
    const texts: string[] = [];
    for (const block of blocks) {
      const parsedResult = toolResultBlock.safeParse(block);
      if (parsedResult.success) {
        messages.push({ role: "tool", text: "", toolOutput: toolResultText(parsedResult.data) });
        continue;
      }
      const text = textOf(block);
      if (text !== undefined) texts.push(text);
    }
    if (texts.length > 0 || !blocks.some((block) => block.type === "tool_result")) {
      messages.push({ role: message.role, text: texts.join("\n"), images: blocks.filter((block) => block.type === "image").length });
    }
  }
  const choice = request.tool_choice;
  const format = request.output_config?.format ?? request.output_format;
  return {
    model: request.model,
    messages,
    tools: (request.tools ?? []).map((entry) => ({ name: entry.name, parameters: entry.input_schema })),
    toolChoice:
      choice === undefined || choice.type === "auto"
        ? "auto"
        : choice.type === "any"
          ? "required"
          : choice.type === "none"
            ? "none"
            : { name: choice.name },
    responseFormat: format === undefined ? { type: "text" } : { type: "json_schema", schema: format.schema },
    maxTokens: request.max_tokens,
    wantsReasoning: thinkingEnabled(request),
    ...(request.stop_sequences === undefined ? {} : { stopSequences: request.stop_sequences }),
  };
}
