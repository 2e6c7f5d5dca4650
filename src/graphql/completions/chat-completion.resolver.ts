import { Arg, Authorized, Ctx, Mutation, Resolver } from "type-graphql";
import { formatUsd } from "../../billing/money.js";
import { answerMessage } from "../../completions/answer-message.js";
import { parseChatRequest } from "../../completions/chat-request-parser.js";
import type { CompletionResult } from "../../completions/completion-service.js";
import { GatewayError } from "../../core/errors.js";
import { openAIFinishReason } from "../../http/openrouter/chat-response.js";
import { Role } from "../auth-checker.js";
import type { GraphQLContext } from "../context.js";
import { ChatCompletionInput } from "./chat-completion.input.js";
import { chatCompletionInputToBody } from "./chat-completion-input-to-body.js";
import { ChatCompletion } from "./chat-completion.type.js";

function toChatCompletion(result: CompletionResult): ChatCompletion {
  const message = answerMessage(result.content);
  return {
    id: result.generationId,
    model: result.model,
    provider: result.providerName,
    created: result.created,
    message: { role: "assistant", content: message.content, reasoning: message.reasoning, toolCalls: message.toolCalls, reasoningDetails: message.reasoningDetails.map((detail) => ({ ...detail })) },
    finishReason: openAIFinishReason(result.finishReason.unified),
    nativeFinishReason: result.finishReason.raw ?? null,
    usage: {
      promptTokens: result.tokens.prompt,
      completionTokens: result.tokens.completion,
      totalTokens: result.tokens.prompt + result.tokens.completion,
      cachedTokens: result.tokens.cacheRead,
      reasoningTokens: result.tokens.reasoning,
      cost: formatUsd(result.cost),
      isByok: result.isByok,
      upstreamInferenceCost: result.upstreamInferenceCost === null ? null : formatUsd(result.upstreamInferenceCost),
    },
  };
}

/** Chat completions over GraphQL: the REST parser and the same pipeline, so behaviour and billing are identical. */
@Resolver()
export class ChatCompletionResolver {
  @Authorized(Role.Api)
  @Mutation(() => ChatCompletion, { description: "Runs a chat completion and returns the whole answer, metered and paid like REST." })
  async createChatCompletion(@Arg("input", () => ChatCompletionInput) input: ChatCompletionInput, @Ctx() context: GraphQLContext): Promise<ChatCompletion> {
    const principal = context.principal;
    if (principal === null) throw new GatewayError("authentication", "Missing or invalid API key");
    const request = parseChatRequest(chatCompletionInputToBody(input), "chat");
    const result = await context.services.completions.generate({ ...request, stream: false }, { principal });
    return toChatCompletion(result);
  }
}
