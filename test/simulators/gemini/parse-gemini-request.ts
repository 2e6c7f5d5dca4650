import type { NeutralMessage, NeutralRequest, NeutralTool } from "../shared/scenario.js";
import { googleError, type GoogleErrorBody } from "./gemini-errors.js";
import { wireRequestSchema, type WireContent, type WirePart, type WireRequest } from "./gemini-wire-request.js";

/** What the simulator needs beyond the neutral request to render a Gemini answer. */
export interface ParsedGeminiRequest {
  neutral: NeutralRequest;
  /** `thinkingConfig.includeThoughts`: thoughts are returned as `thought: true` parts only when asked. */
  includeThoughts: boolean;
}

export type ParseResult = { ok: true; parsed: ParsedGeminiRequest } | { ok: false; error: GoogleErrorBody };

/**
 * Fields of the OpenAPI-subset `Schema` that `parameters` and `responseSchema` accept
 * (https://ai.google.dev/api/caching#Schema). Anything else is refused with 400, as the real API does.
 */
const SCHEMA_FIELDS = new Set([
  "type", "format", "title", "description", "nullable", "enum", "maxItems", "minItems", "properties", "required",
  "minProperties", "maxProperties", "minLength", "maxLength", "pattern", "example", "anyOf", "propertyOrdering",
  "default", "items", "minimum", "maximum",
]);

const SCHEMA_TYPES = new Set(["TYPE_UNSPECIFIED", "STRING", "NUMBER", "INTEGER", "BOOLEAN", "ARRAY", "OBJECT", "NULL"]);

class WireError extends Error {}

function fail(message: string): never {
  throw new WireError(message);
}

/** Checks an OpenAPI-subset Schema the way the API does, naming the offending path like Google's messages. */
function checkOpenApiSchema(schema: unknown, path: string): void {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
    fail(`Invalid JSON payload received. Invalid value at '${path}': expected a Schema object.`);
  }
  for (const [key, value] of Object.entries(schema)) {
    if (!SCHEMA_FIELDS.has(key)) fail(`Invalid JSON payload received. Unknown name "${key}" at '${path}': Cannot find field.`);
    if (key === "type" && (typeof value !== "string" || !SCHEMA_TYPES.has(value.toUpperCase()))) {
      fail(`Invalid JSON payload received. Invalid value at '${path}.type' (type.googleapis.com/google.ai.generativelanguage.v1beta.Type), ${JSON.stringify(value)}`);
    }
    if (key === "properties" && typeof value === "object" && value !== null) {
      for (const [name, child] of Object.entries(value)) checkOpenApiSchema(child, `${path}.properties[${JSON.stringify(name)}].value`);
    }
    if (key === "items") checkOpenApiSchema(value, `${path}.items`);
    if (key === "anyOf" && Array.isArray(value)) value.forEach((child, index) => checkOpenApiSchema(child, `${path}.any_of[${index}]`));
  }
}

/** Lower-cases OpenAPI `type` names (`OBJECT` → `object`) so the shared planner can sample the schema. */
export function toJsonSchemaTypes(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchemaTypes);
  if (typeof schema !== "object" || schema === null) return schema;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "type" && typeof value === "string") result[key] = value.toLowerCase();
    else if (key === "properties" && typeof value === "object" && value !== null) {
      result[key] = Object.fromEntries(Object.entries(value).map(([name, child]) => [name, toJsonSchemaTypes(child)]));
    } else if (key === "items" || key === "anyOf") result[key] = toJsonSchemaTypes(value);
    else result[key] = value;
  }
  return result;
}

const DATA_FIELDS = ["text", "inlineData", "fileData", "functionCall", "functionResponse"] as const;

function checkPart(part: WirePart, path: string): void {
  const set = DATA_FIELDS.filter((field) => part[field] !== undefined);
  if (set.length === 0) fail(`* GenerateContentRequest.${path}.data: required oneof field 'data' must have one initialized field`);
  if (set.length > 1) fail(`Invalid JSON payload received. Multiple fields of oneof 'data' are set at '${path}': ${set.join(", ")}.`);
}

