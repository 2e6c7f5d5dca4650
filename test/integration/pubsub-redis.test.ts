import type { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import type { PubSub } from "../../src/pubsub/pub-sub.js";
import { createRedisPubSub, subscriberConnection } from "../../src/pubsub/redis-pub-sub.js";
import { openTestRedis, redisUrlForTests, uniqueKeyPrefix } from "../support/redis-for-tests.js";

/**
 * The Redis PubSub as two gateway instances use it: two PubSubs, each with its own connections, on one
 * Redis and one channel prefix. What one publishes reaches the other's subscribers (exact amounts included);
 * `publishLocally` stays home; another prefix hears nothing; a topic nobody here listens to is unsubscribed.
 */
const redisUrl = await redisUrlForTests("pubsub-redis");
const connections: Redis[] = [];
const pubSubs: PubSub[] = [];

function instance(prefix: string): { pubSub: PubSub; subscriber: Redis } {
  const publisher = openTestRedis(redisUrl!);
  const subscriber = subscriberConnection(publisher);
  connections.push(publisher);
  const pubSub = createRedisPubSub({ publisher, subscriber, channelPrefix: prefix });
  pubSubs.push(pubSub);
  return { pubSub, subscriber };
}

describe.skipIf(redisUrl === undefined)("PubSub over Redis", () => {
  afterAll(async () => {
    for (const pubSub of pubSubs) await pubSub.close();
    for (const connection of connections) connection.disconnect();
  });

  it("delivers what one instance publishes to the other's subscribers of that topic only, in order and exact", async () => {
    const prefix = uniqueKeyPrefix("pubsub");
    const a = instance(prefix);
    const b = instance(prefix);
    const onB = await b.pubSub.listen("ACCOUNT_EVENTS", "acct-1");
    const otherOnB = await b.pubSub.listen("ACCOUNT_EVENTS", "acct-2");
    a.pubSub.publish("ACCOUNT_EVENTS", "acct-2", { n: 0 });
    a.pubSub.publish("ACCOUNT_EVENTS", "acct-1", { n: 1, cost: 12_345_678_901_234_567n });
    a.pubSub.publish("ACCOUNT_EVENTS", "acct-1", { n: 2, at: new Date(5) });
    expect((await onB.next()).value).toEqual({ n: 1, cost: 12_345_678_901_234_567n });
    expect((await onB.next()).value).toEqual({ n: 2, at: new Date(5) });
    expect((await otherOnB.next()).value).toEqual({ n: 0 });
    await onB.return?.();
    await otherOnB.return?.();
  });

  it("keeps publishLocally on the instance, and a different prefix apart", async () => {
    const prefix = uniqueKeyPrefix("pubsub");
    const a = instance(prefix);
    const b = instance(prefix);
    const stranger = instance(uniqueKeyPrefix("pubsub-other"));
    const onA = await a.pubSub.listen("CATALOG_UPDATED");
    const onB = await b.pubSub.listen("CATALOG_UPDATED");
    const onStranger = await stranger.pubSub.listen("CATALOG_UPDATED");
    a.pubSub.publishLocally("CATALOG_UPDATED", { revision: 1 });
    stranger.pubSub.publish("CATALOG_UPDATED", { revision: 99 });
    // A marker published after both: B gets the marker first only if the local event never left A and the
    // stranger's never crossed prefixes.
    a.pubSub.publish("CATALOG_UPDATED", { revision: 2 });
    expect((await onA.next()).value).toEqual({ revision: 1 });
    expect((await onA.next()).value).toEqual({ revision: 2 });
    expect((await onB.next()).value).toEqual({ revision: 2 });
    expect((await onStranger.next()).value).toEqual({ revision: 99 });
  });

  it("subscribes a channel in Redis only while someone here listens to it", async () => {
    const prefix = uniqueKeyPrefix("pubsub");
    const a = instance(prefix);
    const probe = openTestRedis(redisUrl!);
    connections.push(probe);
    const channel = `${prefix}KEY_CHANGED`;
    const count = async (): Promise<number> => {
      const [, subscribers] = (await probe.call("PUBSUB", "NUMSUB", channel)) as [string, number];
      return Number(subscribers);
    };
    const first = await a.pubSub.listen("KEY_CHANGED");
    const second = await a.pubSub.listen("KEY_CHANGED");
    expect(await count()).toBe(1);
    await first.return?.();
    expect(await count()).toBe(1);
    await second.return?.();
    // UNSUBSCRIBE is sent on the last return; a PING on the same connection comes back after it is done.
    await a.subscriber.ping();
    expect(await count()).toBe(0);
  });
});
