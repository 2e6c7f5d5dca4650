import { Arg, Authorized, Ctx, Mutation, Resolver } from "type-graphql";
import { formatUsd } from "../../billing/money.js";
import { invalidRequest, GatewayError } from "../../core/errors.js";
import { parseEmbeddingRequest } from "../../embeddings/embedding-request-parser.js";
import { encodeEmbedding } from "../../embeddings/encode-embedding.js";
import { Role } from "../auth-checker.js";
import type { GraphQLContext } from "../context.js";
import { EmbeddingsInput } from "./embeddings.input.js";
import { Embeddings } from "./embeddings.type.js";

/** The REST body the input stands for, so both faces share one parser (and its 400s). */
function toBody(input: EmbeddingsInput): Record<string, unknown> {
  if (input.input != null && input.tokens != null) throw invalidRequest("Give input or tokens, not both", "input");
  return {
    ...(input.model == null ? {} : { model: input.model }),
    ...(input.models == null ? {} : { models: input.models }),
    input: input.input ?? input.tokens ?? undefined,
    ...(input.dimensions == null ? {} : { dimensions: input.dimensions }),
    ...(input.encodingFormat == null ? {} : { encoding_format: input.encodingFormat }),
    ...(input.user == null ? {} : { user: input.user }),
  };
}

/** Embeddings over GraphQL: the REST parser and the same pipeline, so behaviour and billing are identical. */
@Resolver()
export class EmbeddingsResolver {
  @Authorized(Role.Api)
  @Mutation(() => Embeddings, { description: "Embeds texts or token arrays, one vector per input, metered and paid like REST's POST /embeddings." })
  async createEmbeddings(@Arg("input", () => EmbeddingsInput) input: EmbeddingsInput, @Ctx() context: GraphQLContext): Promise<Embeddings> {
    const principal = context.principal;
    if (principal === null) throw new GatewayError("authentication", "Missing or invalid API key");
    const request = parseEmbeddingRequest(toBody(input));
    const result = await context.services.embeddings.embed(request, { principal });
    return {
      id: result.generationId,
      model: result.model,
      provider: result.providerName,
      data: result.embeddings.map((vector, index) => {
        const encoded = encodeEmbedding(vector, request.encodingFormat);
        return typeof encoded === "string" ? { index, embedding: null, base64: encoded } : { index, embedding: encoded, base64: null };
      }),
      usage: { promptTokens: result.tokens.prompt, totalTokens: result.tokens.prompt, cost: formatUsd(result.cost) },
    };
  }
}
