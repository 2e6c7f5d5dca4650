import type { BalanceFigures } from "../billing/ledger-service.js";
import type { PubSub } from "../pubsub/pub-sub.js";
import type { AccountEvent, BalanceChangedEvent } from "./account-events.js";
import { ACCOUNT_EVENTS_TOPIC, KEY_REVOKED_TOPIC, isAccountEventOf } from "./account-events.js";

/** A balance event as delivered: the figures read when it is delivered, and what moved them. */
export interface DeliveredBalance {
  type: "balance";
  accountId: string;
  /** `subscribed`: the figures when the subscription started (its first event). */
  cause: BalanceChangedEvent["cause"] | "subscribed";
  figures: BalanceFigures;
}

/** What a subscriber receives: every account event but the internal `account_disabled`, balances with their figures. */
export type DeliveredAccountEvent = DeliveredBalance | Exclude<AccountEvent, BalanceChangedEvent | { type: "account_disabled" }>;

/**
 * One subscriber's stream of an account's events. It starts with the current balance, sent once the
 * subscription is live on every instance, so a client knows from the first event on that it misses nothing.
 * Balance events carry the figures (balance, reserved, available) as the ledger holds them when the event is
 * delivered, read once per event; the event itself only says that they moved. Only events of `accountId`
 * pass, whatever arrives on the topic. When `keyHash` (the subscriber's key) is deleted or disabled, or the
 * account is disabled and the subscriber is one of its keys, the stream ends.
 */
export async function* accountEventStream(options: {
  pubSub: PubSub;
  accountId: string;
  /** The subscriber's key: its revocation (`KEY_REVOKED`) ends the stream. Null for MANAGEMENT_KEY, which is never stored. */
  keyHash: string | null;
  /** The subscriber is a key of the account (not an operator): disabling the account ends the stream. */
  ownKey: boolean;
  balanceOf: (accountId: string) => Promise<BalanceFigures>;
}): AsyncGenerator<DeliveredAccountEvent> {
  const { accountId } = options;
  const iterator = await options.pubSub.listen(ACCOUNT_EVENTS_TOPIC, accountId);
  let revocation: AsyncIterator<unknown> | undefined;
  try {
    revocation = options.keyHash === null ? undefined : await options.pubSub.listen(KEY_REVOKED_TOPIC, options.keyHash);
  } catch (error) {
    await iterator.return?.();
    throw error;
  }
  // The key's revocation ends the account's iterator, and with it the loop below.
  void revocation?.next().then((result) => (result.done === true ? undefined : iterator.return?.()));
  try {
    yield { type: "balance", accountId, cause: "subscribed", figures: await options.balanceOf(accountId) };
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) return;
      const event = next.value;
      if (!isAccountEventOf(event, accountId)) continue;
      switch (event.type) {
        case "account_disabled":
          if (options.ownKey) return;
          break;
        case "balance_changed":
          yield { type: "balance", accountId, cause: event.cause, figures: await options.balanceOf(accountId) };
          break;
        case "key_limit_reached":
        case "key_limit_reset":
        case "credits_added":
        case "generation_finished":
          yield event;
          break;
        default: {
          const unknownEvent: never = event;
          void unknownEvent;
        }
      }
    }
  } finally {
    await iterator.return?.();
    await revocation?.return?.();
  }
}
