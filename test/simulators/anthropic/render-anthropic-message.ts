import { wireUsage, type AnthropicAnswer } from "./anthropic-answer.js";

/**
 * A non-streamed answer as the Messages API's `Message` object.
 * https://docs.claude.com/en/api/messages (response body)
 */
export function renderAnthropicMessage(answer: AnthropicAnswer): Record<string, unknown> {
  const content = answer.blocks.map((block) => {
    switch (block.type) {
      case "thinking":
        return { type: "thinking", thinking: block.chunks.join(""), signature: block.signature };
      case "text":
        return { type: "text", text: block.chunks.join(""), citations: null };
      case "tool_use":
        return { type: "tool_use", id: block.id, name: block.name, input: block.input, caller: { type: "direct" } };
    }
  });
  return {
    id: answer.id,
    type: "message",
    role: "assistant",
    model: answer.model,
    content,
    stop_reason: answer.stopReason,
    stop_sequence: answer.stopSequence,
    stop_details: null,
    container: null,
    usage: wireUsage(answer.usage),
  };
}
