/**
 * Publish/subscribe for GraphQL subscriptions (type-graphql's `PubSub` contract) and for the facts instances
 * tell each other (key changes, catalog changes). In-process by default; the Redis implementation takes its
 * place when REDIS_URL is set, so a subscriber on one instance hears what happened on another.
 *
 * Payloads must survive a trip through JSON (see `pubsub-codec.ts`): plain objects, strings, numbers,
 * booleans, `bigint` (amounts) and `Date` arrive as they were sent, with either implementation.
 */
export interface PubSub {
  /** Delivers to every subscriber of the topic on every instance (type-graphql calls it with (topic, id, payload)). */
  publish(topic: string, ...payload: unknown[]): void;
  /**
   * Delivers to this instance's subscribers only: for facts each instance observes for itself (a catalog
   * reload, a limit period rolling over), which would otherwise arrive once per instance. `key` is the full
   * topic key (see {@link topicKey}).
   */
  publishLocally(key: string, payload: unknown): void;
  subscribe(topic: string, dynamicId?: unknown): AsyncIterable<unknown>;
  /**
   * Like `subscribe`, but resolves once the subscription is live: every event published after the promise
   * resolves (from any instance) reaches the iterator. Redis needs a round trip for that; in-process, none.
   */
  listen(topic: string, dynamicId?: unknown): Promise<AsyncIterator<unknown>>;
  close(): Promise<void>;
}

/** The topic name for a (topic, id) pair, e.g. `BALANCE:acct_1`. */
export function topicKey(topic: string, dynamicId?: unknown): string {
  return dynamicId === undefined ? topic : `${topic}:${String(dynamicId)}`;
}

/** type-graphql's publish arguments: `(topic, payload)` or `(topic, id, payload)`, as one key and a value. */
export function publication(topic: string, payload: readonly unknown[]): { key: string; value: unknown } {
  return payload.length > 1 ? { key: topicKey(topic, payload[0]), value: payload[1] } : { key: topic, value: payload[0] };
}
