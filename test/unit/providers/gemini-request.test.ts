import { describe, expect, it } from "vitest";
import { GatewayError, type CallOptions, type FunctionTool, type Prompt, type ReasoningOptions } from "../../../src/core/index.js";
import { convertToGeminiContents } from "../../../src/providers/gemini/convert-to-gemini-contents.js";
import { buildGeminiRequest } from "../../../src/providers/gemini/gemini-request.js";
import { convertReasoningToThinkingConfig, type GeminiThinkingConfig } from "../../../src/providers/gemini/gemini-thinking-config.js";
import { prepareGeminiTools } from "../../../src/providers/gemini/prepare-gemini-tools.js";

describe("convertToGeminiContents", () => {
  it("hoists system messages, renames assistant to model, merges same-role turns", () => {
    const prompt: Prompt = [
      { role: "system", content: "Be brief." },
      { role: "user", content: [{ type: "text", text: "Hi" }] },
      { role: "user", content: [{ type: "text", text: "Still there?" }] },
      { role: "assistant", content: [{ type: "reasoning", text: "thinking" }, { type: "text", text: "Yes." }] },
      { role: "system", content: "Be kind." },
    ];
    expect(convertToGeminiContents(prompt)).toEqual({
      systemInstruction: { parts: [{ text: "Be brief." }, { text: "Be kind." }] },
      contents: [
        { role: "user", parts: [{ text: "Hi" }, { text: "Still there?" }] },
        { role: "model", parts: [{ text: "Yes." }] },
      ],
    });
  });

  it("tool calls become functionCall parts and results functionResponse parts addressed by name, in one user turn", () => {
    const prompt: Prompt = [
      { role: "user", content: [{ type: "text", text: "Weather in Paris and Rome?" }] },
      {
        role: "assistant",
        content: [
          { type: "tool-call", toolCallId: "call_1", toolName: "get_weather", input: '{"city":"Paris"}' },
          { type: "tool-call", toolCallId: "call_2", toolName: "get_time", input: "not json" },
        ],
      },
      // One result carries its name, the other is found through the earlier call's id.
      { role: "tool", content: [{ type: "tool-result", toolCallId: "call_1", toolName: "get_weather", output: '{"temp":21}' }] },
      { role: "tool", content: [{ type: "tool-result", toolCallId: "call_2", output: "noon" }] },
    ];
    expect(convertToGeminiContents(prompt).contents).toEqual([
      { role: "user", parts: [{ text: "Weather in Paris and Rome?" }] },
      {
        role: "model",
        parts: [{ functionCall: { name: "get_weather", args: { city: "Paris" } } }, { functionCall: { name: "get_time", args: {} } }],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { name: "get_weather", response: { output: { temp: 21 } } } },
          { functionResponse: { name: "get_time", response: { output: "noon" } } },
        ],
      },
    ]);
  });

  it("refuses a tool result whose function name cannot be found", () => {
    const prompt: Prompt = [{ role: "tool", content: [{ type: "tool-result", toolCallId: "call_x", output: "?" }] }];
    expect(() => convertToGeminiContents(prompt)).toThrow(GatewayError);
  });

  it.each([
    [{ kind: "base64", mediaType: "image/png", data: "AAAA" }, { inlineData: { mimeType: "image/png", data: "AAAA" } }],
    [{ kind: "url", url: "data:image/webp;base64,QUJD" }, { inlineData: { mimeType: "image/webp", data: "QUJD" } }],
    [{ kind: "url", url: "https://example.com/cat.PNG" }, { fileData: { mimeType: "image/png", fileUri: "https://example.com/cat.PNG" } }],
    [{ kind: "url", url: "https://example.com/photo" }, { fileData: { mimeType: "image/jpeg", fileUri: "https://example.com/photo" } }],
  ] as const)("image %j → %j", (image, part) => {
    const prompt: Prompt = [{ role: "user", content: [{ type: "image", image }] }];
    expect(convertToGeminiContents(prompt).contents).toEqual([{ role: "user", parts: [part] }]);
  });

  it("drops empty text and the turns it leaves empty", () => {
    const prompt: Prompt = [
      { role: "user", content: [{ type: "text", text: "a" }] },
      { role: "assistant", content: [{ type: "text", text: "" }] },
      { role: "user", content: [{ type: "text", text: "b" }] },
    ];
    expect(convertToGeminiContents(prompt).contents).toEqual([{ role: "user", parts: [{ text: "a" }, { text: "b" }] }]);
  });
});

