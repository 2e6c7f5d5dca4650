import type { PubSub } from "./pub-sub.js";
import { topicKey } from "./pub-sub.js";

interface Subscriber {
  push(value: unknown): void;
  end(): void;
}

/**
 * PubSub within one process. Each subscription is an async iterator with its own queue, removed from the
 * topic as soon as the consumer stops (graphql-ws calls `return()` on unsubscribe and on socket close).
 */
export function createInProcessPubSub(): PubSub {
  const topics = new Map<string, Set<Subscriber>>();

  function subscribe(topic: string, dynamicId?: unknown): AsyncIterable<unknown> {
    const key = topicKey(topic, dynamicId);
    return {
      [Symbol.asyncIterator](): AsyncIterator<unknown> {
        const queue: unknown[] = [];
        const waiting: Array<(result: IteratorResult<unknown>) => void> = [];
        let done = false;
        const subscriber: Subscriber = {
          push(value) {
            const resolve = waiting.shift();
            if (resolve !== undefined) resolve({ value, done: false });
            else queue.push(value);
          },
          end() {
            done = true;
            for (const resolve of waiting.splice(0)) resolve({ value: undefined, done: true });
          },
        };
        const set = topics.get(key) ?? new Set<Subscriber>();
        set.add(subscriber);
        topics.set(key, set);
        const stop = (): IteratorResult<unknown> => {
          set.delete(subscriber);
          if (set.size === 0) topics.delete(key);
          subscriber.end();
          return { value: undefined, done: true };
        };
        return {
          next: () => {
            if (queue.length > 0) return Promise.resolve({ value: queue.shift(), done: false });
            if (done) return Promise.resolve({ value: undefined, done: true });
            return new Promise((resolve) => waiting.push(resolve));
          },
          return: () => Promise.resolve(stop()),
          throw: (error: unknown) => {
            stop();
            return Promise.reject(error);
          },
        };
      },
    };
  }

  return {
    publish(topic, ...payload) {
      const key = topicKey(topic, payload.length > 1 ? payload[0] : undefined);
      const value = payload.length > 1 ? payload[1] : payload[0];
      for (const subscriber of topics.get(key) ?? []) subscriber.push(value);
    },
    subscribe,
    close: async () => {
      for (const set of topics.values()) for (const subscriber of set) subscriber.end();
      topics.clear();
    },
  };
}
