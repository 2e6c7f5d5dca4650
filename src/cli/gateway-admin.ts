import { formatUsd } from "../billing/money.js";
import { ERROR_KINDS, GatewayError, type ErrorKind } from "../core/errors.js";
import type { AdminOperations, KeyChange } from "./admin-operations.js";

const ACCOUNT = "id name disabled createdAt balance { balance reserved available purchased: totalPurchased usage: totalUsage }";
const KEY =
  "hash accountId kind name label disabled expiresAt spendLimit: limit limitReset limitRemaining limitResetsAt includeByokInLimit createdAt updatedAt";
const PAYMENT = "id kind status credits fee charged refunded provider createdAt";
const AUTO_TOP_UP = "enabled threshold amount failures lastError nextAttemptAt";

/** GraphQL enums are upper case; the CLI prints them as the REST API and the direct mode do. */
function lowerEnums(key: Record<string, unknown>): Record<string, unknown> {
  return {
    ...key,
    ...(typeof key.kind === "string" ? { kind: key.kind.toLowerCase() } : {}),
    ...(typeof key.limitReset === "string" ? { limitReset: key.limitReset.toLowerCase() } : {}),
  };
}

function kindOf(code: unknown): ErrorKind {
  const found = Object.entries(ERROR_KINDS).find(([, value]) => value.graphqlCode === code);
  return (found?.[0] as ErrorKind | undefined) ?? "server";
}

function decimal(amount: bigint | null | undefined): string | null | undefined {
  return amount === undefined || amount === null ? amount : formatUsd(amount);
}

/**
 * The CLI's operations sent to a running gateway as GraphQL with the management key, so operators can
 * administer a gateway that holds its PGlite folder (or any remote gateway) without opening the database.
 * A GraphQL error comes back as the GatewayError of its `extensions.code`, so the CLI reports it as it does a
 * refusal in direct mode.
 */
