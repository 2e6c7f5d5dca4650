import { expect } from "vitest";
import { AnswerAccumulator } from "../../src/completions/answer-accumulator.js";
import { GatewayError } from "../../src/core/errors.js";
import type { GeneratedContent } from "../../src/core/language-model.js";
import type { StreamPart } from "../../src/core/stream-parts.js";

/** Reads a whole adapter stream. */
export async function collectParts(stream: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

/**
 * Folds streamed parts into the content a non-streamed call returns, with the pipeline's own accumulator, so
 * adapter tests compare streams and whole answers exactly as the gateway sees them.
 */
export function contentOf(parts: readonly StreamPart[]): GeneratedContent[] {
  const accumulator = new AnswerAccumulator(() => 0);
  for (const part of parts) accumulator.add(part);
  return accumulator.content;
}

/** Awaits a promise that must reject with a GatewayError, and returns the error. */
export async function expectGatewayError(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}
