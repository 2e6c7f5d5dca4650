import { createClient } from "graphql-ws";
import WebSocket from "ws";

type StreamEvent = { __typename: string; delta?: string; finishReason?: string; usage?: { completionTokens: number; cost: string }; code?: string; message?: string };

const client = createClient({
  url: "ws://127.0.0.1:8080/graphql",
  webSocketImpl: WebSocket,
  connectionParams: { authorization: `Bearer ${process.env.GATEWAY_KEY}` },
});
const query = `subscription Stream($input: ChatCompletionInput!) {
  chatCompletion(input: $input) {
    __typename
    ... on ChatCompletionContentDelta { delta }
    ... on ChatCompletionFinished { finishReason usage { completionTokens cost } }
    ... on ChatCompletionError { code message }
  }
}`;
const input = { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Tell me a short story" }] };

for await (const result of client.iterate<{ chatCompletion: StreamEvent }>({ query, variables: { input } })) {
  if (result.errors) throw new Error(`${result.errors[0]?.message}`);
  const event = result.data?.chatCompletion;
  if (event?.__typename === "ChatCompletionContentDelta") process.stdout.write(event.delta ?? "");
  if (event?.__typename === "ChatCompletionFinished") console.log(`\n[${event.finishReason}, ${event.usage?.completionTokens} tokens, $${event.usage?.cost}]`);
  if (event?.__typename === "ChatCompletionError") console.error(`\n[${event.code}] ${event.message}`);
}
await client.dispose();
