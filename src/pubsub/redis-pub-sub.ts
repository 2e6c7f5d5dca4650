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
/**
 * The receiving connection, a copy of the command connection's settings. Without the ready check: ioredis's
 * check sends INFO, which a connection already subscribed (the first SUBSCRIBE can go out before it) refuses.
 * No command timeout either: a subscribed connection waits for messages, not replies.
 */
export function subscriberConnection(publisher: Redis): Redis {
  return publisher.duplicate({ connectionName: "llm-gateway-pubsub", enableReadyCheck: false, commandTimeout: undefined, enableAutoPipelining: false });
}

export function createRedisPubSub(options: {
  /** The connection PUBLISH goes through (the gateway's shared one). */
  publisher: Redis;
  /**
   * A connection only for SUBSCRIBE (see {@link subscriberConnection}); closed with this PubSub. It
   * resubscribes by itself after a reconnection.
   */
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
  subscriber.on("error", (error: Error) => logger?.warn({ err: error }, "redis pub/sub connection error"));
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
      // Nothing to flush on a subscribed connection: close it outright.
      subscriber.disconnect();
    },
  };
}
