import type { CallOptions, CallWarning, FunctionTool, JsonObject, ToolChoice } from "../../core/index.js";
import type { AnthropicMessageParam, AnthropicRequestBody, AnthropicTool, AnthropicToolChoice } from "./anthropic-api.js";
import { planThinking, wantsThinking } from "./anthropic-thinking.js";
import { convertToAnthropicMessages } from "./convert-to-anthropic-messages.js";

/**
 * The API version the adapter speaks. `2023-06-01` still accepts `temperature`, `top_p` and `top_k`, which
 * `2026-10-21` removed. https://docs.claude.com/en/api/versioning
 */
export const ANTHROPIC_VERSION = "2023-06-01";

/**
 * `max_tokens` is required by the Messages API; when the caller sets no limit the adapter asks for 4,096,
 * which every current Claude model allows (their ceilings are 8,192 to 128,000), so no model rejects it.
 * https://docs.claude.com/en/docs/about-claude/models/overview
 */
export const DEFAULT_MAX_TOKENS = 4096;

/** Anthropic's temperature range is 0–1 (OpenAI's is 0–2). https://docs.claude.com/en/api/messages#body-temperature */
const MAX_TEMPERATURE = 1;
/** "When thinking is enabled, you can set top_p to values between 1 and 0.95." */
const MIN_TOP_P_WITH_THINKING = 0.95;

/**
 * Told to the model when the caller wants a JSON object without a schema: the Messages API has no JSON
 * mode, so this is the documented way to ask for one.
 * https://docs.claude.com/en/docs/test-and-evaluate/strengthen-guardrails/increase-consistency
 */
export const JSON_OBJECT_INSTRUCTION = "Respond only with a single valid JSON object, with no text before or after it.";

export interface AnthropicRequestPlan {
  body: AnthropicRequestBody;
  warnings: CallWarning[];
  /** The caller wants reasoning to happen but not to be returned (`reasoning.exclude`). */
  excludeReasoning: boolean;
}

function unsupported(setting: keyof CallOptions, message: string): CallWarning {
  return { type: "unsupported-setting", setting, message };
}

/** A function tool as an Anthropic client tool; `input_schema` must be an object schema. */
function convertTool(tool: FunctionTool): AnthropicTool {
  const inputSchema: JsonObject = { ...tool.parameters, type: "object" };
  return {
    name: tool.name,
    ...(tool.description === undefined ? {} : { description: tool.description }),
    input_schema: inputSchema,
    ...(tool.strict === undefined ? {} : { strict: tool.strict }),
  };
}

/**
 * The gateway's tool choice as Anthropic's: required → `any`, a named tool → `tool`. `parallelToolCalls:
 * false` becomes `disable_parallel_tool_use`, which needs an explicit auto/any/tool choice.
 * https://docs.claude.com/en/docs/agents-and-tools/tool-use/implement-tool-use#forcing-tool-use
 */
export function convertToolChoice(choice: ToolChoice | undefined, parallelToolCalls: boolean | undefined): AnthropicToolChoice | undefined {
  const disableParallel = parallelToolCalls === false ? { disable_parallel_tool_use: true } : {};
  switch (choice?.type) {
    case undefined:
      return parallelToolCalls === false ? { type: "auto", disable_parallel_tool_use: true } : undefined;
    case "auto":
      return { type: "auto", ...disableParallel };
    case "required":
      return { type: "any", ...disableParallel };
    case "tool":
      return { type: "tool", name: choice.toolName, ...disableParallel };
    case "none":
      return { type: "none" };
  }
}

/**
 * Call options → the Messages API request body, with a warning for every setting that had to be dropped or
 * changed. https://docs.claude.com/en/api/messages#body-parameters
 */
