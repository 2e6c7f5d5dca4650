import type { Client } from "graphql-ws";
import { webSocketClient } from "./graphql-client.js";

/** Every field of every `accountEvents` member, with `__typename`. */
export const ACCOUNT_EVENTS_SUBSCRIPTION = `subscription AccountEvents($accountId: ID) {
  accountEvents(accountId: $accountId) {
    __typename
    ... on BalanceChanged { accountId cause balance reserved available }
    ... on KeyLimitReached { accountId keyHash limit usage limitReset }
    ... on KeyLimitReset { accountId keyHash reason newLimit limitReset }
    ... on CreditsAdded { accountId source credits balance paymentId }
    ... on GenerationFinished { accountId generationId model cost keyHash }
  }
}`;

/** One received `accountEvents` item. */
export type ReceivedEvent = { __typename: string; accountId: string } & Record<string, unknown>;

/** An open `accountEvents` subscription over graphql-ws, recording what it receives. */
export interface AccountEventsSubscriber {
  /** Everything received so far, in order. */
  readonly events: ReceivedEvent[];
  /**
   * The first event matching `predicate` that `until` has not returned before, waiting for it if need be. Events
   * of one fact can arrive in either order (a charge's balance and its generation), so this does not skip.
   */
  until(predicate: (event: ReceivedEvent) => boolean): Promise<ReceivedEvent>;
  /** Resolves when the server completes the subscription; rejects with the errors it sent. */
  readonly ended: Promise<void>;
  close(): Promise<void>;
}

/**
 * Subscribes to `accountEvents` on `baseUrl` with `apiKey` (and `accountId` for operators), and resolves once
 * the first event, the current balance, arrived: from then on the subscription is live everywhere.
 */
export async function subscribeToAccountEvents(baseUrl: string, apiKey: string, accountId?: string): Promise<AccountEventsSubscriber> {
  const client: Client = webSocketClient(baseUrl, apiKey);
  const events: ReceivedEvent[] = [];
  const waiters: Array<{ predicate: (event: ReceivedEvent) => boolean; resolve: (event: ReceivedEvent) => void; reject: (error: unknown) => void }> = [];
  let failure: unknown;
  const taken = new Set<number>();
  const ended = new Promise<void>((resolve, reject) => {
    client.subscribe<{ accountEvents: ReceivedEvent }>(
      { query: ACCOUNT_EVENTS_SUBSCRIPTION, variables: accountId === undefined ? {} : { accountId } },
      {
        next: (message) => {
          const event = message.data?.accountEvents;
          if (message.errors !== undefined || event === undefined) {
            failure = message.errors ?? new Error("an event without data");
            return;
          }
          events.push(event);
          const waiter = waiters[0];
          if (waiter !== undefined && waiter.predicate(event)) {
            waiters.shift();
            taken.add(events.length - 1);
            waiter.resolve(event);
          }
        },
        error: (error) => {
          failure = error;
          for (const waiter of waiters.splice(0)) waiter.reject(error);
          reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
        },
        complete: () => {
          for (const waiter of waiters.splice(0)) waiter.reject(new Error(`the subscription ended before the event arrived; received ${JSON.stringify(events)}`));
          resolve();
        },
      },
    );
  });
  ended.catch(() => {});
  const until = (predicate: (event: ReceivedEvent) => boolean): Promise<ReceivedEvent> => {
    const index = events.findIndex((event, at) => !taken.has(at) && predicate(event));
    const found = events[index];
    if (found !== undefined) {
      taken.add(index);
      return Promise.resolve(found);
    }
    if (failure !== undefined) return Promise.reject(failure instanceof Error ? failure : new Error(JSON.stringify(failure)));
    return new Promise((resolve, reject) => waiters.push({ predicate, resolve, reject }));
  };
  await until((event) => event.__typename === "BalanceChanged" && event.cause === "SUBSCRIBED");
  return { events, until, ended, close: () => client.dispose() as Promise<void> };
}

/** The first error a subscription gets instead of events (a refused subscribe), with its extensions. */
export function subscriptionError(baseUrl: string, apiKey: string, variables: Record<string, unknown>): Promise<Array<{ message: string; extensions?: Record<string, unknown> }>> {
  const client = webSocketClient(baseUrl, apiKey);
  return new Promise((resolve, reject) => {
    client.subscribe(
      { query: ACCOUNT_EVENTS_SUBSCRIPTION, variables },
      {
        next: (message) => {
          if (message.errors !== undefined) resolve(message.errors as Array<{ message: string; extensions?: Record<string, unknown> }>);
          else reject(new Error(`expected an error, got ${JSON.stringify(message.data)}`));
        },
        error: (error) => (Array.isArray(error) ? resolve(error as Array<{ message: string; extensions?: Record<string, unknown> }>) : reject(error instanceof Error ? error : new Error(String(error)))),
        complete: () => {},
      },
    );
  }).finally(() => void client.dispose()) as Promise<Array<{ message: string; extensions?: Record<string, unknown> }>>;
}
