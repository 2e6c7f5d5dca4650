import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { requirePrincipal } from "../../accounts/require-principal.js";
import { invalidRequest } from "../../core/errors.js";
import { Role } from "../auth-checker.js";
import { listComplexity } from "../catalog/catalog-complexity.js";
import type { GraphQLContext } from "../context.js";
import { AutoTopUp } from "../billing/auto-top-up.type.js";
import { Balance } from "../billing/balance.type.js";
import { LedgerEntryTypeEnum } from "../billing/ledger-entry-type.enum.js";
import { LedgerEntryConnection } from "../billing/ledger-entry.type.js";
import { DEFAULT_LEDGER_PAGE, MAX_LEDGER_PAGE_GRAPHQL, ledgerComplexity, toLedgerConnection } from "../billing/ledger-page.js";
import { Payment } from "../billing/payment.type.js";
import { toDecimal } from "../billing/money-fields.js";
import { AccountUsage, summaryFields } from "../usage/usage-summary.type.js";
import { Account } from "./account.type.js";
import { ApiKey } from "./api-key.type.js";
import { CreateAccountInput, UpdateAccountInput } from "./key.inputs.js";

/** Keys an account typically has, for the complexity estimate of `Account.keys`. */
const KEYS_PER_ACCOUNT_ESTIMATE = 20;
const MAX_ACCOUNTS_PAGE = 100;

/**
 * Accounts: `viewer` (the caller's own), `account(id)` and, for operators, `accounts`, `createAccount` and
 * `updateAccount`.
 * Every account reaches the client through a service call that checked the caller may see it; its fields
 * are then batched through the operation's DataLoaders.
 */
@Resolver(() => Account)
export class AccountResolver {
  @Authorized()
  @Query(() => Account, { nullable: true, description: "The calling key's account (null for an operator key, which belongs to none)." })
  async viewer(@Ctx() context: GraphQLContext): Promise<Account | null> {
    const principal = requirePrincipal(context.principal);
    if (principal.accountId === null) return null;
    return Account.from(await context.services.accounts.get(principal, principal.accountId));
  }

  @Authorized()
  @Query(() => ApiKey, { nullable: true, description: "The calling key itself, with its limit and usage (null for the MANAGEMENT_KEY, which is not stored)." })
  async currentKey(@Ctx() context: GraphQLContext): Promise<ApiKey | null> {
    const principal = requirePrincipal(context.principal);
    if (principal.key === undefined) return null;
    return ApiKey.from(await context.services.keys.get(principal, principal.keyHash));
  }

  @Authorized()
  @Query(() => Account, { description: "An account by id: the caller's own, or any for an operator. Any other id is NOT_FOUND." })
  async account(@Arg("id", () => ID) id: string, @Ctx() context: GraphQLContext): Promise<Account> {
    return Account.from(await context.services.accounts.get(requirePrincipal(context.principal), id));
  }

  @Authorized(Role.Management)
  @Query(() => [Account], { description: "Every account, oldest first (management keys only).", complexity: listComplexity(MAX_ACCOUNTS_PAGE) })
  async accounts(
    @Arg("first", () => Int, { defaultValue: 50 }) first: number,
    @Arg("offset", () => Int, { defaultValue: 0 }) offset: number,
    @Ctx() context: GraphQLContext,
  ): Promise<Account[]> {
    if (first < 1 || first > MAX_ACCOUNTS_PAGE) throw invalidRequest(`first must be 1 to ${MAX_ACCOUNTS_PAGE}`, "first");
    if (offset < 0) throw invalidRequest("offset must not be negative", "offset");
    const rows = await context.services.accounts.list(requirePrincipal(context.principal), { offset, limit: first });
    return rows.map((row) => Account.from(row));
  }

  @Authorized(Role.Management)
  @Mutation(() => Account, { description: "Creates an account with a zero balance (operators only)." })
  async createAccount(@Arg("input", () => CreateAccountInput) input: CreateAccountInput, @Ctx() context: GraphQLContext): Promise<Account> {
    return Account.from(await context.services.accounts.create(requirePrincipal(context.principal), { name: input.name }));
  }

