import type { FastifyBaseLogger } from "fastify";
import type { AccountEventPublisher } from "../events/account-events.js";
import { KEY_REVOKED_TOPIC } from "../events/account-events.js";
import type { PubSub } from "../pubsub/pub-sub.js";
import { listenUntilClosed } from "../pubsub/listen-until-closed.js";
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
  /** Starts hearing other instances' changes (resolves once listening, or trying again in the background); stops when the PubSub closes. */
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
      const logger = options.logger;
      await Promise.all([
        listenUntilClosed({
          pubSub,
          topic: KEY_CHANGED_TOPIC,
          ...(logger === undefined ? {} : { logger }),
          handle: (value) => {
            if (isKeyChange(value)) authenticator.invalidate(value.hash);
          },
        }),
        listenUntilClosed({
          pubSub,
          topic: ACCOUNT_CHANGED_TOPIC,
          ...(logger === undefined ? {} : { logger }),
          handle: (value) => {
            const accountId = typeof value === "object" && value !== null ? (value as { accountId?: unknown }).accountId : undefined;
            if (typeof accountId === "string") authenticator.invalidateAccount(accountId);
          },
        }),
      ]);
    },
  };
}