export function createGatewayAdmin(options: { url: string; managementKey: string; fetch?: typeof fetch }): AdminOperations {
  const endpoint = `${options.url.replace(/\/+$/, "")}/graphql`;
  const send = options.fetch ?? fetch;

  async function call<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    let response: Response;
    try {
      response = await send(endpoint, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${options.managementKey}` },
        body: JSON.stringify({ query, variables }),
      });
    } catch (error) {
      throw new GatewayError("provider_unavailable", `Could not reach the gateway at ${options.url}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const body = (await response.json().catch(() => ({}))) as { data?: T; errors?: Array<{ message: string; extensions?: { code?: unknown } }> };
    const first = body.errors?.[0];
    if (first !== undefined) throw new GatewayError(kindOf(first.extensions?.code), first.message);
    if (body.data === undefined) throw new GatewayError("server", `The gateway at ${options.url} answered HTTP ${response.status} without data`);
    return body.data;
  }

  function keyInput(change: KeyChange): Record<string, unknown> {
    return {
      ...(change.name === undefined ? {} : { name: change.name }),
      ...(change.disabled === undefined ? {} : { disabled: change.disabled }),
      ...(change.spendLimit === undefined ? {} : { limit: decimal(change.spendLimit) }),
      ...(change.limitReset === undefined ? {} : { limitReset: change.limitReset?.toUpperCase() ?? null }),
    };
  }

  return {
    target: `the gateway at ${options.url}`,
    async createAccount(input) {
      return (await call<{ createAccount: unknown }>(`mutation($input: CreateAccountInput!) { createAccount(input: $input) { ${ACCOUNT} } }`, { input })).createAccount;
    },
    async listAccounts(input) {
      return (await call<{ accounts: unknown }>(`query($first: Int!, $offset: Int!) { accounts(first: $first, offset: $offset) { ${ACCOUNT} } }`, { first: input.limit, offset: input.offset }))
        .accounts;
    },
    async setAccountDisabled(accountId, disabled) {
      return (await call<{ updateAccount: unknown }>(`mutation($id: ID!, $input: UpdateAccountInput!) { updateAccount(id: $id, input: $input) { ${ACCOUNT} } }`, { id: accountId, input: { disabled } }))
        .updateAccount;
    },
    async createKey(input) {
      const created = (
        await call<{ createKey: { plaintext: string; key: Record<string, unknown> } }>(`mutation($input: CreateKeyInput!) { createKey(input: $input) { plaintext key { ${KEY} } } }`, {
          input: {
            accountId: input.accountId,
            kind: input.kind.toUpperCase(),
            name: input.name,
            limit: decimal(input.spendLimit),
            limitReset: input.limitReset?.toUpperCase() ?? null,
            includeByokInLimit: input.includeByokInLimit,
            expiresAt: input.expiresAt?.toISOString() ?? null,
          },
        })
      ).createKey;
      return { key: created.plaintext, note: "Store this key now: it is not shown again.", ...lowerEnums(created.key) };
    },
    async listKeys(input) {
      // The admin API lists keys per account; without --account, every account's.
      const accounts =
        input.accountId === undefined
          ? (await call<{ accounts: Array<{ keys: Array<Record<string, unknown>> }> }>(`{ accounts(first: 500) { keys { ${KEY} } } }`)).accounts
          : [(await call<{ account: { keys: Array<Record<string, unknown>> } }>(`query($id: ID!) { account(id: $id) { keys { ${KEY} } } }`, { id: input.accountId })).account];
      return accounts.flatMap((account) => account.keys).filter((key) => input.includeDisabled || key.disabled !== true).map(lowerEnums);
    },
    async getKey(hash) {
      return lowerEnums((await call<{ key: Record<string, unknown> }>(`query($hash: String!) { key(hash: $hash) { ${KEY} } }`, { hash })).key);
    },
    async updateKey(hash, change) {
      return lowerEnums(
        (await call<{ updateKey: Record<string, unknown> }>(`mutation($hash: String!, $input: UpdateKeyInput!) { updateKey(hash: $hash, input: $input) { ${KEY} } }`, { hash, input: keyInput(change) }))
          .updateKey,
      );
    },
    async deleteKey(hash) {
      await call(`mutation($hash: String!) { deleteKey(hash: $hash) }`, { hash });
      return { deleted: true, hash };
    },
    async purchaseCredits(input) {
      const { purchaseCredits } = await call<{
        purchaseCredits: { payment: { fee: string }; standardFee: string; volumeDiscount: string; account: { balance: { balance: string } } };
      }>(`mutation($input: PurchaseCreditsInput!) { purchaseCredits(input: $input) { payment { ${PAYMENT} } standardFee volumeDiscount account { balance { balance } } } }`, {
        input: { accountId: input.accountId, amount: formatUsd(input.credits) },
      });
      const { payment, standardFee, volumeDiscount, account } = purchaseCredits;
      return { payment, fee: payment.fee, standardFee, volumeDiscount, balance: account.balance.balance };
    },
    async grantCredits(input) {
      const { grantCredits } = await call<{ grantCredits: { id: string; balance: { balance: string } } }>(
        `mutation($input: GrantCreditsInput!) { grantCredits(input: $input) { id balance { balance } } }`,
        { input: { accountId: input.accountId, amount: formatUsd(input.credits), reason: input.reason ?? null } },
      );
      return { accountId: grantCredits.id, balance: grantCredits.balance.balance };
    },
    async refundPayment(input) {
      const { refundPayment } = await call<{ refundPayment: { id: string; balance: { balance: string } } }>(
        `mutation($input: RefundPaymentInput!) { refundPayment(input: $input) { id balance { balance } } }`,
        { input: { paymentId: input.paymentId, amount: decimal(input.credits) ?? null, reason: input.reason ?? null } },
      );
      return { accountId: refundPayment.id, balance: refundPayment.balance.balance };
    },
    async adjustCredits(input) {
      const { adjustCredits } = await call<{ adjustCredits: { id: string; balance: { balance: string } } }>(
        `mutation($input: AdjustCreditsInput!) { adjustCredits(input: $input) { id balance { balance } } }`,
        { input: { accountId: input.accountId, amount: formatUsd(input.amount), reason: input.reason } },
      );
      return { accountId: adjustCredits.id, balance: adjustCredits.balance.balance };
    },
    async balance(accountId) {
      return (await call<{ account: { balance: unknown } }>(`query($id: ID!) { account(id: $id) { balance { balance reserved available purchased: totalPurchased usage: totalUsage } } }`, { id: accountId }))
        .account.balance;
    },
    async configureAutoTopUp(input) {
      return (
        await call<{ configureAutoTopUp: unknown }>(`mutation($input: ConfigureAutoTopUpInput!) { configureAutoTopUp(input: $input) { ${AUTO_TOP_UP} } }`, {
          input: { accountId: input.accountId, enabled: input.enabled, threshold: formatUsd(input.threshold), amount: formatUsd(input.amount) },
        })
      ).configureAutoTopUp;
    },
    async ledger(input) {
      const { account } = await call<{
        account: { balance: unknown; ledger: { edges: Array<{ node: Record<string, unknown> }>; pageInfo: { endCursor: string | null } } };
      }>(
        `query($id: ID!, $first: Int!, $after: String, $types: [LedgerEntryType!]) { account(id: $id) { balance { balance reserved available purchased: totalPurchased usage: totalUsage } ledger(first: $first, after: $after, types: $types) { edges { node { id type amount balanceAfter description generationId keyHash model paymentId createdAt } } pageInfo { endCursor } } } }`,
        { id: input.accountId, first: input.first, after: input.after ?? null, types: input.types?.map((type) => type.toUpperCase()) ?? null },
      );
      return {
        balance: account.balance,
        entries: account.ledger.edges.map((edge) => ({ ...edge.node, type: typeof edge.node.type === "string" ? edge.node.type.toLowerCase() : edge.node.type })),
        nextCursor: account.ledger.pageInfo.endCursor,
      };
    },
    close: () => Promise.resolve(),
  };
}
