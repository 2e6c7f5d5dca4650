import type { CallWarning, FunctionTool, JsonObject, ToolChoice } from "../../core/index.js";
import { convertJsonSchemaToGeminiSchema } from "./convert-json-schema-to-gemini-schema.js";

/** https://ai.google.dev/api/caching#FunctionDeclaration */
export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  parameters?: JsonObject;
}

/** https://ai.google.dev/api/caching#FunctionCallingConfig */
export interface GeminiToolConfig {
  functionCallingConfig: { mode: "AUTO" | "ANY" | "NONE"; allowedFunctionNames?: string[] };
}

export interface PreparedGeminiTools {
  tools: Array<{ functionDeclarations: GeminiFunctionDeclaration[] }> | undefined;
  toolConfig: GeminiToolConfig | undefined;
  warnings: CallWarning[];
}

/**
 * Tools → one `tools[].functionDeclarations` list, with each JSON Schema converted to the OpenAPI subset
 * Gemini accepts (and left out when it is an empty object, which Gemini refuses); the tool choice →
 * `toolConfig.functionCallingConfig` (https://ai.google.dev/gemini-api/docs/function-calling#function_calling_modes):
 * auto → AUTO, none → NONE, required → ANY, one named tool → ANY limited to that name.
 * `strict` has no Gemini equivalent and is ignored; `parallelToolCalls: false` cannot be expressed.
 */
export function prepareGeminiTools(input: {
  tools: FunctionTool[] | undefined;
  toolChoice: ToolChoice | undefined;
  parallelToolCalls: boolean | undefined;
}): PreparedGeminiTools {
  const warnings: CallWarning[] = [];
  if (input.tools === undefined || input.tools.length === 0) return { tools: undefined, toolConfig: undefined, warnings };
  if (input.parallelToolCalls === false) {
    warnings.push({ type: "unsupported-setting", setting: "parallelToolCalls", message: "Gemini cannot be told to call one function at a time" });
  }
  const functionDeclarations = input.tools.map((tool): GeminiFunctionDeclaration => {
    const parameters = convertJsonSchemaToGeminiSchema(tool.parameters);
    return {
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      ...(parameters === undefined ? {} : { parameters }),
    };
  });
  return { tools: [{ functionDeclarations }], toolConfig: toToolConfig(input.toolChoice), warnings };
}

function toToolConfig(choice: ToolChoice | undefined): GeminiToolConfig | undefined {
  switch (choice?.type) {
    case undefined:
      return undefined;
    case "auto":
      return { functionCallingConfig: { mode: "AUTO" } };
    case "none":
      return { functionCallingConfig: { mode: "NONE" } };
    case "required":
      return { functionCallingConfig: { mode: "ANY" } };
    case "tool":
      return { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [choice.toolName] } };
  }
}
