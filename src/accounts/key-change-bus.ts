import type { FastifyBaseLogger } from "fastify";
import type { AccountEventPublisher } from "../events/account-events.js";
import { KEY_REVOKED_TOPIC } from "../events/account-events.js";
import type { PubSub } from "../pubsub/pub-sub.js";
import type { Authenticator } from "./authenticator.js";
import type { KeyChange } from "./key-service.js";

/** Every instance hears every key change on this topic, and forgets the key from its authentication cache. */
export const KEY_CHANGED_TOPIC = "KEY_CHANGED";
/** Every instance hears account changes (disabled, enabled) here, and forgets the account's cached keys. */
export const ACCOUNT_CHANGED_TOPIC = "ACCOUNT_CHANGED";

export interface KeyChangeBus {
  /** After this instance changed a key: local cache, other instances, account events (a revoked key's subscriptions end on `KEY_REVOKED`). */
  keyChanged(change: KeyChange): void;
  /** After this instance changed an account: local cache, other instances, and (disabled) its keys' subscriptions. */
  accountChanged(accountId: string, state: { disabled: boolean }): void;
  /** Starts hearing other instances' changes; stops when the PubSub closes. */
  start(): Promise<void>;
}

function isKeyChange(value: unknown): value is KeyChange {
  return typeof value === "object" && value !== null && typeof (value as { hash?: unknown }).hash === "string";
}

/**
 * Key and account changes across instances. The instance that made a change forgets the key at once; with
 * Redis, every other instance forgets it as soon as the message arrives, and without Redis (one instance, or
 * instances not sharing a Redis) the authenticator's cache time (KEY_CACHE_TTL_MS) still bounds how long a
 * deleted or disabled key keeps working elsewhere. A changed limit is also an account event
 * (`key_limit_reset`, reason `operator`): the key counts against its new limit from now on.
 */
export function createKeyChangeBus(options: { pubSub: PubSub; authenticator: Authenticator; events: AccountEventPublisher; logger?: FastifyBaseLogger }): KeyChangeBus {
  const { pubSub, authenticator } = options;

  async function follow(iterator: AsyncIterator<unknown>, handle: (value: unknown) => void): Promise<void> {
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) return;
      try {
        handle(next.value);
      } catch (error) {
        options.logger?.warn({ err: error }, "a key or account change could not be applied");
      }
    }
  }

  return {
    keyChanged(change) {
      authenticator.invalidate(change.hash);
      pubSub.publish(KEY_CHANGED_TOPIC, change);
      if (change.revoked) pubSub.publish(KEY_REVOKED_TOPIC, change.hash, { keyHash: change.hash });
      if (change.limitChanged && change.accountId !== null) {
        options.events.publish({
          type: "key_limit_reset",
          accountId: change.accountId,
          keyHash: change.hash,
          reason: "operator",
          limit: change.spendLimit,
          limitReset: change.limitReset,
        });
      }
    },
    accountChanged(accountId, state) {
      authenticator.invalidateAccount(accountId);
      pubSub.publish(ACCOUNT_CHANGED_TOPIC, { accountId });
      if (state.disabled) options.events.publish({ type: "account_disabled", accountId });
    },
    async start() {
      const [keys, accounts] = await Promise.all([pubSub.listen(KEY_CHANGED_TOPIC), pubSub.listen(ACCOUNT_CHANGED_TOPIC)]);
      void follow(keys, (value) => {
        if (isKeyChange(value)) authenticator.invalidate(value.hash);
      });
      void follow(accounts, (value) => {
        const accountId = typeof value === "object" && value !== null ? (value as { accountId?: unknown }).accountId : undefined;
        if (typeof accountId === "string") authenticator.invalidateAccount(accountId);
      });
    },
  };
}
