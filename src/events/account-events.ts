import type { Amount } from "../billing/money.js";
import type { PubSub } from "../pubsub/pub-sub.js";
import { topicKey } from "../pubsub/pub-sub.js";

/**
 * Live facts about one account, published by the services where they happen (ledger settlement, credit
 * purchases and grants, key limits, the end of a generation), so REST and GraphQL traffic produce the same
 * events. They travel on the account's own topic, `ACCOUNT_EVENTS:<accountId>`, and nowhere else: a
 * subscriber names one topic, so no event can reach another account's subscriber.
 *
 * An event is a notification, not the record: the ledger and the generation rows stay the truth. Amounts
 * are exact pico-dollars (`bigint`), as the ledger keeps them.
 */
export type AccountEvent = BalanceChangedEvent | KeyLimitReachedEvent | KeyLimitResetEvent | CreditsAddedEvent | GenerationFinishedEvent | AccountDisabledEvent;

/** The balance moved (a settlement, a lease's charges, credits in or out). Subscribers read the figures as they deliver it. */
export interface BalanceChangedEvent {
  type: "balance_changed";
  accountId: string;
  /** What moved it. */
  cause: "usage" | "credits";
  /** The balance right after the change, from the statement that made it. */
  balance: Amount;
}

/** A key's spend limit refused a request: what it needed did not fit in what the key has left this period. */
export interface KeyLimitReachedEvent {
  type: "key_limit_reached";
  accountId: string;
  keyHash: string;
  limit: Amount;
  /** Spent (and held) in the current period when the request was refused. */
  usage: Amount;
  limitReset: "daily" | "weekly" | "monthly" | null;
}

/** A key's spend counts from zero again: its period rolled over, or an operator changed its limit. */
export interface KeyLimitResetEvent {
  type: "key_limit_reset";
  accountId: string;
  keyHash: string;
  reason: "period" | "operator";
  limit: Amount | null;
  limitReset: "daily" | "weekly" | "monthly" | null;
}

/** Credits came in: a purchase (payment provider) or an operator's grant. */
export interface CreditsAddedEvent {
  type: "credits_added";
  accountId: string;
  source: "purchase" | "grant";
  credits: Amount;
  balance: Amount;
  /** The payment, for a purchase. */
  paymentId: string | null;
}

/** A generation ended and was charged. */
export interface GenerationFinishedEvent {
  type: "generation_finished";
  accountId: string;
  generationId: string;
  model: string;
  cost: Amount;
  keyHash: string;
}

/**
 * A key was deleted or disabled: published on `KEY_REVOKED:<key hash>` (not on an account's topic, so an
 * operator's management key, which belongs to no account, is covered too). It ends the subscriptions opened
 * with that key on every instance, since a revoked key may not go on watching an account.
 */
export const KEY_REVOKED_TOPIC = "KEY_REVOKED";

/** The account was disabled: not shown to subscribers; it ends the subscriptions of the account's own keys (not operators'). */
export interface AccountDisabledEvent {
  type: "account_disabled";
  accountId: string;
}

/** The topic of one account's events. */
export const ACCOUNT_EVENTS_TOPIC = "ACCOUNT_EVENTS";

/** The full topic key of an account's events, e.g. `ACCOUNT_EVENTS:7c0d...`. */
export function accountEventsKey(accountId: string): string {
  return topicKey(ACCOUNT_EVENTS_TOPIC, accountId);
}

/** How services announce account events; a no-op one serves the CLI, which has no subscribers. */
export interface AccountEventPublisher {
  /** To the account's subscribers on every instance. */
  publish(event: AccountEvent): void;
  /** To the account's subscribers on this instance only (facts every instance observes itself). */
  publishLocally(event: AccountEvent): void;
}

/** Publishes on the account's topic of `pubSub`. */
export function createAccountEventPublisher(pubSub: PubSub): AccountEventPublisher {
  return {
    publish: (event) => pubSub.publish(ACCOUNT_EVENTS_TOPIC, event.accountId, event),
    publishLocally: (event) => pubSub.publishLocally(accountEventsKey(event.accountId), event),
  };
}

/** A publisher that drops everything (the CLI, tests of services alone). */
export const NO_ACCOUNT_EVENTS: AccountEventPublisher = { publish: () => {}, publishLocally: () => {} };

/** Narrows a PubSub payload to an account event of `accountId`; anything else (or another account's) is refused. */
export function isAccountEventOf(value: unknown, accountId: string): value is AccountEvent {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as { type?: unknown; accountId?: unknown };
  return typeof candidate.type === "string" && candidate.accountId === accountId;
}
