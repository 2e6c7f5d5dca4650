import { Arg, ID, Resolver, Root, Subscription } from "type-graphql";
import type { SubscribeResolverData } from "type-graphql";
import { targetAccount } from "../../accounts/account-scope.js";
import { requirePrincipal } from "../../accounts/require-principal.js";
import type { DeliveredAccountEvent } from "../../events/account-event-stream.js";
import { accountEventStream } from "../../events/account-event-stream.js";
import type { GraphQLContext } from "../context.js";
import { AccountEventUnion, toAccountEventObject } from "./account-event.type.js";

/**
 * Live account events over graphql-ws. An API key watches its own account (naming another is "not found", as
 * everywhere); an operator's management key names the account. The first event is the current balance, sent
 * once the subscription is live on every instance; a key deleted or disabled meanwhile ends its stream.
 */
@Resolver()
export class AccountEventsResolver {
  @Subscription(() => AccountEventUnion, {
    description:
      "Events of one account as they happen, through any instance: balance changes (the first event is the current balance), " +
      "key limits reached or reset, credits purchased or granted, generations finished. API keys: their own account; " +
      "management keys: the account named.",
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, { accountId?: string | null }, GraphQLContext>) => {
      const principal = requirePrincipal(context.principal);
      const accountId = targetAccount(principal, args.accountId, "accountId");
      // An operator naming an account that does not exist hears "not found", not an endless silence.
      await context.services.accounts.get(principal, accountId);
      return accountEventStream({
        pubSub: context.services.pubSub,
        accountId,
        // The MANAGEMENT_KEY operator key is not stored (it has no key facts) and cannot be revoked.
        keyHash: principal.key === undefined ? null : principal.keyHash,
        ownKey: principal.accountId === accountId,
        balanceOf: (id) => context.services.ledger.balanceOf(id),
      });
    },
  })
  accountEvents(
    @Root() event: DeliveredAccountEvent,
    @Arg("accountId", () => ID, { nullable: true, description: "The account to watch (management keys only; API keys watch their own)." }) _accountId?: string | null,
  ): typeof AccountEventUnion {
    return toAccountEventObject(event);
  }
}
