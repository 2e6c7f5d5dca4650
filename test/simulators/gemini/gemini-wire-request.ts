import { z } from "zod";

/**
 * The parts of Gemini's `GenerateContentRequest` (REST, camelCase) the simulator reads, per
 * https://ai.google.dev/api/generate-content#request-body. Lenient: unknown fields are ignored, as the
 * real API ignores nothing but the simulator has no use for them.
 */

const functionCallSchema = z.object({
  name: z.string(),
  args: z.record(z.string(), z.unknown()).optional(),
  id: z.string().optional(),
});

const functionResponseSchema = z.object({
  name: z.string(),
  response: z.record(z.string(), z.unknown()),
  id: z.string().optional(),
});

export const wirePartSchema = z.object({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  thoughtSignature: z.string().optional(),
  inlineData: z.object({ mimeType: z.string(), data: z.string() }).optional(),
  fileData: z.object({ mimeType: z.string().optional(), fileUri: z.string() }).optional(),
  functionCall: functionCallSchema.optional(),
  functionResponse: functionResponseSchema.optional(),
});
export type WirePart = z.infer<typeof wirePartSchema>;

export const wireContentSchema = z.object({
  role: z.string().optional(),
  parts: z.array(wirePartSchema).optional(),
});
export type WireContent = z.infer<typeof wireContentSchema>;

const functionDeclarationSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  parameters: z.unknown().optional(),
  parametersJsonSchema: z.unknown().optional(),
});

export const wireRequestSchema = z.object({
  contents: z.array(wireContentSchema).optional(),
  systemInstruction: wireContentSchema.optional(),
  tools: z.array(z.object({ functionDeclarations: z.array(functionDeclarationSchema).optional() })).optional(),
  toolConfig: z
    .object({
      functionCallingConfig: z
        .object({ mode: z.string().optional(), allowedFunctionNames: z.array(z.string()).optional() })
        .optional(),
    })
    .optional(),
  generationConfig: z
    .object({
      maxOutputTokens: z.number().int().optional(),
      temperature: z.number().optional(),
      topP: z.number().optional(),
      topK: z.number().optional(),
      stopSequences: z.array(z.string()).optional(),
      seed: z.number().int().optional(),
      responseMimeType: z.string().optional(),
      responseSchema: z.unknown().optional(),
      responseJsonSchema: z.unknown().optional(),
      thinkingConfig: z
        .object({
          includeThoughts: z.boolean().optional(),
          thinkingBudget: z.number().int().optional(),
          thinkingLevel: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
});
export type WireRequest = z.infer<typeof wireRequestSchema>;
