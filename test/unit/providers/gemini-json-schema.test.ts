import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../../src/core/index.js";
import { convertJsonSchemaToGeminiSchema } from "../../../src/providers/gemini/convert-json-schema-to-gemini-schema.js";

describe("convertJsonSchemaToGeminiSchema", () => {
  it.each<[string, JsonObject, JsonObject | undefined]>([
    ["empty object schema is left out", { type: "object", properties: {} }, undefined],
    ["object without properties is left out", { type: "object", additionalProperties: false }, undefined],
    [
      "drops $schema and additionalProperties, upper-cases types",
      {
        $schema: "http://json-schema.org/draft-07/schema#",
        type: "object",
        properties: { city: { type: "string", description: "City name" } },
        required: ["city"],
        additionalProperties: false,
      },
      { type: "OBJECT", properties: { city: { type: "STRING", description: "City name" } }, required: ["city"] },
    ],
    [
      "type [T, null] → nullable",
      { type: "object", properties: { note: { type: ["string", "null"] } } },
      { type: "OBJECT", properties: { note: { type: "STRING", nullable: true } } },
    ],
    [
      "anyOf with null → nullable single schema",
      { type: "object", properties: { age: { anyOf: [{ type: "integer" }, { type: "null" }], description: "Age" } } },
      { type: "OBJECT", properties: { age: { type: "INTEGER", description: "Age", nullable: true } } },
    ],
    [
      "oneOf of two types stays anyOf",
      { type: "object", properties: { id: { oneOf: [{ type: "string" }, { type: "integer" }] } } },
      { type: "OBJECT", properties: { id: { anyOf: [{ type: "STRING" }, { type: "INTEGER" }] } } },
    ],
    [
      "const → one-value enum",
      { type: "object", properties: { kind: { const: "circle" } } },
      { type: "OBJECT", properties: { kind: { type: "STRING", enum: ["circle"] } } },
    ],
    [
      "numeric enums are dropped (Gemini enums are strings)",
      { type: "object", properties: { level: { type: "integer", enum: [1, 2, 3] } } },
      { type: "OBJECT", properties: { level: { type: "INTEGER" } } },
    ],
    [
      "unknown formats are dropped, known ones kept",
      { type: "object", properties: { email: { type: "string", format: "email" }, at: { type: "string", format: "date-time" }, n: { type: "number", format: "double" } } },
      { type: "OBJECT", properties: { email: { type: "STRING" }, at: { type: "STRING", format: "date-time" }, n: { type: "NUMBER", format: "double" } } },
    ],
    [
      "$ref into $defs is inlined, with sibling description",
      {
        type: "object",
        properties: { home: { $ref: "#/$defs/Address", description: "Where they live" } },
        $defs: { Address: { type: "object", properties: { street: { type: "string" } }, required: ["street"] } },
      },
      {
        type: "OBJECT",
        properties: { home: { type: "OBJECT", properties: { street: { type: "STRING" } }, required: ["street"], description: "Where they live" } },
      },
    ],
    [
      "recursive $ref is cut to a plain OBJECT",
      {
        type: "object",
        properties: { root: { $ref: "#/definitions/Node" } },
        definitions: { Node: { type: "object", properties: { child: { $ref: "#/definitions/Node" } } } },
      },
      { type: "OBJECT", properties: { root: { type: "OBJECT", properties: { child: { type: "OBJECT" } } } } },
    ],
    [
      "allOf is merged",
      {
        type: "object",
        properties: { both: { allOf: [{ type: "object", properties: { a: { type: "string" } }, required: ["a"] }, { properties: { b: { type: "number" } } }] } },
      },
      { type: "OBJECT", properties: { both: { type: "OBJECT", properties: { a: { type: "STRING" }, b: { type: "NUMBER" } }, required: ["a"] } } },
    ],
    [
      "arrays, tuple items take the first schema; required names not in properties are dropped",
      { type: "object", properties: { tags: { type: "array", items: { type: "string" }, minItems: 1 }, pair: { type: "array", items: [{ type: "number" }] } }, required: ["tags", "ghost"] },
      {
        type: "OBJECT",
        properties: { tags: { type: "ARRAY", items: { type: "STRING" }, minItems: 1 }, pair: { type: "ARRAY", items: { type: "NUMBER" } } },
        required: ["tags"],
      },
    ],
    [
      "no type but properties → OBJECT",
      { properties: { x: { type: "boolean" } } },
      { type: "OBJECT", properties: { x: { type: "BOOLEAN" } } },
    ],
  ])("%s", (_name, input, expected) => {
    expect(convertJsonSchemaToGeminiSchema(input)).toEqual(expected);
  });
});
