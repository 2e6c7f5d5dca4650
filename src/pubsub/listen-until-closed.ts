import type { FastifyBaseLogger } from "fastify";
import type { PubSub } from "./pub-sub.js";

/** How long to wait before trying again to listen when the PubSub (Redis) refused. */
const RETRY_MS = 1000;

/**
 * Follows a topic for a background consumer (key changes, catalog changes) for the PubSub's lifetime. Resolves
 * once listening, or once the first attempt failed: an instance still starts while Redis is away (the caches'
 * time limits and the catalog poll keep it correct, only slower) and goes on trying in the background. Each
 * message goes to `handle`; one that throws is logged and skipped.
 */
export async function listenUntilClosed(options: {
  pubSub: PubSub;
  topic: string;
  handle: (message: unknown) => void | Promise<void>;
  logger?: FastifyBaseLogger;
}): Promise<void> {
  const { pubSub, topic, logger } = options;

  async function follow(iterator: AsyncIterator<unknown>): Promise<void> {
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) return;
      try {
        await options.handle(next.value);
      } catch (error) {
        logger?.warn({ err: error, topic }, "a pub/sub message could not be handled");
      }
    }
  }

  async function attempt(): Promise<boolean> {
    try {
      void follow(await pubSub.listen(topic));
      return true;
    } catch (error) {
      logger?.warn({ err: error, topic }, "cannot listen to pub/sub yet; retrying");
      const retry = setTimeout(() => void attempt(), RETRY_MS);
      retry.unref();
      return false;
    }
  }

  await attempt();
}
