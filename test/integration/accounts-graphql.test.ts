import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey } from "../../src/accounts/key-material.js";
import type { Principal } from "../../src/auth/principal.js";
import { InProcessPaymentProvider } from "../../src/billing/in-process-payment-provider.js";
import { parseUsd } from "../../src/billing/money.js";
import { graphqlRequest } from "../support/graphql-client.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * The accounts and billing GraphQL surface: viewer and currentKey, key mutations, purchases, grants, refunds,
 * auto top-up and the ledger, with roles from @Authorized and exact Decimal money.
 */

const MANAGEMENT_KEY = "mk-operator-graphql-0123456789abcdef";
const OPERATOR: Principal = { kind: "management", accountId: null, keyHash: "operator" };

let gateway: TestGateway;
let accountId: string;
let apiKey: string;

type Result = Awaited<ReturnType<typeof graphqlRequest>>;

async function gql(key: string, query: string, variables?: Record<string, unknown>): Promise<Result> {
  return graphqlRequest(gateway.url, query, { apiKey: key, variables });
}

function data<T>(result: Result): T {
  expect(result.errors).toBeUndefined();
  return result.data as T;
}

function errorCode(result: Result): unknown {
  return result.errors?.[0]?.extensions?.code;
}

beforeAll(async () => {
  gateway = await startTestGateway({ config: { MANAGEMENT_KEY } });
  const created = await gql(MANAGEMENT_KEY, `mutation { createAccount(input: { name: "GraphQL Co" }) { id name balance { balance } } }`);
  const account = data<{ createAccount: { id: string; name: string; balance: { balance: string } } }>(created).createAccount;
  expect(account).toMatchObject({ name: "GraphQL Co", balance: { balance: "0" } });
  accountId = account.id;
  const key = await gql(
    MANAGEMENT_KEY,
    `mutation($accountId: ID) { createKey(input: { accountId: $accountId, name: "app" }) { plaintext key { hash label kind limit } } }`,
    { accountId },
  );
  const createdKey = data<{ createKey: { plaintext: string; key: { hash: string; label: string; kind: string; limit: string | null } } }>(key).createKey;
  expect(createdKey.key).toMatchObject({ hash: hashApiKey(createdKey.plaintext), kind: "API", limit: null });
  apiKey = createdKey.plaintext;
});

afterAll(async () => {
  await gateway?.stop();
});

describe("viewer and currentKey", () => {
  it("show the calling key's account: balance, reserved, keys with limits and usage", async () => {
    await gateway.services.credits.grant(OPERATOR, { accountId, credits: parseUsd("12.000000000005") });
    const reservation = await gateway.services.ledger.reserve({ accountId, keyHash: hashApiKey(apiKey), maxCost: parseUsd("0.5") });
    const result = await gql(
      apiKey,
      `{ viewer { id name balance { balance reserved available totalPurchased totalUsage }
                   keys { hash name label limit limitReset limitRemaining usage { total daily weekly monthly reserved } } }
         currentKey { hash kind usage { reserved } } }`,
    );
    const viewer = data<{ viewer: Record<string, unknown>; currentKey: Record<string, unknown> }>(result);
    expect(viewer.viewer).toMatchObject({
      id: accountId,
      balance: { balance: "12.000000000005", reserved: "0.5", available: "11.500000000005", totalPurchased: "0", totalUsage: "0" },
      keys: [{ hash: hashApiKey(apiKey), name: "app", limit: null, limitRemaining: null, usage: { total: "0", reserved: "0.5" } }],
    });
    expect(viewer.currentKey).toMatchObject({ hash: hashApiKey(apiKey), kind: "API" });
    await gateway.services.ledger.settle(reservation, parseUsd("0.000000000005"));
    const after = data<{ viewer: { balance: { balance: string; totalUsage: string } } }>(await gql(apiKey, "{ viewer { balance { balance totalUsage } } }"));
    expect(after.viewer.balance).toEqual({ balance: "12", totalUsage: "0.000000000005" });
  });

  it("is null for an operator key, and UNAUTHENTICATED without a key", async () => {
    expect(data<{ viewer: null }>(await gql(MANAGEMENT_KEY, "{ viewer { id } }")).viewer).toBeNull();
    const anonymous = await graphqlRequest(gateway.url, "{ viewer { id } }");
    expect(errorCode(anonymous)).toBe("UNAUTHENTICATED");
  });
});