function countParts(content: WireContent | undefined, field: "functionCall" | "functionResponse"): number {
  return (content?.parts ?? []).filter((part) => part[field] !== undefined).length;
}

/** Checks the conversation shape rules the real API enforces and that an adapter can get wrong. */
function checkContents(contents: WireContent[]): void {
  if (contents.length === 0) fail("* GenerateContentRequest.contents: contents is not specified");
  contents.forEach((content, index) => {
    const role = content.role ?? "user";
    if (role !== "user" && role !== "model") fail(`Please use a valid role: user, model.`);
    const parts = content.parts ?? [];
    if (parts.length === 0) fail(`* GenerateContentRequest.contents[${index}].parts: contents.parts must not be empty.`);
    parts.forEach((part, partIndex) => checkPart(part, `contents[${index}].parts[${partIndex}]`));
    const responses = countParts(content, "functionResponse");
    if (responses > 0) {
      if (role !== "user") fail("Please ensure that function response turn comes immediately after a function call turn.");
      const calls = countParts(contents[index - 1], "functionCall");
      if (calls !== responses) {
        fail(
          "Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.",
        );
      }
    }
  });
}

/** Gemini 3 models always think, and sign the function calls they make. */
export function isGemini3(model: string): boolean {
  return model.startsWith("gemini-3");
}

/**
 * Gemini 3's rule for replayed function calls: in the current turn (everything after the last user content
 * with text, as opposed to function responses), the first function call of each model step must carry the
 * `thoughtSignature` it was sent with. https://ai.google.dev/gemini-api/docs/thought-signatures
 */
function checkThoughtSignatures(contents: WireContent[]): void {
  let turnStart = 0;
  contents.forEach((content, index) => {
    if ((content.role ?? "user") === "user" && (content.parts ?? []).some((part) => part.text !== undefined)) turnStart = index;
  });
  contents.slice(turnStart).forEach((content, offset) => {
    if (content.role !== "model") return;
    const parts = content.parts ?? [];
    const position = parts.findIndex((part) => part.functionCall !== undefined);
    const first = parts[position];
    if (first?.functionCall !== undefined && (first.thoughtSignature === undefined || first.thoughtSignature.length === 0)) {
      fail(
        `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${first.functionCall.name}\` , position ${turnStart + offset + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`,
      );
    }
  });
}

function textOf(parts: WirePart[]): string {
  return parts
    .filter((part) => part.text !== undefined && part.thought !== true)
    .map((part) => part.text ?? "")
    .join("");
}

/** A function response's `output` (or, when absent, the whole response) as the text a tool returned. */
function toolOutputOf(response: Record<string, unknown>): string {
  const value = "output" in response ? response.output : response;
  return typeof value === "string" ? value : JSON.stringify(value);
}

function toNeutralMessages(request: WireRequest, contents: WireContent[]): NeutralMessage[] {
  const messages: NeutralMessage[] = [];
  const system = textOf(request.systemInstruction?.parts ?? []);
  if (system.length > 0) messages.push({ role: "system", text: system });
  for (const content of contents) {
    const parts = content.parts ?? [];
    if (content.role === "model") {
      messages.push({ role: "assistant", text: textOf(parts) });
      continue;
    }
    const responses = parts.flatMap((part) => (part.functionResponse === undefined ? [] : [part.functionResponse]));
    for (const response of responses) messages.push({ role: "tool", text: "", toolOutput: toolOutputOf(response.response) });
    const text = textOf(parts);
    const images = parts.filter((part) => (part.inlineData?.mimeType ?? part.fileData?.mimeType ?? "").startsWith("image/")).length;
    if (text.length > 0 || responses.length === 0) messages.push({ role: "user", text, images });
  }
  return messages;
}