export function buildAnthropicRequest(input: { options: CallOptions; modelId: string; stream: boolean }): AnthropicRequestPlan {
  const { options } = input;
  const prompt = convertToAnthropicMessages(options.prompt);
  const warnings: CallWarning[] = [...prompt.warnings];
  const body: AnthropicRequestBody = {
    model: input.modelId,
    max_tokens: options.maxOutputTokens ?? DEFAULT_MAX_TOKENS,
    messages: prompt.messages,
  };
  let system = prompt.system;

  if (options.frequencyPenalty !== undefined) warnings.push(unsupported("frequencyPenalty", "Anthropic has no frequency penalty."));
  if (options.presencePenalty !== undefined) warnings.push(unsupported("presencePenalty", "Anthropic has no presence penalty."));
  if (options.repetitionPenalty !== undefined) warnings.push(unsupported("repetitionPenalty", "Anthropic has no repetition penalty."));
  if (options.seed !== undefined) warnings.push(unsupported("seed", "Anthropic does not support seeded sampling."));

  const tools = options.tools ?? [];
  if (tools.length > 0) {
    body.tools = tools.map(convertTool);
    const toolChoice = convertToolChoice(options.toolChoice, options.parallelToolCalls);
    if (toolChoice !== undefined) body.tool_choice = toolChoice;
  } else if (options.toolChoice !== undefined && options.toolChoice.type !== "auto" && options.toolChoice.type !== "none") {
    warnings.push(unsupported("toolChoice", "A tool choice without tools was dropped."));
  }

  let thinking = wantsThinking(options.reasoning);
  if (thinking && (body.tool_choice?.type === "any" || body.tool_choice?.type === "tool")) {
    // "Thinking may not be enabled when tool_choice forces tool use": the forced call wins.
    thinking = false;
    warnings.push(unsupported("reasoning", "Anthropic cannot think while a tool call is forced; reasoning was turned off."));
  }
  if (thinking && lastToolTurnLacksThinking(body.messages)) {
    // A tool loop in progress whose assistant turn has no signed thinking block (history from another
    // provider, or a client that dropped it) is rejected with 400 while thinking is on.
    thinking = false;
    warnings.push(unsupported("reasoning", "The last assistant tool call carries no Anthropic thinking block; reasoning was turned off for this turn."));
  }
  if (thinking && options.reasoning !== undefined) {
    const plan = planThinking(options.reasoning, body.max_tokens);
    body.thinking = { type: "enabled", budget_tokens: plan.budgetTokens };
    body.max_tokens = plan.maxTokens;
    if (plan.raised && options.maxOutputTokens !== undefined) {
      warnings.push({
        type: "other",
        setting: "maxOutputTokens",
        message: `max_tokens was raised to ${plan.maxTokens} to fit the thinking budget of ${plan.budgetTokens} tokens.`,
      });
    }
  }

  applySampling({ options, body, thinking, warnings });

  if (options.stopSequences !== undefined && options.stopSequences.length > 0) body.stop_sequences = options.stopSequences;

  const format = options.responseFormat;
  if (format?.type === "json_schema") {
    // Structured outputs: https://docs.claude.com/en/docs/build-with-claude/structured-outputs
    body.output_config = { format: { type: "json_schema", schema: format.schema } };
  } else if (format?.type === "json_object") {
    system = [...(system ?? []), { type: "text", text: JSON_OBJECT_INSTRUCTION }];
    warnings.push({ type: "other", setting: "responseFormat", message: "Anthropic has no JSON mode; JSON output was requested by instruction." });
  }
  if (system !== undefined) body.system = system;

  if (options.user !== undefined) body.metadata = { user_id: options.user };
  if (input.stream) body.stream = true;
  return { body, warnings, excludeReasoning: thinking && options.reasoning?.exclude === true };
}

/**
 * "When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceding the
 * lastmost set of `tool_use` and `tool_result` blocks)": true when the last assistant turn calls tools but
 * does not start with one. https://docs.claude.com/en/docs/build-with-claude/extended-thinking#preserving-thinking-blocks
 */
export function lastToolTurnLacksThinking(messages: AnthropicMessageParam[]): boolean {
  const lastAssistant = [...messages].reverse().find((message) => message.role === "assistant");
  if (lastAssistant === undefined || !lastAssistant.content.some((block) => block.type === "tool_use")) return false;
  const first = lastAssistant.content[0];
  return first?.type !== "thinking" && first?.type !== "redacted_thinking";
}

/**
 * Temperature, top_p and top_k. With thinking on, Anthropic accepts no temperature or top_k change and
 * top_p only from 0.95: https://docs.claude.com/en/docs/build-with-claude/extended-thinking#feature-compatibility
 */
function applySampling(input: { options: CallOptions; body: AnthropicRequestBody; thinking: boolean; warnings: CallWarning[] }): void {
  const { options, body, thinking, warnings } = input;
  if (options.temperature !== undefined) {
    if (thinking) {
      warnings.push(unsupported("temperature", "Anthropic does not allow setting temperature while thinking; it was dropped."));
    } else if (options.temperature > MAX_TEMPERATURE) {
      body.temperature = MAX_TEMPERATURE;
      warnings.push({ type: "other", setting: "temperature", message: `Anthropic's temperature is at most ${MAX_TEMPERATURE}; it was lowered.` });
    } else {
      body.temperature = options.temperature;
    }
  }
  if (options.topK !== undefined) {
    if (thinking) warnings.push(unsupported("topK", "Anthropic does not allow top_k while thinking; it was dropped."));
    else body.top_k = options.topK;
  }
  if (options.topP !== undefined) {
    if (thinking && options.topP < MIN_TOP_P_WITH_THINKING) {
      warnings.push(unsupported("topP", `Anthropic allows top_p only from ${MIN_TOP_P_WITH_THINKING} while thinking; it was dropped.`));
    } else {
      body.top_p = options.topP;
    }
  }
}
