import type { LanguageModel, StreamResult } from "../../core/language-model.js";
import type { StreamPart } from "../../core/stream-parts.js";
import type { GatewayError } from "../../core/errors.js";
import type { SecretScrubber } from "./secret-scrubber.js";

async function* scrubbedParts(parts: AsyncIterable<StreamPart>, scrubber: SecretScrubber): AsyncGenerator<StreamPart> {
  // Delegating with yield* keeps early return (the consumer stopping) flowing to the adapter's iterator,
  // which aborts the upstream request.
  for await (const part of parts) {
    yield part.type === "error" ? { type: "error", error: scrubber.error(part.error) as GatewayError } : part;
  }
}

/**
 * The provider boundary every model crosses (the registry wraps each one): errors thrown before output and
 * error parts inside a stream come out with the gateway's credentials removed, so no layer above (the REST
 * envelope, GraphQL errors, generation records, logs) can relay a key an upstream echoed back.
 */
export function withScrubbedErrors(model: LanguageModel, scrubber: SecretScrubber): LanguageModel {
  const ceiling = model.outputTokenCeiling?.bind(model);
  const embed = model.doEmbed?.bind(model);
  return {
    provider: model.provider,
    providerModelId: model.providerModelId,
    // Every member of the interface passes through; only errors are changed.
    ...(ceiling === undefined ? {} : { outputTokenCeiling: ceiling }),
    ...(embed === undefined
      ? {}
      : {
          async doEmbed(options) {
            try {
              return await embed(options);
            } catch (error) {
              throw scrubber.error(error);
            }
          },
        }),
    async doGenerate(options) {
      try {
        return await model.doGenerate(options);
      } catch (error) {
        throw scrubber.error(error);
      }
    },
    async doStream(options): Promise<StreamResult> {
      try {
        const result = await model.doStream(options);
        return { ...result, stream: scrubbedParts(result.stream, scrubber) };
      } catch (error) {
        throw scrubber.error(error);
      }
    },
  };
}
