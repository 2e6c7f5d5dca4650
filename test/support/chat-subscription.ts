import type { Client } from "graphql-ws";

/** The `chatCompletion` subscription with every event type's fields, as a client would write it. */
export const CHAT_COMPLETION_SUBSCRIPTION = `subscription Stream($input: ChatCompletionInput!) {
  chatCompletion(input: $input) {
    __typename
    ... on ChatCompletionStarted { generationId model provider created }
    ... on ChatCompletionContentDelta { delta }
    ... on ChatCompletionReasoningDelta { delta reasoningDetails }
    ... on ChatCompletionToolCallStarted { index id name }
    ... on ChatCompletionToolCallArgumentsDelta { index id delta }
    ... on ChatCompletionFinished { finishReason nativeFinishReason usage { promptTokens completionTokens totalTokens cachedTokens reasoningTokens cost } }
    ... on ChatCompletionError { code message metadata chargedUsage { promptTokens completionTokens totalTokens cost } }
  }
}`;

/** One event as the client received it. */
export type StreamEvent = { __typename: string } & Record<string, unknown>;

export interface GraphQLErrorShape {
  message: string;
  extensions?: Record<string, unknown>;
}

export interface SubscriptionOutcome {
  events: StreamEvent[];
  /** Errors sent as the result (a refusal before the first event) or as an `error` message. */
  errors: GraphQLErrorShape[];
}

/**
 * Subscribes and collects every event until the server completes the operation. `onEvent` may stop it early
 * by returning "stop" (the client then sends `complete`).
 */
export function subscribeToChatCompletion(
  client: Client,
  input: Record<string, unknown>,
  onEvent?: (event: StreamEvent, events: StreamEvent[]) => "stop" | undefined,
): Promise<SubscriptionOutcome> {
  return new Promise((resolve, reject) => {
    const events: StreamEvent[] = [];
    const errors: GraphQLErrorShape[] = [];
    let finished = false;
    const unsubscribe = client.subscribe<{ chatCompletion: StreamEvent }>(
      { query: CHAT_COMPLETION_SUBSCRIPTION, variables: { input } },
      {
        next: (result) => {
          if (result.errors !== undefined) errors.push(...(result.errors as GraphQLErrorShape[]));
          const event = result.data?.chatCompletion;
          if (event === undefined || event === null) return;
          events.push(event);
          if (onEvent?.(event, events) === "stop" && !finished) {
            finished = true;
            unsubscribe();
            resolve({ events, errors });
          }
        },
        error: (error: unknown) => {
          if (Array.isArray(error)) {
            errors.push(...(error as GraphQLErrorShape[]));
            finished = true;
            resolve({ events, errors });
          } else reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
        },
        complete: () => {
          if (finished) return;
          finished = true;
          resolve({ events, errors });
        },
      },
    );
  });
}

/** A provider-neutral view of an answer's deltas, to compare a subscription's events with SSE chunks. */
export type NeutralDelta =
  | { kind: "content"; delta: string }
  | { kind: "reasoning"; delta: string; details: unknown[] }
  | { kind: "tool-start"; index: number; id: string; name: string }
  | { kind: "tool-arguments"; index: number; delta: string }
  | { kind: "finish"; reason: unknown; native: unknown };

/** The deltas of a subscription's events. */
export function deltasOfEvents(events: readonly StreamEvent[]): NeutralDelta[] {
  const deltas: NeutralDelta[] = [];
  for (const event of events) {
    switch (event.__typename) {
      case "ChatCompletionContentDelta":
        deltas.push({ kind: "content", delta: String(event.delta) });
        break;
      case "ChatCompletionReasoningDelta":
        deltas.push({ kind: "reasoning", delta: String(event.delta), details: event.reasoningDetails as unknown[] });
        break;
      case "ChatCompletionToolCallStarted":
        deltas.push({ kind: "tool-start", index: Number(event.index), id: String(event.id), name: String(event.name) });
        break;
      case "ChatCompletionToolCallArgumentsDelta":
        deltas.push({ kind: "tool-arguments", index: Number(event.index), delta: String(event.delta) });
        break;
      case "ChatCompletionFinished":
        deltas.push({ kind: "finish", reason: event.finishReason, native: event.nativeFinishReason });
        break;
      default:
        break;
    }
  }
  return deltas;
}

/** The deltas of an SSE answer's chunks (the role chunk and the usage chunk carry none). */
export function deltasOfChunks(chunks: ReadonlyArray<Record<string, unknown>>): NeutralDelta[] {
  const deltas: NeutralDelta[] = [];
  for (const chunk of chunks) {
    const choice = (chunk.choices as Array<Record<string, unknown>> | undefined)?.[0];
    if (choice === undefined) continue;
    const delta = choice.delta as Record<string, unknown>;
    if (choice.finish_reason !== null) {
      deltas.push({ kind: "finish", reason: choice.finish_reason, native: choice.native_finish_reason });
      continue;
    }
    if (delta.reasoning_details !== undefined) {
      deltas.push({ kind: "reasoning", delta: typeof delta.reasoning === "string" ? delta.reasoning : "", details: delta.reasoning_details as unknown[] });
    } else if (delta.tool_calls !== undefined) {
      const call = (delta.tool_calls as Array<{ index: number; id?: string; function: { name?: string; arguments: string } }>)[0];
      if (call === undefined) continue;
      if (call.id !== undefined) deltas.push({ kind: "tool-start", index: call.index, id: call.id, name: call.function.name ?? "" });
      else deltas.push({ kind: "tool-arguments", index: call.index, delta: call.function.arguments });
    } else if (typeof delta.content === "string" && delta.role === undefined) {
      deltas.push({ kind: "content", delta: delta.content });
    }
  }
  return deltas;
}

/**
 * The deltas with each tool call id replaced by its order of appearance (`call#0`, ...), in tool calls and in
 * the reasoning details that name them: upstreams make new ids for every answer, so two answers to the same
 * request agree on everything but those.
 */
export function withNumberedToolCallIds(deltas: readonly NeutralDelta[]): NeutralDelta[] {
  const numbers = new Map<string, string>();
  const numbered = (id: string): string => {
    let name = numbers.get(id);
    if (name === undefined) {
      name = `call#${numbers.size}`;
      numbers.set(id, name);
    }
    return name;
  };
  return deltas.map((delta) => {
    if (delta.kind === "tool-start") return { ...delta, id: numbered(delta.id) };
    if (delta.kind !== "reasoning") return delta;
    const details = delta.details.map((detail) => {
      const entry = detail as Record<string, unknown>;
      return typeof entry.id === "string" ? { ...entry, id: numbered(entry.id) } : entry;
    });
    return { ...delta, details };
  });
}
