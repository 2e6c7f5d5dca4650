import type { JsonObject, JsonValue } from "../../core/index.js";

/**
 * JSON Schema (as OpenAI-style tools and `response_format` carry it) → the OpenAPI-3.0 subset `Schema` that
 * Gemini's `functionDeclarations[].parameters` and `generationConfig.responseSchema` accept
 * (https://ai.google.dev/api/caching#Schema). Gemini refuses any other keyword with a 400
 * (`Unknown name "additionalProperties" … Cannot find field`), and refuses `type: ["string", "null"]`, so:
 * - unsupported keywords (`$schema`, `additionalProperties`, `$id`, `examples`, `not`, …) are dropped;
 * - `type: [T, "null"]` and `anyOf: [X, {type: "null"}]` become `nullable: true`;
 * - `const` becomes a one-value `enum`; enums keep only strings (Gemini enums are string lists);
 * - `$ref` to `#/$defs/…` or `#/definitions/…` is inlined, a recursive reference cut to a plain OBJECT;
 * - `allOf` is merged; `oneOf` is treated as `anyOf`;
 * - `format` is kept only where Gemini knows it (`enum`/`date-time` on strings, `int32`/`int64`/`float`/
 *   `double` on numbers).
 * The mapping follows the one the Vercel AI SDK uses for Google (`convert-json-schema-to-openapi-schema.ts`).
 */
export function convertJsonSchemaToGeminiSchema(schema: JsonObject): JsonObject | undefined {
  const converted = convertNode(schema, { root: schema, resolving: new Set() });
  return isEmptyObjectSchema(converted) ? undefined : converted;
}

interface Context {
  root: JsonObject;
  /** `$ref`s being inlined on the current path, to cut recursive schemas. */
  resolving: Set<string>;
}

const COPIED_KEYWORDS = [
  "title", "description", "nullable", "minimum", "maximum", "minItems", "maxItems", "minLength", "maxLength",
  "pattern", "minProperties", "maxProperties", "default", "example",
] as const;

const STRING_FORMATS = new Set(["enum", "date-time"]);
const NUMBER_FORMATS = new Set(["int32", "int64", "float", "double"]);

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An object schema with no properties: Gemini refuses it as function parameters, so it is left out. */
function isEmptyObjectSchema(schema: JsonObject): boolean {
  const properties = schema.properties;
  return schema.type === "OBJECT" && (!isObject(properties) || Object.keys(properties).length === 0) && schema.anyOf === undefined;
}

/** Follows a local JSON pointer such as `#/$defs/Address`. */
function resolvePointer(root: JsonObject, ref: string): JsonValue | undefined {
  if (!ref.startsWith("#/")) return undefined;
  let node: JsonValue | undefined = root;
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    node = isObject(node) ? node[key] : undefined;
  }
  return node;
}

function convertNode(node: JsonValue, context: Context): JsonObject {
  if (!isObject(node)) return {};
  const ref = node.$ref;
  if (typeof ref === "string") return convertReference(node, ref, context);
  if (Array.isArray(node.allOf)) return convertAllOf(node, node.allOf, context);
  const variants = node.anyOf ?? node.oneOf;
  if (Array.isArray(variants)) return convertAnyOf(node, variants, context);

  const result: JsonObject = {};
  copyKeywords(node, result);
  const typeName = convertType(node, result);
  if (typeName === "OBJECT") convertProperties(node, result, context);
  if (typeName === "ARRAY") {
    const items = Array.isArray(node.items) ? node.items[0] : node.items;
    if (items !== undefined) result.items = convertNode(items, context);
  }
  convertEnum(node, result, typeName);
  convertFormat(node, result, typeName);
  return result;
}

function copyKeywords(node: JsonObject, result: JsonObject): void {
  for (const keyword of COPIED_KEYWORDS) {
    const value = node[keyword];
    if (value !== undefined) result[keyword] = value;
  }
}