describe("key mutations", () => {
  it("create (plaintext once), update and delete keys of the caller's own account", async () => {
    const created = data<{ createKey: { plaintext: string; key: { hash: string; limit: string; limitReset: string; accountId: string } } }>(
      await gql(apiKey, `mutation { createKey(input: { name: "child", limit: "2.5", limitReset: WEEKLY }) { plaintext key { hash limit limitReset accountId } } }`),
    ).createKey;
    expect(created.key).toMatchObject({ limit: "2.5", limitReset: "WEEKLY", accountId });
    const updated = data<{ updateKey: { name: string; disabled: boolean; limit: string | null } }>(
      await gql(apiKey, `mutation($hash: String!) { updateKey(hash: $hash, input: { name: "renamed", disabled: true, limit: null }) { name disabled limit } }`, {
        hash: created.key.hash,
      }),
    ).updateKey;
    expect(updated).toEqual({ name: "renamed", disabled: true, limit: null });
    expect(data<{ deleteKey: boolean }>(await gql(apiKey, `mutation($hash: String!) { deleteKey(hash: $hash) }`, { hash: created.key.hash })).deleteKey).toBe(true);
    expect(errorCode(await gql(apiKey, `query($hash: String!) { key(hash: $hash) { name } }`, { hash: created.key.hash }))).toBe("NOT_FOUND");
  });

  it("a key with a spend limit cannot create keys (it could mint itself a bigger budget)", async () => {
    const limited = data<{ createKey: { plaintext: string } }>(
      await gql(MANAGEMENT_KEY, `mutation($a: ID) { createKey(input: { accountId: $a, name: "limited", limit: "1" }) { plaintext } }`, { a: accountId }),
    ).createKey.plaintext;
    const refused = await gql(limited, `mutation { createKey(input: { name: "escape" }) { plaintext } }`);
    expect(errorCode(refused)).toBe("FORBIDDEN");
  });

  it("refuse a limit with more than 12 decimals and a float literal", async () => {
    expect(errorCode(await gql(apiKey, `mutation { createKey(input: { name: "x", limit: "0.0000000000001" }) { plaintext } }`))).toBe("BAD_USER_INPUT");
    const float = await gql(apiKey, `mutation { createKey(input: { name: "x", limit: 1.5 }) { plaintext } }`);
    expect(float.errors?.length).toBeGreaterThan(0);
  });
});

