import { Arg, Authorized, Ctx, Field, ID, Int, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import { requirePrincipal } from "../../accounts/require-principal.js";
import { invalidRequest } from "../../core/errors.js";
import { Role } from "../auth-checker.js";
import type { GraphQLContext } from "../context.js";
import { Account } from "../accounts/account.type.js";
import { DecimalScalar } from "../scalars/decimal.scalar.js";
import { AutoTopUp } from "./auto-top-up.type.js";
import { AdjustCreditsInput, ConfigureAutoTopUpInput, GrantCreditsInput, PurchaseCreditsInput, RefundPaymentInput } from "./billing.inputs.js";
import { LedgerEntryTypeEnum } from "./ledger-entry-type.enum.js";
import { LedgerEntryConnection } from "./ledger-entry.type.js";
import { DEFAULT_LEDGER_PAGE, MAX_LEDGER_PAGE_GRAPHQL, ledgerComplexity, toLedgerConnection } from "./ledger-page.js";
import { fromDecimal, toDecimal } from "./money-fields.js";
import { Payment } from "./payment.type.js";

@ObjectType({ description: "A completed credit purchase." })
export class CreditPurchase {
  @Field(() => Payment)
  payment!: Payment;

  @Field(() => Account, { description: "The account, with its new balance." })
  account!: Account;

  @Field(() => DecimalScalar, { description: "Platform fee without any volume discount." })
  standardFee!: string;

  @Field(() => DecimalScalar, { description: "Fee given back by a volume tier (0 when none applied)." })
  volumeDiscount!: string;
}

/**
 * Money mutations and the ledger. Purchases and auto top-up settings: any key of the account (an operator
 * names the account); grants and refunds: operators only (checked by the credit service, after
 * `@Authorized(Role.Management)` has turned API keys away).
 */
@Resolver()
export class BillingResolver {
  @Authorized()
  @Mutation(() => CreditPurchase, { description: "Buys credits through the payment provider; the platform fee is charged on top." })
  async purchaseCredits(@Arg("input", () => PurchaseCreditsInput) input: PurchaseCreditsInput, @Ctx() context: GraphQLContext): Promise<CreditPurchase> {
    const principal = requirePrincipal(context.principal);
    const result = await context.services.credits.purchase(principal, { accountId: input.accountId ?? null, credits: fromDecimal(input.amount, "amount") });
    const account = await context.services.accounts.get(principal, result.payment.accountId);
    return Object.assign(new CreditPurchase(), {
      payment: Payment.from(result.payment),
      account: Account.from(account),
      standardFee: toDecimal(result.fee.standardFee),
      volumeDiscount: toDecimal(result.fee.discount),
    });
  }

  @Authorized(Role.Management)
  @Mutation(() => Account, { description: "Gives an account free credits (operators only)." })
  async grantCredits(@Arg("input", () => GrantCreditsInput) input: GrantCreditsInput, @Ctx() context: GraphQLContext): Promise<Account> {
    const principal = requirePrincipal(context.principal);
    await context.services.credits.grant(principal, { accountId: input.accountId, credits: fromDecimal(input.amount, "amount"), reason: input.reason ?? undefined });
    return Account.from(await context.services.accounts.get(principal, input.accountId));
  }

  @Authorized(Role.Management)
  @Mutation(() => Account, { description: "Adds or takes away credits as a correction, with a reason in the ledger (operators only)." })
  async adjustCredits(@Arg("input", () => AdjustCreditsInput) input: AdjustCreditsInput, @Ctx() context: GraphQLContext): Promise<Account> {
    const principal = requirePrincipal(context.principal);
    await context.services.credits.adjust(principal, { accountId: input.accountId, amount: fromDecimal(input.amount, "amount"), reason: input.reason });
    return Account.from(await context.services.accounts.get(principal, input.accountId));
  }

  @Authorized(Role.Management)
  @Mutation(() => Account, { description: "Refunds credits of a payment (not its fee) through the payment provider (operators only)." })
  async refundPayment(@Arg("input", () => RefundPaymentInput) input: RefundPaymentInput, @Ctx() context: GraphQLContext): Promise<Account> {
    const principal = requirePrincipal(context.principal);
    const change = await context.services.credits.refund(principal, {
      paymentId: input.paymentId,
      credits: input.amount === undefined || input.amount === null ? undefined : fromDecimal(input.amount, "amount"),
      reason: input.reason ?? undefined,
    });
    return Account.from(await context.services.accounts.get(principal, change.accountId));
  }

  @Authorized()
  @Mutation(() => AutoTopUp, { description: "Turns auto top-up on or off and sets its threshold and amount." })
  async configureAutoTopUp(@Arg("input", () => ConfigureAutoTopUpInput) input: ConfigureAutoTopUpInput, @Ctx() context: GraphQLContext): Promise<AutoTopUp> {
    const row = await context.services.autoTopUp.configure(requirePrincipal(context.principal), {
      accountId: input.accountId ?? null,
      enabled: input.enabled,
      threshold: fromDecimal(input.threshold, "threshold"),
      amount: fromDecimal(input.amount, "amount"),
    });
    return AutoTopUp.from(row);
  }

  @Authorized()
  @Query(() => LedgerEntryConnection, { description: "An account's ledger entries, newest first (same as Account.ledger).", complexity: ledgerComplexity })
  async ledgerEntries(
    @Arg("accountId", () => ID) accountId: string,
    @Arg("first", () => Int, { defaultValue: DEFAULT_LEDGER_PAGE }) first: number,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Arg("types", () => [LedgerEntryTypeEnum], { nullable: true }) types: LedgerEntryTypeEnum[] | null,
    @Ctx() context: GraphQLContext,
  ): Promise<LedgerEntryConnection> {
    if (first > MAX_LEDGER_PAGE_GRAPHQL) throw invalidRequest(`first must be at most ${MAX_LEDGER_PAGE_GRAPHQL}`, "first");
    const page = await context.services.ledgerQueries.entries(requirePrincipal(context.principal), { accountId, first, after, types: types ?? undefined });
    return toLedgerConnection(page, after);
  }
}
