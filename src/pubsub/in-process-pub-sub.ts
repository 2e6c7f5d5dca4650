import type { PubSub } from "./pub-sub.js";
import { publication, topicKey } from "./pub-sub.js";

interface Subscriber {
  push(value: unknown): void;
  end(): void;
}

/** The in-process fan-out: PubSub without the cross-instance part, plus a hook on topics gained and lost. */
export interface LocalFanOut extends PubSub {
  /** Delivers to this process's subscribers of an already-built topic key. */
  deliver(key: string, value: unknown): void;
}

/**
 * PubSub within one process. Each subscription is an async iterator with its own queue, removed from the
 * topic as soon as the consumer stops (graphql-ws calls `return()` on unsubscribe and on socket close).
 * `onTopicOpened` / `onTopicClosed` tell a bridge (Redis) when a topic gains its first local subscriber and
 * loses its last, so it listens to exactly the channels someone here wants.
 */
export function createInProcessPubSub(hooks: { onTopicOpened?: (key: string) => Promise<void>; onTopicClosed?: (key: string) => void } = {}): LocalFanOut {
  const topics = new Map<string, Set<Subscriber>>();
  const opening = new Map<string, Promise<void>>();

  function open(key: string): { iterator: AsyncIterator<unknown>; ready: Promise<void> } {
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
    let set = topics.get(key);
    if (set === undefined) {
      set = new Set<Subscriber>();
      topics.set(key, set);
      const opened = hooks.onTopicOpened?.(key) ?? Promise.resolve();
      opening.set(key, opened);
      void opened.catch(() => {}).finally(() => opening.get(key) === opened && opening.delete(key));
    }
    const members = set;
    members.add(subscriber);
    const stop = (): IteratorResult<unknown> => {
      if (members.delete(subscriber) && members.size === 0 && topics.get(key) === members) {
        topics.delete(key);
        hooks.onTopicClosed?.(key);
      }
      subscriber.end();
      return { value: undefined, done: true };
    };
    const iterator: AsyncIterator<unknown> = {
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
    return { iterator, ready: opening.get(key) ?? Promise.resolve() };
  }

  function deliver(key: string, value: unknown): void {
    for (const subscriber of topics.get(key) ?? []) subscriber.push(value);
  }

  return {
    publish(topic, ...payload) {
      const { key, value } = publication(topic, payload);
      deliver(key, value);
    },
    publishLocally(topic, payload) {
      deliver(topic, payload);
    },
    deliver,
    subscribe(topic, dynamicId) {
      const key = topicKey(topic, dynamicId);
      return { [Symbol.asyncIterator]: () => open(key).iterator };
    },
    async listen(topic, dynamicId) {
      const { iterator, ready } = open(topicKey(topic, dynamicId));
      try {
        await ready;
      } catch (error) {
        await iterator.return?.();
        throw error;
      }
      return iterator;
    },
    close: async () => {
      for (const set of topics.values()) for (const subscriber of set) subscriber.end();
      topics.clear();
    },
  };
}
