import type { ChatCompletionInput, ChatMessageInput } from "./chat-completion.input.js";

/**
 * Turns the GraphQL input into the REST body shape, so GraphQL requests go through the very same parser
 * (`parseChatRequest`) and everything below it. Only presence is decided here; validation is the parser's.
 */
function messageBody(message: ChatMessageInput): Record<string, unknown> {
  const body: Record<string, unknown> = { role: message.role };
  const attachments = [
    ...(message.imageUrls ?? []).map((url) => ({ type: "image_url", image_url: { url } })),
    ...(message.files ?? []).map((file) => ({ type: "file", file: { file_data: file.fileData, ...(file.filename ? { filename: file.filename } : {}) } })),
    ...(message.audio ?? []).map((clip) => ({ type: "input_audio", input_audio: { data: clip.data, format: clip.format } })),
  ];
  if (message.role === "user" && attachments.length > 0) {
    body.content = [...(message.content ? [{ type: "text", text: message.content }] : []), ...attachments];
  } else {
    body.content = message.content ?? (message.role === "assistant" ? null : "");
  }
  if (message.toolCalls) {
    body.tool_calls = message.toolCalls.map((call) => ({ id: call.id, type: "function", function: { name: call.name, arguments: call.arguments } }));
  }
  if (message.toolCallId) body.tool_call_id = message.toolCallId;
  if (message.reasoningDetails) body.reasoning_details = message.reasoningDetails;
  return body;
}

export function chatCompletionInputToBody(input: ChatCompletionInput): Record<string, unknown> {
  const body: Record<string, unknown> = { model: input.model, messages: input.messages.map(messageBody) };
  const set = (key: string, value: unknown): void => {
    if (value !== undefined && value !== null) body[key] = value;
  };
  set("models", input.models);
  set("max_tokens", input.maxTokens);
  set("temperature", input.temperature);
  set("top_p", input.topP);
  set("top_k", input.topK);
  set("seed", input.seed);
  set("stop", input.stop);
  set("frequency_penalty", input.frequencyPenalty);
  set("presence_penalty", input.presencePenalty);
  set("user", input.user);
  if (input.tools) {
    body.tools = input.tools.map((tool) => ({
      type: "function",
      function: { name: tool.name, ...(tool.description ? { description: tool.description } : {}), ...(tool.parameters ? { parameters: tool.parameters } : {}) },
    }));
  }
  if (input.toolChoice) {
    body.tool_choice = ["auto", "none", "required"].includes(input.toolChoice) ? input.toolChoice : { type: "function", function: { name: input.toolChoice } };
  }
  if (input.jsonSchema) {
    body.response_format = { type: "json_schema", json_schema: { name: input.jsonSchema.name, schema: input.jsonSchema.schema, ...(input.jsonSchema.strict == null ? {} : { strict: input.jsonSchema.strict }) } };
  } else if (input.responseFormat) {
    body.response_format = { type: input.responseFormat };
  }
  if (input.reasoning) {
    body.reasoning = {
      ...(input.reasoning.effort ? { effort: input.reasoning.effort } : {}),
      ...(input.reasoning.maxTokens == null ? {} : { max_tokens: input.reasoning.maxTokens }),
      ...(input.reasoning.exclude == null ? {} : { exclude: input.reasoning.exclude }),
    };
  }
  return body;
}
