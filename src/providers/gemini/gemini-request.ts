import type { CallOptions, CallWarning, JsonObject } from "../../core/index.js";
import { convertJsonSchemaToGeminiSchema } from "./convert-json-schema-to-gemini-schema.js";
import { convertToGeminiContents, type GeminiContent } from "./convert-to-gemini-contents.js";
import { convertReasoningToThinkingConfig, type GeminiThinkingConfig } from "./gemini-thinking-config.js";
import { prepareGeminiTools, type PreparedGeminiTools } from "./prepare-gemini-tools.js";

/** https://ai.google.dev/api/generate-content#v1beta.GenerationConfig */
export interface GeminiGenerationConfig {
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stopSequences?: string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseMimeType?: string;
  responseSchema?: JsonObject;
  thinkingConfig?: GeminiThinkingConfig;
}

/** The body of `:generateContent` and `:streamGenerateContent` (https://ai.google.dev/api/generate-content#request-body). */
export interface GeminiRequestBody {
  contents: GeminiContent[];
  systemInstruction?: { parts: Array<{ text: string }> };
  tools?: PreparedGeminiTools["tools"];
  toolConfig?: PreparedGeminiTools["toolConfig"];
  generationConfig?: GeminiGenerationConfig;
}

/** Copies the defined entries only: an option left `undefined` was not asked for and must not be sent. */
function defined<T extends object>(entries: T): Partial<T> {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * `responseFormat` → `responseMimeType` (+ `responseSchema`)
 * (https://ai.google.dev/gemini-api/docs/structured-output): JSON mode is `application/json`; a JSON schema
 * is converted to the OpenAPI subset, and left out when it is an empty object (plain JSON mode).
 */
function convertResponseFormat(format: CallOptions["responseFormat"]): Pick<GeminiGenerationConfig, "responseMimeType" | "responseSchema"> {
  switch (format?.type) {
    case undefined:
    case "text":
      return {};
    case "json_object":
      return { responseMimeType: "application/json" };
    case "json_schema": {
      const responseSchema = convertJsonSchemaToGeminiSchema(format.schema);
      return responseSchema === undefined ? { responseMimeType: "application/json" } : { responseMimeType: "application/json", responseSchema };
    }
  }
}

/**
 * Call options → a Gemini request body, with warnings for the options Gemini has no place for
 * (`repetitionPenalty`, `user`, `parallelToolCalls: false`). The mapping of each field follows
 * https://ai.google.dev/api/generate-content#v1beta.GenerationConfig; the model goes in the URL, not the body.
 */
export function buildGeminiRequest(options: CallOptions, modelId: string): { body: GeminiRequestBody; warnings: CallWarning[] } {
  const warnings: CallWarning[] = [];
  if (options.repetitionPenalty !== undefined) {
    warnings.push({ type: "unsupported-setting", setting: "repetitionPenalty", message: "Gemini has no repetition penalty" });
  }
  if (options.user !== undefined) {
    warnings.push({ type: "unsupported-setting", setting: "user", message: "Gemini takes no end-user id" });
  }
  const { systemInstruction, contents } = convertToGeminiContents(options.prompt);
  const tools = prepareGeminiTools({ tools: options.tools, toolChoice: options.toolChoice, parallelToolCalls: options.parallelToolCalls });
  warnings.push(...tools.warnings);
  const thinking = convertReasoningToThinkingConfig({ reasoning: options.reasoning, maxOutputTokens: options.maxOutputTokens, modelId });
  warnings.push(...thinking.warnings);

  const generationConfig: GeminiGenerationConfig = defined({
    maxOutputTokens: options.maxOutputTokens,
    temperature: options.temperature,
    topP: options.topP,
    topK: options.topK,
    stopSequences: options.stopSequences,
    seed: options.seed,
    presencePenalty: options.presencePenalty,
    frequencyPenalty: options.frequencyPenalty,
    ...convertResponseFormat(options.responseFormat),
    thinkingConfig: thinking.thinkingConfig,
  });

  const body: GeminiRequestBody = {
    contents,
    ...defined({ systemInstruction, tools: tools.tools, toolConfig: tools.toolConfig }),
    ...(Object.keys(generationConfig).length > 0 ? { generationConfig } : {}),
  };
  return { body, warnings };
}
