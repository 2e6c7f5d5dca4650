/**
 * Publish/subscribe for GraphQL subscriptions (type-graphql's `PubSub` contract). In-process by default;
 * a Redis-backed implementation takes its place when instances must hear each other.
 */
export interface PubSub {
  publish(topic: string, ...payload: unknown[]): void;
  subscribe(topic: string, dynamicId?: unknown): AsyncIterable<unknown>;
  close(): Promise<void>;
}

/** The topic name for a (topic, id) pair, e.g. `BALANCE:acct_1`. */
export function topicKey(topic: string, dynamicId?: unknown): string {
  return dynamicId === undefined ? topic : `${topic}:${String(dynamicId)}`;
}