/** Sets `type` (upper-case, as Gemini's `Type` enum) and `nullable`; returns the type set, if any. */
function convertType(node: JsonObject, result: JsonObject): string | undefined {
  const declared = Array.isArray(node.type) ? node.type : node.type === undefined ? [] : [node.type];
  const names = declared.filter((name): name is string => typeof name === "string");
  if (names.includes("null") && names.length > 1) result.nullable = true;
  const nonNull = names.filter((name) => name !== "null");
  let typeName: string | undefined;
  if (nonNull.length === 1 && nonNull[0] !== undefined) typeName = nonNull[0].toUpperCase();
  else if (nonNull.length > 1) {
    result.anyOf = nonNull.map((name) => ({ type: name.toUpperCase() }));
    return undefined;
  } else if (names.includes("null")) typeName = "NULL";
  else if (isObject(node.properties)) typeName = "OBJECT";
  else if (node.items !== undefined) typeName = "ARRAY";
  else if (typeof enumValuesOf(node)?.[0] === "string") typeName = "STRING";
  if (typeName !== undefined) result.type = typeName;
  return typeName;
}

function convertProperties(node: JsonObject, result: JsonObject, context: Context): void {
  const properties = isObject(node.properties) ? node.properties : {};
  const converted: JsonObject = {};
  for (const [name, child] of Object.entries(properties)) converted[name] = convertNode(child, context);
  if (Object.keys(converted).length > 0) result.properties = converted;
  const required = Array.isArray(node.required) ? node.required.filter((name): name is string => typeof name === "string" && name in converted) : [];
  if (required.length > 0) result.required = required;
}

/** The allowed values, from `enum` or `const`. */
function enumValuesOf(node: JsonObject): JsonValue[] | undefined {
  if (node.const !== undefined) return [node.const];
  return Array.isArray(node.enum) ? node.enum : undefined;
}

function convertEnum(node: JsonObject, result: JsonObject, typeName: string | undefined): void {
  const values = enumValuesOf(node);
  if (values === undefined || typeName !== "STRING") return;
  const strings = values.filter((value): value is string => typeof value === "string");
  if (strings.length > 0) result.enum = strings;
}

function convertFormat(node: JsonObject, result: JsonObject, typeName: string | undefined): void {
  const format = node.format;
  if (typeof format !== "string") return;
  const known = typeName === "STRING" ? STRING_FORMATS : typeName === "NUMBER" || typeName === "INTEGER" ? NUMBER_FORMATS : undefined;
  if (known?.has(format) === true) result.format = format;
}

function convertReference(node: JsonObject, ref: string, context: Context): JsonObject {
  const target = resolvePointer(context.root, ref);
  if (target === undefined || context.resolving.has(ref)) {
    const cut: JsonObject = { type: "OBJECT" };
    copyKeywords(node, cut);
    return cut;
  }
  context.resolving.add(ref);
  const converted = convertNode(target, context);
  context.resolving.delete(ref);
  // Keywords next to `$ref` (typically `description`) describe this use of the definition.
  const siblings: JsonObject = {};
  copyKeywords(node, siblings);
  return { ...converted, ...siblings };
}

function convertAllOf(node: JsonObject, parts: JsonValue[], context: Context): JsonObject {
  const merged: JsonObject = {};
  const properties: JsonObject = {};
  const required: string[] = [];
  for (const part of parts) {
    const converted = convertNode(part, context);
    if (isObject(converted.properties)) Object.assign(properties, converted.properties);
    if (Array.isArray(converted.required)) required.push(...converted.required.filter((name): name is string => typeof name === "string"));
    for (const [key, value] of Object.entries(converted)) if (key !== "properties" && key !== "required" && merged[key] === undefined) merged[key] = value;
  }
  copyKeywords(node, merged);
  if (Object.keys(properties).length > 0) {
    merged.type = "OBJECT";
    merged.properties = properties;
  }
  if (required.length > 0) merged.required = [...new Set(required)];
  return merged;
}

function convertAnyOf(node: JsonObject, variants: JsonValue[], context: Context): JsonObject {
  const isNull = (variant: JsonValue): boolean => isObject(variant) && variant.type === "null";
  const rest = variants.filter((variant) => !isNull(variant)).map((variant) => convertNode(variant, context));
  const nullable = rest.length < variants.length;
  const result: JsonObject = rest.length === 1 && rest[0] !== undefined ? { ...rest[0] } : { anyOf: rest };
  copyKeywords(node, result);
  if (nullable) result.nullable = true;
  return result;
}