describe("prepareGeminiTools", () => {
  const tools: FunctionTool[] = [
    { name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false } },
    { name: "now", parameters: { type: "object", properties: {} } },
  ];

  it("declares functions with converted schemas; an empty parameter schema is left out", () => {
    expect(prepareGeminiTools({ tools, toolChoice: undefined, parallelToolCalls: undefined })).toEqual({
      tools: [
        {
          functionDeclarations: [
            { name: "get_weather", description: "Weather", parameters: { type: "OBJECT", properties: { city: { type: "STRING" } }, required: ["city"] } },
            { name: "now" },
          ],
        },
      ],
      toolConfig: undefined,
      warnings: [],
    });
  });

  it.each([
    [{ type: "auto" }, { mode: "AUTO" }],
    [{ type: "none" }, { mode: "NONE" }],
    [{ type: "required" }, { mode: "ANY" }],
    [{ type: "tool", toolName: "now" }, { mode: "ANY", allowedFunctionNames: ["now"] }],
  ] as const)("tool choice %j → functionCallingConfig %j", (toolChoice, functionCallingConfig) => {
    expect(prepareGeminiTools({ tools, toolChoice, parallelToolCalls: undefined }).toolConfig).toEqual({ functionCallingConfig });
  });

  it("sends nothing without tools, and warns that parallelToolCalls=false cannot be honoured", () => {
    expect(prepareGeminiTools({ tools: [], toolChoice: { type: "auto" }, parallelToolCalls: undefined })).toEqual({ tools: undefined, toolConfig: undefined, warnings: [] });
    expect(prepareGeminiTools({ tools, toolChoice: undefined, parallelToolCalls: false }).warnings).toMatchObject([{ setting: "parallelToolCalls" }]);
  });
});

describe("convertReasoningToThinkingConfig", () => {
  it.each<[string, ReasoningOptions | undefined, number | undefined, string, GeminiThinkingConfig | undefined]>([
    ["nothing asked", undefined, undefined, "gemini-2.5-flash", undefined],
    ["max tokens → budget", { maxTokens: 2048 }, undefined, "gemini-2.5-flash", { includeThoughts: true, thinkingBudget: 2048 }],
    ["high effort of the default budget, capped", { effort: "high" }, undefined, "gemini-2.5-pro", { includeThoughts: true, thinkingBudget: 24576 }],
    ["medium effort of max output", { effort: "medium" }, 8000, "gemini-2.5-flash", { includeThoughts: true, thinkingBudget: 4000 }],
    ["low effort floor", { effort: "low" }, 1000, "gemini-2.5-flash", { includeThoughts: true, thinkingBudget: 1024 }],
    ["enabled alone means medium", { enabled: true }, 10000, "gemini-2.5-flash", { includeThoughts: true, thinkingBudget: 5000 }],
    ["exclude hides thoughts", { effort: "minimal", exclude: true }, 20000, "gemini-2.5-flash", { includeThoughts: false, thinkingBudget: 2000 }],
    ["exclude alone changes nothing", { exclude: true }, undefined, "gemini-2.5-flash", undefined],
    ["empty object returns thoughts at the model's default", {}, undefined, "gemini-2.5-flash", { includeThoughts: true }],
    ["disabled → budget 0", { enabled: false }, undefined, "gemini-2.5-flash", { thinkingBudget: 0 }],
    ["Gemini 3 uses levels", { effort: "high" }, undefined, "gemini-3-pro-preview", { includeThoughts: true, thinkingLevel: "HIGH" }],
    ["Gemini 3 cannot disable: LOW", { enabled: false }, undefined, "models/gemini-3-flash", { thinkingLevel: "LOW" }],
  ])("%s", (_name, reasoning, maxOutputTokens, modelId, expected) => {
    expect(convertReasoningToThinkingConfig({ reasoning, maxOutputTokens, modelId }).thinkingConfig).toEqual(expected);
  });
});

describe("buildGeminiRequest", () => {
  const prompt: Prompt = [{ role: "user", content: [{ type: "text", text: "Hi" }] }];

  it("sends only what was asked, under generationConfig", () => {
    expect(buildGeminiRequest({ prompt }, "gemini-2.5-flash")).toEqual({ body: { contents: [{ role: "user", parts: [{ text: "Hi" }] }] }, warnings: [] });
    const options: CallOptions = {
      prompt,
      maxOutputTokens: 100,
      temperature: 0.5,
      topP: 0.9,
      topK: 40,
      stopSequences: ["END"],
      seed: 7,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
      repetitionPenalty: 1.1,
      user: "u1",
    };
    const { body, warnings } = buildGeminiRequest(options, "gemini-2.5-flash");
    expect(body.generationConfig).toEqual({
      maxOutputTokens: 100,
      temperature: 0.5,
      topP: 0.9,
      topK: 40,
      stopSequences: ["END"],
      seed: 7,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
    });
    expect(warnings.map((warning) => warning.setting)).toEqual(["repetitionPenalty", "user"]);
  });

  it.each([
    [{ type: "text" }, undefined],
    [{ type: "json_object" }, { responseMimeType: "application/json" }],
    [
      { type: "json_schema", name: "person", schema: { type: "object", properties: { name: { type: "string" } }, additionalProperties: false } },
      { responseMimeType: "application/json", responseSchema: { type: "OBJECT", properties: { name: { type: "STRING" } } } },
    ],
  ] as const)("response format %j → %j", (responseFormat, generationConfig) => {
    expect(buildGeminiRequest({ prompt, responseFormat }, "gemini-2.5-flash").body.generationConfig).toEqual(generationConfig);
  });
});
