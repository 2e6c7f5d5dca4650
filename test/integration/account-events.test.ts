import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatUsd, parseUsd } from "../../src/billing/money.js";
import type { FundedKey } from "../support/api-keys.js";
import { TEST_OPERATOR, createFundedKey } from "../support/api-keys.js";
import type { AccountEventsSubscriber } from "../support/account-events-subscriber.js";
import { subscribeToAccountEvents, subscriptionError } from "../support/account-events-subscriber.js";
import { graphqlRequest } from "../support/graphql-client.js";
import type { SimulatedProviders } from "../support/simulated-providers.js";
import { startSimulatedProviders } from "../support/simulated-providers.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * `accountEvents` over graphql-ws on a real port: the events come from the services where the facts happen
 * (REST completions through the openai SDK, GraphQL credit mutations, REST key changes), carry the ledger's
 * exact figures, and never reach another account's subscriber.
 */
const MANAGEMENT_KEY = "mgmt-account-events-test-key-0123456789";
let providers: SimulatedProviders;
let gateway: TestGateway;
let alice: FundedKey;
let bob: FundedKey;
const open: AccountEventsSubscriber[] = [];

async function subscribe(apiKey: string, accountId?: string): Promise<AccountEventsSubscriber> {
  const subscriber = await subscribeToAccountEvents(gateway.url, apiKey, accountId);
  open.push(subscriber);
  return subscriber;
}

async function balanceOf(key: FundedKey): Promise<string> {
  return formatUsd(await key.balance());
}

beforeAll(async () => {
  providers = await startSimulatedProviders();
  gateway = await startTestGateway({ env: providers.env, config: { MANAGEMENT_KEY } });
  alice = await createFundedKey(gateway, { usd: "10", name: "alice" });
  bob = await createFundedKey(gateway, { usd: "5", name: "bob" });
});

afterAll(async () => {
  for (const subscriber of open) await subscriber.close();
  await gateway?.stop();
  await providers?.close();
});

