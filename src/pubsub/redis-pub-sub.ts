import type { FastifyBaseLogger } from "fastify";
import type { Redis } from "ioredis";
import { createInProcessPubSub } from "./in-process-pub-sub.js";
import type { PubSub } from "./pub-sub.js";
import { publication, topicKey } from "./pub-sub.js";
import { decodePayload, encodePayload } from "./pubsub-codec.js";

/**
 * PubSub over Redis pub/sub, so every instance on one Redis hears every event. Publishing is one PUBLISH on
 * the shared command connection (fire and forget: an event is a notification, the facts stay in Postgres);
 * receiving uses a connection of its own (a subscribed Redis connection can run no other command), which
 * SUBSCRIBEs to a channel only while someone on this instance listens to it, and hands messages to an
 * in-process fan-out. Channels are `<channelPrefix><topic key>`, so gateways (or test runs) sharing one Redis
 * stay apart by prefix.
 */
export function createRedisPubSub(options: {
  /** The connection PUBLISH goes through (the gateway's shared one). */
  publisher: Redis;
  /** A connection only for SUBSCRIBE (`publisher.duplicate()`); closed with this PubSub. */
  subscriber: Redis;
  channelPrefix: string;
  logger?: FastifyBaseLogger;
}): PubSub {
  const { publisher, subscriber, channelPrefix, logger } = options;
  const local = createInProcessPubSub({
    onTopicOpened: async (key) => {
      await subscriber.subscribe(channelPrefix + key);
    },
    onTopicClosed: (key) => {
      subscriber.unsubscribe(channelPrefix + key).catch((error: unknown) => logger?.warn({ err: error, key }, "redis unsubscribe failed"));
    },
  });
  subscriber.on("message", (channel: string, message: string) => {
    if (!channel.startsWith(channelPrefix)) return;
    let value: unknown;
    try {
      value = decodePayload(message);
    } catch (error) {
      logger?.warn({ err: error, channel }, "undecodable pub/sub message dropped");
      return;
    }
    local.deliver(channel.slice(channelPrefix.length), value);
  });

  return {
    publish(topic, ...payload) {
      const { key, value } = publication(topic, payload);
      publisher.publish(channelPrefix + key, encodePayload(value)).catch((error: unknown) => logger?.warn({ err: error, key }, "redis publish failed"));
    },
    publishLocally: (key, payload) => local.publishLocally(key, payload),
    subscribe: (topic, dynamicId) => local.subscribe(topic, dynamicId),
    listen: (topic, dynamicId) => local.listen(topicKey(topic, dynamicId)),
    close: async () => {
      await local.close();
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}
