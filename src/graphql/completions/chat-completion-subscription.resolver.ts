import { Arg, Authorized, Resolver, Root, Subscription } from "type-graphql";
import type { SubscribeResolverData } from "type-graphql";
import { parseChatRequest } from "../../completions/chat-request-parser.js";
import { GatewayError } from "../../core/errors.js";
import { Role } from "../auth-checker.js";
import type { GraphQLContext } from "../context.js";
import type { ChatCompletionEventValue } from "./chat-completion-event.type.js";
import { ChatCompletionEvent } from "./chat-completion-event.type.js";
import { chatCompletionEvents } from "./chat-completion-events.js";
import { ChatCompletionInput } from "./chat-completion.input.js";
import { chatCompletionInputToBody } from "./chat-completion-input-to-body.js";

/**
 * Starts the stream before the subscription is answered, so everything that refuses a request before its first
 * token (bad input, 402, 429, no provider, failover exhausted) is a GraphQL error with `extensions.code`, not
 * an event; from the first event on, the answer's own events follow.
 */
async function subscribeToChatCompletion(data: SubscribeResolverData<unknown, { input: ChatCompletionInput }, GraphQLContext>): Promise<AsyncIterable<ChatCompletionEventValue>> {
  const { context } = data;
  const principal = context.principal;
  if (principal === null) throw new GatewayError("authentication", "Missing API key: send `authorization` in the connection_init payload");
  if (context.socketStreams === undefined) throw new GatewayError("invalid_request", "chatCompletion streams over WebSocket (graphql-ws) only");
  const request = parseChatRequest(chatCompletionInputToBody(data.args.input), "chat");
  const slot = context.socketStreams.open(principal.keyHash);
  try {
    const stream = await context.services.completions.stream({ ...request, stream: true }, { principal, signal: slot.signal });
    return chatCompletionEvents({ stream, slot, stallTimeoutMs: context.services.config.STREAM_STALL_TIMEOUT_MS });
  } catch (error) {
    slot.release();
    throw error;
  }
}

/** Chat completions streamed over graphql-ws: one more face over the pipeline REST's SSE uses. */
@Resolver()
export class ChatCompletionSubscriptionResolver {
  @Authorized(Role.Api)
  @Subscription(() => ChatCompletionEvent, {
    subscribe: subscribeToChatCompletion,
    description:
      "Streams a chat completion as typed events: started, content, reasoning and tool-call deltas as they arrive, then finished (usage and exact cost) or error. Completing the operation, or closing the socket, stops the upstream; the generation is charged for what was delivered.",
  })
  chatCompletion(@Root() event: ChatCompletionEventValue, @Arg("input", () => ChatCompletionInput) _input: ChatCompletionInput): ChatCompletionEventValue {
    return event;
  }
}
