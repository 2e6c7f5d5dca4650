/**
 * Tool call ids for providers that send none (Gemini) or send ids another provider would reject. The id
 * generator is injected so tests get deterministic ids.
 */
export function createToolCallId(generateId: () => string): string {
  return `call_${generateId()}`;
}

/** The upstream's id when it sent a usable one, otherwise a fresh one. */
export function toolCallIdOrNew(id: string | null | undefined, generateId: () => string): string {
  return id !== undefined && id !== null && id.length > 0 ? id : createToolCallId(generateId);
}