describe("accountEvents", () => {
  it("starts with the current balance, then a REST completion's generation and its charge, with the ledger's exact figures", async () => {
    const events = await subscribe(alice.apiKey);
    expect(events.events[0]).toEqual({ __typename: "BalanceChanged", accountId: alice.accountId, cause: "SUBSCRIBED", balance: "10", reserved: "0", available: "10" });

    const client = new OpenAI({ baseURL: `${gateway.url}/api/v1`, apiKey: alice.apiKey, maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Say hello" }] });
    const finished = await events.until((event) => event.__typename === "GenerationFinished");
    const record = await gateway.services.generations.find(completion.id);
    expect(finished).toEqual({
      __typename: "GenerationFinished",
      accountId: alice.accountId,
      generationId: completion.id,
      model: "openai/gpt-4o-mini",
      cost: formatUsd(record?.totalCost ?? -1n),
      keyHash: alice.keyHash,
    });
    expect(record?.totalCost).toBeGreaterThan(0n);
    const charged = await events.until((event) => event.__typename === "BalanceChanged" && event.cause === "USAGE");
    const balance = await balanceOf(alice);
    expect(balance).toBe(formatUsd(parseUsd("10") - (record?.totalCost ?? 0n)));
    expect(charged.balance).toBe(balance);
    expect(parseUsd(String(charged.available)) + parseUsd(String(charged.reserved))).toBe(parseUsd(balance));
  });

  it("announces credits granted by an operator and purchased by the account (GraphQL mutations), each with the balance after", async () => {
    const events = await subscribe(alice.apiKey);
    const before = parseUsd(await balanceOf(alice));
    const granted = await graphqlRequest(gateway.url, "mutation($input: GrantCreditsInput!) { grantCredits(input: $input) { id } }", {
      apiKey: MANAGEMENT_KEY,
      variables: { input: { accountId: alice.accountId, amount: "2.5" } },
    });
    expect(granted.errors).toBeUndefined();
    expect(await events.until((event) => event.__typename === "CreditsAdded")).toEqual({
      __typename: "CreditsAdded",
      accountId: alice.accountId,
      source: "GRANT",
      credits: "2.5",
      balance: formatUsd(before + parseUsd("2.5")),
      paymentId: null,
    });
    expect(await events.until((event) => event.__typename === "BalanceChanged")).toMatchObject({ cause: "CREDITS", balance: formatUsd(before + parseUsd("2.5")) });

    const purchased = await graphqlRequest<{ purchaseCredits: { payment: { id: string } } }>(
      gateway.url,
      "mutation($input: PurchaseCreditsInput!) { purchaseCredits(input: $input) { payment { id } } }",
      { apiKey: alice.apiKey, variables: { input: { amount: "20" } } },
    );
    expect(purchased.errors).toBeUndefined();
    expect(await events.until((event) => event.__typename === "CreditsAdded")).toEqual({
      __typename: "CreditsAdded",
      accountId: alice.accountId,
      source: "PURCHASE",
      credits: "20",
      balance: await balanceOf(alice),
      paymentId: purchased.data?.purchaseCredits.payment.id,
    });
  });

  it("announces a key's limit reached when it refuses a request (402), and reset when an operator changes the limit (REST)", async () => {
    const limited = await gateway.services.keys.create(TEST_OPERATOR, { accountId: alice.accountId, name: "tiny budget", spendLimit: parseUsd("0.000001"), limitReset: "daily" });
    const events = await subscribe(alice.apiKey);
    const client = new OpenAI({ baseURL: `${gateway.url}/api/v1`, apiKey: limited.plaintext, maxRetries: 0 });
    await expect(client.chat.completions.create({ model: "openai/gpt-4o", messages: [{ role: "user", content: "Say hello" }] })).rejects.toMatchObject({ status: 402 });
    expect(await events.until((event) => event.__typename === "KeyLimitReached")).toEqual({
      __typename: "KeyLimitReached",
      accountId: alice.accountId,
      keyHash: limited.key.hash,
      limit: "0.000001",
      usage: "0",
      limitReset: "DAILY",
    });

    const response = await fetch(`${gateway.url}/api/v1/keys/${limited.key.hash}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${MANAGEMENT_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ limit: 5, limit_reset: "weekly" }),
    });
    expect(response.status).toBe(200);
    expect(await events.until((event) => event.__typename === "KeyLimitReset")).toEqual({
      __typename: "KeyLimitReset",
      accountId: alice.accountId,
      keyHash: limited.key.hash,
      reason: "OPERATOR",
      newLimit: "5",
      limitReset: "WEEKLY",
    });
  });

  it("never lets an event cross accounts: bob hears only his own, though alice's traffic came first", async () => {
    const bobEvents = await subscribe(bob.apiKey);
    const aliceEvents = await subscribe(alice.apiKey);
    const client = new OpenAI({ baseURL: `${gateway.url}/api/v1`, apiKey: alice.apiKey, maxRetries: 0 });
    await client.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Say hello" }] });
    await gateway.services.credits.grant(TEST_OPERATOR, { accountId: alice.accountId, credits: parseUsd("1") });
    await aliceEvents.until((event) => event.__typename === "CreditsAdded");
    // Alice's events were all published before bob's grant: had any leaked, bob would have it before his own.
    await gateway.services.credits.grant(TEST_OPERATOR, { accountId: bob.accountId, credits: parseUsd("1") });
    await bobEvents.until((event) => event.__typename === "BalanceChanged" && event.cause === "CREDITS");
    expect(bobEvents.events.map((event) => [event.__typename, event.accountId])).toEqual([
      ["BalanceChanged", bob.accountId],
      ["CreditsAdded", bob.accountId],
      ["BalanceChanged", bob.accountId],
    ]);
    expect(aliceEvents.events.every((event) => event.accountId === alice.accountId)).toBe(true);
    expect(aliceEvents.events.map((event) => event.__typename)).toContain("GenerationFinished");
  });

  it("lets an operator watch an account by name, refuses another account's id to an API key (NOT_FOUND) and a nameless operator (BAD_USER_INPUT)", async () => {
    const watched = await subscribe(MANAGEMENT_KEY, bob.accountId);
    expect(watched.events[0]).toMatchObject({ accountId: bob.accountId, cause: "SUBSCRIBED" });
    await gateway.services.credits.grant(TEST_OPERATOR, { accountId: bob.accountId, credits: parseUsd("0.5") });
    expect(await watched.until((event) => event.__typename === "CreditsAdded")).toMatchObject({ accountId: bob.accountId, credits: "0.5" });

    const foreign = await subscriptionError(gateway.url, alice.apiKey, { accountId: bob.accountId });
    expect(foreign[0]?.extensions?.code).toBe("NOT_FOUND");
    const nameless = await subscriptionError(gateway.url, MANAGEMENT_KEY, {});
    expect(nameless[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("ends the subscriptions of a key when it is disabled (REST)", async () => {
    const second = await gateway.services.keys.create(TEST_OPERATOR, { accountId: bob.accountId, name: "to disable" });
    const doomed = await subscribe(second.plaintext);
    const response = await fetch(`${gateway.url}/api/v1/keys/${second.key.hash}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${MANAGEMENT_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ disabled: true }),
    });
    expect(response.status).toBe(200);
    await doomed.ended;
    expect(doomed.events.map((event) => event.__typename)).toEqual(["BalanceChanged"]);
  });

  it("ends the subscriptions of a key when it is deleted (REST), and only those", async () => {
    const second = await gateway.services.keys.create(TEST_OPERATOR, { accountId: bob.accountId, name: "to delete" });
    const doomed = await subscribe(second.plaintext);
    const survivor = await subscribe(bob.apiKey);
    const response = await fetch(`${gateway.url}/api/v1/keys/${second.key.hash}`, { method: "DELETE", headers: { authorization: `Bearer ${MANAGEMENT_KEY}` } });
    expect(response.status).toBe(200);
    await doomed.ended;
    await gateway.services.credits.grant(TEST_OPERATOR, { accountId: bob.accountId, credits: parseUsd("0.25") });
    expect(await survivor.until((event) => event.__typename === "CreditsAdded")).toMatchObject({ credits: "0.25" });
  });

  it("ends an operator's subscription when its stored management key is deleted", async () => {
    const operatorKey = await gateway.services.keys.create(TEST_OPERATOR, { kind: "management", name: "operator on duty" });
    const watching = await subscribe(operatorKey.plaintext, bob.accountId);
    await gateway.services.keys.delete(TEST_OPERATOR, operatorKey.key.hash);
    await watching.ended;
    expect(watching.events.map((event) => event.__typename)).toEqual(["BalanceChanged"]);
  });

  it("ends the account's own subscriptions when an operator disables the account (GraphQL), not the operator's", async () => {
    const carol = await createFundedKey(gateway, { usd: "1", name: "carol" });
    const own = await subscribe(carol.apiKey);
    const operator = await subscribe(MANAGEMENT_KEY, carol.accountId);
    const disabled = await graphqlRequest(gateway.url, "mutation($id: ID!) { updateAccount(id: $id, input: { disabled: true }) { id disabled } }", {
      apiKey: MANAGEMENT_KEY,
      variables: { id: carol.accountId },
    });
    expect(disabled.errors).toBeUndefined();
    await own.ended;
    await gateway.services.credits.grant(TEST_OPERATOR, { accountId: carol.accountId, credits: parseUsd("0.5") });
    expect(await operator.until((event) => event.__typename === "CreditsAdded")).toMatchObject({ accountId: carol.accountId, credits: "0.5" });
  });
});
