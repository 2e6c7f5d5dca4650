import type { CallOptions, CallWarning, ReasoningEffort, ReasoningOptions, ResponseFormat, ToolChoice } from "../../core/index.js";
import { assertNever } from "../../core/index.js";
import { convertToOpenAIMessages } from "./convert-to-openai-messages.js";
import type { OpenAIChatRequest, OpenAIResponseFormat, OpenAIToolChoice } from "./openai-api.js";
import type { OpenAIDialect } from "./openai-dialect.js";
import { BoundedMap } from "../../cache/bounded-map.js";

export interface BuiltOpenAIRequest {
  body: OpenAIChatRequest;
  /** Settings that were dropped or changed, for `stream-start` and the result. */
  warnings: CallWarning[];
}

/** Each dialect's unsupported settings per model id, worked out once (dialects are fixed; model ids are few). */
const unsupportedByDialect = new WeakMap<OpenAIDialect, BoundedMap<string, ReadonlySet<keyof CallOptions>>>();
const MAX_MODELS_PER_DIALECT = 1000;

/** The settings `modelId` refuses on this dialect's servers: the dialect's own list plus its model restrictions. */
function unsupportedSettings(dialect: OpenAIDialect, modelId: string): ReadonlySet<keyof CallOptions> {
  let byModel = unsupportedByDialect.get(dialect);
  if (byModel === undefined) {
    byModel = new BoundedMap(MAX_MODELS_PER_DIALECT);
    unsupportedByDialect.set(dialect, byModel);
  }
  let unsupported = byModel.get(modelId);
  if (unsupported === undefined) {
    const settings = new Set<keyof CallOptions>(dialect.unsupportedSettings);
    for (const restriction of dialect.modelRestrictions ?? []) {
      if (restriction.models.test(modelId)) for (const setting of restriction.unsupportedSettings) settings.add(setting);
    }
    if (dialect.extraSamplingFields?.topK === undefined) settings.add("topK");
    if (dialect.extraSamplingFields?.repetitionPenalty === undefined) settings.add("repetitionPenalty");
    byModel.set(modelId, settings);
    unsupported = settings;
  }
  return unsupported;
}

/**
 * Call options → a Chat Completions request body for one dialect. Settings left `undefined` are not sent;
 * settings the server would refuse are dropped with a warning instead of failing the call.
 * https://platform.openai.com/docs/api-reference/chat/create
 */
export function buildOpenAIChatRequest(input: {
  modelId: string;
  options: CallOptions;
  dialect: OpenAIDialect;
  stream: boolean;
}): BuiltOpenAIRequest {
  const { modelId, options, dialect } = input;
  const warnings: CallWarning[] = [];
  const unsupported = unsupportedSettings(dialect, modelId);
  const extraFields = dialect.extraSamplingFields ?? {};
  /** The option's value when the server takes it; otherwise `undefined` and a warning if it was set. */
  const supported = <K extends keyof CallOptions>(setting: K): CallOptions[K] | undefined => {
    if (options[setting] === undefined) return undefined;
    if (!unsupported.has(setting)) return options[setting];
    warnings.push({ type: "unsupported-setting", setting, message: `${setting} is not supported by ${modelId} and was dropped` });
    return undefined;
  };

  const body: OpenAIChatRequest = {
    model: modelId,
    messages: convertToOpenAIMessages(options.prompt, {
      systemRole: dialect.developerRoleModels?.test(modelId) === true ? "developer" : "system",
      imageDetail: dialect.supportsImageDetail,
      assistantReasoningField: dialect.assistantReasoningField,
      rewriteToolCallId: dialect.rewriteToolCallId,
    }),
  };

  const maxOutputTokens = supported("maxOutputTokens");
  if (maxOutputTokens !== undefined) body[dialect.maxTokensField] = maxOutputTokens;
  setIfDefined(body, "temperature", supported("temperature"));
  setIfDefined(body, "top_p", supported("topP"));
  setIfDefined(body, "frequency_penalty", supported("frequencyPenalty"));
  setIfDefined(body, "presence_penalty", supported("presencePenalty"));
  const stop = supported("stopSequences");
  if (stop !== undefined && stop.length > 0) body.stop = stop;
  setIfDefined(body, dialect.seedField, supported("seed"));
  setIfDefined(body, "user", supported("user"));

  // Sampling settings OpenAI lacks, sent under the server's own field names where it has them.
  const topK = supported("topK");
  if (topK !== undefined && extraFields.topK !== undefined) body[extraFields.topK] = topK;
  const repetitionPenalty = supported("repetitionPenalty");
  if (repetitionPenalty !== undefined && extraFields.repetitionPenalty !== undefined) body[extraFields.repetitionPenalty] = repetitionPenalty;

  const responseFormat = supported("responseFormat");
  if (responseFormat !== undefined) setIfDefined(body, "response_format", convertResponseFormat(responseFormat, dialect, warnings));

  const tools = supported("tools");
  if (tools !== undefined && tools.length > 0) {
    body.tools = tools.map((tool) => ({
      type: "function" as const,
      function: {
        name: tool.name,
        ...(tool.description === undefined ? {} : { description: tool.description }),
        parameters: tool.parameters,
        ...(tool.strict === undefined ? {} : { strict: tool.strict }),
      },
    }));
    const toolChoice = supported("toolChoice");
    if (toolChoice !== undefined) body.tool_choice = convertToolChoice(toolChoice);
    setIfDefined(body, "parallel_tool_calls", supported("parallelToolCalls"));
  } else if (options.toolChoice !== undefined && options.toolChoice.type !== "none" && options.toolChoice.type !== "auto") {
    warnings.push({ type: "other", message: "toolChoice was set without tools and was dropped" });
  }

  addReasoning(body, modelId, options.reasoning, dialect, warnings);

  if (input.stream) {
    body.stream = true;
    if (dialect.supportsStreamOptions) body.stream_options = { include_usage: true };
  }
  return { body, warnings };
}