  @Authorized(Role.Management)
  @Mutation(() => Account, { description: "Renames, disables or enables an account (operators only). A disabled account's keys are refused within seconds on every instance." })
  async updateAccount(
    @Arg("id", () => ID) id: string,
    @Arg("input", () => UpdateAccountInput) input: UpdateAccountInput,
    @Ctx() context: GraphQLContext,
  ): Promise<Account> {
    const changes: { name?: string; disabled?: boolean } = {};
    if (input.name !== undefined && input.name !== null) changes.name = input.name;
    if (input.disabled !== undefined && input.disabled !== null) changes.disabled = input.disabled;
    return Account.from(await context.services.accounts.update(requirePrincipal(context.principal), id, changes));
  }

  @FieldResolver(() => Balance, { description: "Balance, reserved and available credits." })
  async balance(@Root() account: Account, @Ctx() context: GraphQLContext): Promise<Balance> {
    return Balance.from(await context.loaders.accounts.balance.load(account.id));
  }

  @FieldResolver(() => [ApiKey], { description: "The account's API keys (not deleted).", complexity: listComplexity(KEYS_PER_ACCOUNT_ESTIMATE) })
  async keys(@Root() account: Account, @Ctx() context: GraphQLContext): Promise<ApiKey[]> {
    const views = await context.loaders.accounts.keys.load(account.id);
    return views.map((view) => ApiKey.from(view));
  }

  @FieldResolver(() => AccountUsage, { description: "Usage since the account began: the ledger's total and the generation rollups' sums." })
  async usage(@Root() account: Account, @Ctx() context: GraphQLContext): Promise<AccountUsage> {
    await context.services.generations.writeQueued();
    const [balance, summary] = await Promise.all([context.loaders.accounts.balance.load(account.id), context.loaders.usage.accountSummary.load(account.id)]);
    return Object.assign(new AccountUsage(), { total: toDecimal(balance.usage), ...summaryFields(summary) });
  }

  @FieldResolver(() => AutoTopUp)
  async autoTopUp(@Root() account: Account, @Ctx() context: GraphQLContext): Promise<AutoTopUp> {
    return AutoTopUp.from(await context.loaders.accounts.autoTopUp.load(account.id));
  }

  @FieldResolver(() => LedgerEntryConnection, { description: "Ledger entries, newest first.", complexity: ledgerComplexity })
  async ledger(
    @Root() account: Account,
    @Arg("first", () => Int, { defaultValue: DEFAULT_LEDGER_PAGE, description: `1 to ${MAX_LEDGER_PAGE_GRAPHQL}.` }) first: number,
    @Arg("after", () => String, { nullable: true, description: "endCursor of the previous page." }) after: string | null,
    @Arg("types", () => [LedgerEntryTypeEnum], { nullable: true }) types: LedgerEntryTypeEnum[] | null,
    @Ctx() context: GraphQLContext,
  ): Promise<LedgerEntryConnection> {
    if (first > MAX_LEDGER_PAGE_GRAPHQL) throw invalidRequest(`first must be at most ${MAX_LEDGER_PAGE_GRAPHQL}`, "first");
    const page = await context.services.ledgerQueries.entries(requirePrincipal(context.principal), {
      accountId: account.id,
      first,
      after,
      types: types ?? undefined,
    });
    return toLedgerConnection(page, after);
  }

  @FieldResolver(() => [Payment], { description: "Payments, newest first, failed ones included.", complexity: listComplexity(20) })
  async payments(
    @Root() account: Account,
    @Arg("first", () => Int, { defaultValue: 20 }) first: number,
    @Ctx() context: GraphQLContext,
  ): Promise<Payment[]> {
    const rows = await context.services.ledgerQueries.payments(requirePrincipal(context.principal), { accountId: account.id, first });
    return rows.map((row) => Payment.from(row));
  }
}