function toNeutralTools(request: WireRequest): NeutralTool[] {
  const tools: NeutralTool[] = [];
  request.tools?.forEach((tool, toolIndex) => {
    tool.functionDeclarations?.forEach((declaration, index) => {
      const path = `tools[${toolIndex}].function_declarations[${index}]`;
      if (declaration.parameters !== undefined && declaration.parametersJsonSchema !== undefined) {
        fail(`${path}: parameters and parameters_json_schema are mutually exclusive.`);
      }
      if (declaration.parameters !== undefined) checkOpenApiSchema(declaration.parameters, `${path}.parameters`);
      const parameters = declaration.parametersJsonSchema ?? toJsonSchemaTypes(declaration.parameters) ?? { type: "object", properties: {} };
      tools.push({ name: declaration.name, parameters });
    });
  });
  return tools;
}

function toNeutralToolChoice(request: WireRequest, tools: NeutralTool[]): { tools: NeutralTool[]; toolChoice: NeutralRequest["toolChoice"] } {
  const config = request.toolConfig?.functionCallingConfig;
  const allowed = config?.allowedFunctionNames;
  const mode = config?.mode ?? "AUTO";
  if (allowed !== undefined && mode !== "ANY" && mode !== "VALIDATED") {
    fail("allowed_function_names may only be set when function calling mode is ANY or VALIDATED.");
  }
  const usable = allowed === undefined ? tools : tools.filter((tool) => allowed.includes(tool.name));
  switch (mode) {
    case "NONE":
      return { tools: usable, toolChoice: "none" };
    case "ANY":
      return { tools: usable, toolChoice: allowed?.length === 1 && allowed[0] !== undefined ? { name: allowed[0] } : "required" };
    case "AUTO":
    case "VALIDATED":
      return { tools: usable, toolChoice: "auto" };
    default:
      return fail(`Invalid value at 'tool_config.function_calling_config.mode' (type.googleapis.com/google.ai.generativelanguage.v1beta.FunctionCallingConfig.Mode), "${mode}"`);
  }
}

function toNeutralResponseFormat(request: WireRequest): NeutralRequest["responseFormat"] {
  const config = request.generationConfig;
  if (config?.responseSchema !== undefined && config.responseJsonSchema !== undefined) {
    fail("generation_config: response_schema and response_json_schema are mutually exclusive.");
  }
  if (config?.responseSchema !== undefined) checkOpenApiSchema(config.responseSchema, "generation_config.response_schema");
  const schema = config?.responseJsonSchema ?? toJsonSchemaTypes(config?.responseSchema);
  if (schema !== undefined && config?.responseMimeType !== "application/json") {
    fail("* GenerateContentRequest.generation_config.response_mime_type: must be application/json when a response schema is set.");
  }
  if (config?.responseMimeType !== "application/json") return { type: "text" };
  return schema === undefined ? { type: "json_object" } : { type: "json_schema", schema };
}

/**
 * Parses a Gemini wire request into the simulator's neutral view, refusing what the real API refuses
 * (with its 400 messages) so an adapter bug shows up as the error it would meet in production.
 */
export function parseGeminiRequest(body: unknown, model: string): ParseResult {
  const result = wireRequestSchema.safeParse(body);
  if (!result.success) return { ok: false, error: googleError(400, `Invalid JSON payload received. ${result.error.message}`) };
  const request = result.data;
  try {
    const contents = request.contents ?? [];
    checkContents(contents);
    if (isGemini3(model)) checkThoughtSignatures(contents);
    const { tools, toolChoice } = toNeutralToolChoice(request, toNeutralTools(request));
    const thinking = request.generationConfig?.thinkingConfig;
    const budget = thinking?.thinkingBudget;
    const thinks = isGemini3(model) || thinking?.includeThoughts === true || (budget !== undefined && budget !== 0) || thinking?.thinkingLevel !== undefined;
    return {
      ok: true,
      parsed: {
        neutral: {
          model,
          messages: toNeutralMessages(request, contents),
          tools,
          toolChoice,
          responseFormat: toNeutralResponseFormat(request),
          maxTokens: request.generationConfig?.maxOutputTokens,
          wantsReasoning: thinks,
          ...(request.generationConfig?.stopSequences === undefined ? {} : { stopSequences: request.generationConfig.stopSequences }),
        },
        includeThoughts: thinking?.includeThoughts === true,
      },
    };
  } catch (error) {
    if (error instanceof WireError) return { ok: false, error: googleError(400, error.message) };
    throw error;
  }
}