function setIfDefined(body: OpenAIChatRequest, field: string, value: unknown): void {
  if (value !== undefined) body[field] = value;
}

/** https://platform.openai.com/docs/api-reference/chat/create#chat-create-tool_choice */
export function convertToolChoice(choice: ToolChoice): OpenAIToolChoice {
  switch (choice.type) {
    case "auto":
    case "none":
    case "required":
      return choice.type;
    case "tool":
      return { type: "function", function: { name: choice.toolName } };
    default:
      return assertNever(choice);
  }
}

/** https://platform.openai.com/docs/api-reference/chat/create#chat-create-response_format */
function convertResponseFormat(format: ResponseFormat, dialect: OpenAIDialect, warnings: CallWarning[]): OpenAIResponseFormat | undefined {
  switch (format.type) {
    case "text":
      return undefined;
    case "json_object":
      return { type: "json_object" };
    case "json_schema":
      if (!dialect.supportsJsonSchema) {
        warnings.push({
          type: "unsupported-setting",
          setting: "responseFormat",
          message: "JSON schema output is not supported by this provider; JSON object mode was used instead",
        });
        return { type: "json_object" };
      }
      return {
        type: "json_schema",
        json_schema: {
          name: format.name,
          ...(format.description === undefined ? {} : { description: format.description }),
          schema: format.schema,
          ...(format.strict === undefined ? {} : { strict: format.strict }),
        },
      };
    default:
      return assertNever(format);
  }
}

/**
 * A reasoning token budget → OpenAI's effort levels, for callers who give a budget to a model that only
 * takes an effort. The thresholds follow the budgets OpenRouter documents for each level.
 * https://openrouter.ai/docs/use-cases/reasoning-tokens
 */
export function effortForBudget(maxTokens: number): ReasoningEffort {
  if (maxTokens <= 1024) return "low";
  if (maxTokens <= 8192) return "medium";
  return "high";
}

/**
 * `reasoning` → `reasoning_effort` (OpenAI: https://platform.openai.com/docs/guides/reasoning) or OpenRouter's
 * `reasoning` object (https://openrouter.ai/docs/use-cases/reasoning-tokens).
 */
function addReasoning(
  body: OpenAIChatRequest,
  modelId: string,
  reasoning: ReasoningOptions | undefined,
  dialect: OpenAIDialect,
  warnings: CallWarning[],
): void {
  if (reasoning === undefined) return;
  const accepted = dialect.reasoningParameter !== "none" && (dialect.reasoningModels?.test(modelId) ?? true);
  if (!accepted) {
    warnings.push({ type: "unsupported-setting", setting: "reasoning", message: `reasoning settings are not supported by ${modelId} and were dropped` });
    return;
  }
  if (dialect.reasoningParameter === "reasoning-object") {
    const object: NonNullable<OpenAIChatRequest["reasoning"]> = {};
    if (reasoning.effort !== undefined) object.effort = reasoning.effort;
    if (reasoning.maxTokens !== undefined) object.max_tokens = reasoning.maxTokens;
    if (reasoning.exclude !== undefined) object.exclude = reasoning.exclude;
    if (reasoning.enabled !== undefined) object.enabled = reasoning.enabled;
    body.reasoning = object;
    return;
  }
  if (reasoning.enabled === false) {
    warnings.push({ type: "unsupported-setting", setting: "reasoning", message: `reasoning cannot be turned off for ${modelId}` });
    return;
  }
  if (reasoning.effort !== undefined) {
    body.reasoning_effort = reasoning.effort;
  } else if (reasoning.maxTokens !== undefined) {
    body.reasoning_effort = effortForBudget(reasoning.maxTokens);
  } else if (reasoning.enabled === true) {
    body.reasoning_effort = "medium";
  }
}