describe("credits", () => {
  it("purchaseCredits charges the fee on top and shows the new balance; the ledger pages newest first", async () => {
    const purchase = data<{
      purchaseCredits: { payment: { credits: string; fee: string; charged: string; status: string }; account: { balance: { balance: string; totalPurchased: string } }; volumeDiscount: string };
    }>(
      await gql(apiKey, `mutation { purchaseCredits(input: { amount: "10" }) { payment { credits fee charged status } account { balance { balance totalPurchased } } volumeDiscount } }`),
    ).purchaseCredits;
    expect(purchase).toEqual({
      payment: { credits: "10", fee: "0.8", charged: "10.8", status: "succeeded" },
      account: { balance: { balance: "22", totalPurchased: "10" } },
      volumeDiscount: "0",
    });
    const page = data<{ viewer: { ledger: { edges: Array<{ node: { type: string; amount: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } } } }>(
      await gql(apiKey, `{ viewer { ledger(first: 2) { edges { cursor node { type amount balanceAfter } } pageInfo { hasNextPage endCursor } } } }`),
    ).viewer.ledger;
    expect(page.edges.map((edge) => edge.node)).toEqual([
      { type: "PLATFORM_FEE", amount: "-0.8", balanceAfter: "22" },
      { type: "PURCHASE", amount: "10.8", balanceAfter: "22.8" },
    ]);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const next = data<{ ledgerEntries: { edges: Array<{ node: { type: string } }> } }>(
      await gql(apiKey, `query($a: ID!, $after: String) { ledgerEntries(accountId: $a, first: 10, after: $after) { edges { node { type } } } }`, {
        a: accountId,
        after: page.pageInfo.endCursor,
      }),
    ).ledgerEntries;
    expect(next.edges.map((edge) => edge.node.type)).toEqual(["USAGE", "GRANT"]);
  });

  it("a declined payment is PAYMENT_REQUIRED and shows among payments as failed", async () => {
    const provider = gateway.services.paymentProvider as InProcessPaymentProvider;
    provider.failNext(1, "Card declined (graphql test)");
    const refused = await gql(apiKey, `mutation { purchaseCredits(input: { amount: "5" }) { payment { id } } }`);
    expect(errorCode(refused)).toBe("PAYMENT_REQUIRED");
    const payments = data<{ viewer: { payments: Array<{ status: string; error: string | null }> } }>(await gql(apiKey, "{ viewer { payments { status error } } }"));
    expect(payments.viewer.payments[0]).toEqual({ status: "failed", error: "Card declined (graphql test)" });
  });

  it("grantCredits and refundPayment are for operators: FORBIDDEN for API keys", async () => {
    const grant = `mutation($a: ID!) { grantCredits(input: { accountId: $a, amount: "1", reason: "welcome" }) { balance { balance } } }`;
    expect(errorCode(await gql(apiKey, grant, { a: accountId }))).toBe("FORBIDDEN");
    expect(data<{ grantCredits: { balance: { balance: string } } }>(await gql(MANAGEMENT_KEY, grant, { a: accountId })).grantCredits.balance.balance).toBe("23");
    const payments = data<{ viewer: { payments: Array<{ id: string; status: string }> } }>(await gql(apiKey, "{ viewer { payments { id status } } }")).viewer.payments;
    const paid = payments.find((payment) => payment.status === "succeeded");
    const refund = `mutation($p: ID!) { refundPayment(input: { paymentId: $p, amount: "4" }) { balance { balance totalPurchased } } }`;
    expect(errorCode(await gql(apiKey, refund, { p: paid?.id }))).toBe("FORBIDDEN");
    expect(data<{ refundPayment: { balance: Record<string, string> } }>(await gql(MANAGEMENT_KEY, refund, { p: paid?.id })).refundPayment.balance).toEqual({
      balance: "19",
      totalPurchased: "6",
    });
  });

  it("configureAutoTopUp sets the account's top-up", async () => {
    const configured = data<{ configureAutoTopUp: Record<string, unknown> }>(
      await gql(apiKey, `mutation { configureAutoTopUp(input: { enabled: true, threshold: "5", amount: "25" }) { enabled threshold amount failures } }`),
    ).configureAutoTopUp;
    expect(configured).toEqual({ enabled: true, threshold: "5", amount: "25", failures: 0 });
    expect(data<{ viewer: { autoTopUp: { amount: string } } }>(await gql(apiKey, "{ viewer { autoTopUp { amount } } }")).viewer.autoTopUp.amount).toBe("25");
  });

  it("createAccount and accounts are for management keys: FORBIDDEN for API keys", async () => {
    expect(errorCode(await gql(apiKey, `mutation { createAccount(input: { name: "nope" }) { id } }`))).toBe("FORBIDDEN");
    expect(errorCode(await gql(apiKey, `{ accounts { id } }`))).toBe("FORBIDDEN");
    const all = data<{ accounts: Array<{ id: string }> }>(await gql(MANAGEMENT_KEY, `{ accounts(first: 100) { id } }`)).accounts;
    expect(all.map((account) => account.id)).toContain(accountId);
  });

  it("updateAccount renames an account (trimmed), and refuses an empty name, an empty change and an unknown id", async () => {
    const created = data<{ createAccount: { id: string } }>(await gql(MANAGEMENT_KEY, `mutation { createAccount(input: { name: "Old Name" }) { id } }`)).createAccount;
    const rename = `mutation($id: ID!, $input: UpdateAccountInput!) { updateAccount(id: $id, input: $input) { id name disabled } }`;
    expect(data<{ updateAccount: unknown }>(await gql(MANAGEMENT_KEY, rename, { id: created.id, input: { name: "  New Name " } })).updateAccount).toEqual({
      id: created.id,
      name: "New Name",
      disabled: false,
    });
    expect(errorCode(await gql(MANAGEMENT_KEY, rename, { id: created.id, input: { name: "   " } }))).toBe("BAD_USER_INPUT");
    expect(errorCode(await gql(MANAGEMENT_KEY, rename, { id: created.id, input: {} }))).toBe("BAD_USER_INPUT");
    expect(errorCode(await gql(MANAGEMENT_KEY, rename, { id: "00000000-0000-4000-8000-000000000000", input: { disabled: true } }))).toBe("NOT_FOUND");
    expect(data<{ account: { name: string } }>(await gql(MANAGEMENT_KEY, `query($id: ID!) { account(id: $id) { name } }`, { id: created.id })).account.name).toBe("New Name");
  });
});
