import { eq } from "drizzle-orm";
import { getNamedType, isInputObjectType } from "graphql";
import type { GraphQLField } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../../src/auth/principal.js";
import { parseUsd } from "../../src/billing/money.js";
import { generations, payments } from "../../src/db/schema/index.js";
import { buildGatewaySchema } from "../../src/graphql/schema.js";
import { createInProcessPubSub } from "../../src/pubsub/in-process-pub-sub.js";
import { subscriptionError } from "../support/account-events-subscriber.js";
import { graphqlRequest } from "../support/graphql-client.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * Tenant isolation: an API key of account A tries every GraphQL field and REST path that takes an id with
 * account B's ids. Each must refuse (NOT_FOUND or FORBIDDEN, 404 or 403) without revealing whether the id
 * exists, and B's data must be unchanged afterwards. A coverage check fails when a new root field takes an id
 * but has no case here.
 */

const MANAGEMENT_KEY = "mk-operator-isolation-0123456789abcdef";
const OPERATOR: Principal = { kind: "management", accountId: null, keyHash: "operator" };
const MISSING_ACCOUNT = "00000000-0000-4000-8000-000000000000";

let gateway: TestGateway;
const a = { accountId: "", key: "", keyHash: "" };
const b = { accountId: "", key: "", keyHash: "", paymentId: "", generationId: "gen-isolation-b", byokKeyId: "" };

type Result = Awaited<ReturnType<typeof graphqlRequest>>;

/** Every case: a root field, the operation an A key sends with B's ids, and the refusal it must get. */
interface IsolationCase {
  field: string;
  query: string;
  variables: () => Record<string, unknown>;
  expected: "NOT_FOUND" | "FORBIDDEN";
}

const cases: IsolationCase[] = [
  { field: "Query.account", query: "query($id: ID!) { account(id: $id) { id name } }", variables: () => ({ id: b.accountId }), expected: "NOT_FOUND" },
  { field: "Query.key", query: "query($h: String!) { key(hash: $h) { hash } }", variables: () => ({ h: b.keyHash }), expected: "NOT_FOUND" },
  {
    field: "Query.ledgerEntries",
    query: "query($id: ID!) { ledgerEntries(accountId: $id) { edges { node { id } } } }",
    variables: () => ({ id: b.accountId }),
    expected: "NOT_FOUND",
  },
  {
    field: "Query.rateLimits",
    query: "query($id: String!) { rateLimits(scope: ACCOUNT, subjectId: $id) { subjectId } }",
    variables: () => ({ id: b.accountId }),
    expected: "FORBIDDEN",
  },
  {
    field: "Query.usage",
    query: "query($id: ID) { usage(filter: { accountId: $id }, groupBy: [KEY, MODEL]) { keyId model cost } }",
    variables: () => ({ id: b.accountId }),
    expected: "NOT_FOUND",
  },
  {
    field: "Query.generations",
    query: "query($id: ID) { generations(filter: { accountId: $id }) { edges { node { id key { id label } } } } }",
    variables: () => ({ id: b.accountId }),
    expected: "NOT_FOUND",
  },
  {
    field: "Mutation.updateKey",
    query: 'mutation($h: String!) { updateKey(hash: $h, input: { name: "pwned", disabled: true }) { hash } }',
    variables: () => ({ h: b.keyHash }),
    expected: "NOT_FOUND",
  },
  { field: "Mutation.deleteKey", query: "mutation($h: String!) { deleteKey(hash: $h) }", variables: () => ({ h: b.keyHash }), expected: "NOT_FOUND" },
  {
    field: "Mutation.createKey",
    query: 'mutation($id: ID) { createKey(input: { accountId: $id, name: "intruder" }) { plaintext } }',
    variables: () => ({ id: b.accountId }),
    expected: "NOT_FOUND",
  },
  {
    field: "Mutation.purchaseCredits",
    query: 'mutation($id: ID) { purchaseCredits(input: { accountId: $id, amount: "5" }) { payment { id } } }',
    variables: () => ({ id: b.accountId }),
    expected: "NOT_FOUND",
  },
  {
    field: "Mutation.configureAutoTopUp",
    query: 'mutation($id: ID) { configureAutoTopUp(input: { accountId: $id, enabled: true, threshold: "1000", amount: "1000" }) { enabled } }',
    variables: () => ({ id: b.accountId }),
    expected: "NOT_FOUND",
  },
  {
    field: "Mutation.grantCredits",
    query: 'mutation($id: ID!) { grantCredits(input: { accountId: $id, amount: "1" }) { id } }',
    variables: () => ({ id: b.accountId }),
    expected: "FORBIDDEN",
  },
  {
    field: "Mutation.adjustCredits",
    query: 'mutation($id: ID!) { adjustCredits(input: { accountId: $id, amount: "1", reason: "mine now" }) { id } }',
    variables: () => ({ id: b.accountId }),
    expected: "FORBIDDEN",
  },
  {
    field: "Mutation.refundPayment",
    query: "mutation($p: ID!) { refundPayment(input: { paymentId: $p }) { id } }",
    variables: () => ({ p: b.paymentId }),
    expected: "FORBIDDEN",
  },
  {
    field: "Mutation.updateAccount",
    query: 'mutation($id: ID!) { updateAccount(id: $id, input: { name: "pwned", disabled: true }) { id } }',
    variables: () => ({ id: b.accountId }),
    expected: "FORBIDDEN",
  },
  {
    field: "Mutation.setRateLimits",
    query: "mutation($id: String!) { setRateLimits(input: { scope: ACCOUNT, subjectId: $id, requestsPerMinute: 1 }) { subjectId } }",
    variables: () => ({ id: b.accountId }),
    expected: "FORBIDDEN",
  },
  {
    field: "Query.byokKeys",
    query: "query($id: ID) { byokKeys(accountId: $id) { id label } }",
    variables: () => ({ id: b.accountId }),
    expected: "NOT_FOUND",
  },
  {
    field: "Mutation.setByokKey",
    query: 'mutation($id: ID) { setByokKey(input: { accountId: $id, provider: "openai", key: "sk-intruder-key-000000000000" }) { id } }',
    variables: () => ({ id: b.accountId }),
    expected: "NOT_FOUND",
  },
  {
    field: "Mutation.updateByokKey",
    query: 'mutation($id: ID!) { updateByokKey(id: $id, input: { key: "sk-intruder-key-000000000000", disabled: true }) { id } }',
    variables: () => ({ id: b.byokKeyId }),
    expected: "NOT_FOUND",
  },
  { field: "Mutation.deleteByokKey", query: "mutation($id: ID!) { deleteByokKey(id: $id) }", variables: () => ({ id: b.byokKeyId }), expected: "NOT_FOUND" },
];

/** Root fields that take an id-like argument but serve public data. */
const PUBLIC_FIELDS = new Set(["Query.model"]);

/** Subscriptions, which run over graphql-ws only: each has its case below (and account-events.test.ts). */
const SOCKET_FIELDS = new Set(["Subscription.accountEvents"]);

function takesAnId(field: GraphQLField<unknown, unknown>): boolean {
  const idLike = (name: string) => /(^id$|Id$|^hash$)/.test(name);
  return field.args.some((arg) => {
    const named = getNamedType(arg.type);
    return idLike(arg.name) || (isInputObjectType(named) && Object.keys(named.getFields()).some(idLike));
  });
}

async function gql(key: string, query: string, variables: Record<string, unknown> = {}): Promise<Result> {
  return graphqlRequest(gateway.url, query, { apiKey: key, variables });
}

async function rest(method: string, path: string, key: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${gateway.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** B's observable state, to show nothing changed. */
async function stateOfB(): Promise<unknown> {
  const key = await gateway.services.keys.get(OPERATOR, b.keyHash);
  const balance = await gateway.services.ledger.balanceOf(b.accountId);
  const bPayments = await gateway.services.database.db.select({ id: payments.id }).from(payments).where(eq(payments.accountId, b.accountId));
  const topUp = await gateway.services.autoTopUp.settingsOf(b.accountId);
  const keys = await gateway.services.keys.list(OPERATOR, { accountId: b.accountId, includeDisabled: true, offset: 0, limit: 100 });
  const account = await gateway.services.accounts.get(OPERATOR, b.accountId);
  const ownKeys = await gateway.services.byok.list(OPERATOR, b.accountId);
  return {
    ownKeys: ownKeys.map((own) => [own.id, own.label, own.status, own.updatedAt.toISOString()]),
    name: key.name,
    disabled: key.disabled,
    balance,
    payments: bPayments.length,
    topUp: topUp.enabled,
    keys: keys.length,
    account: { name: account.name, disabled: account.disabled },
  };
}

beforeAll(async () => {
  gateway = await startTestGateway({ config: { MANAGEMENT_KEY, ENCRYPTION_KEY: "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90" } });
  for (const [side, name] of [[a, "A"], [b, "B"]] as const) {
    side.accountId = (await gateway.services.accounts.create(OPERATOR, { name })).id;
    const created = await gateway.services.keys.create(OPERATOR, { accountId: side.accountId, name: `${name} key` });
    side.key = created.plaintext;
    side.keyHash = created.key.hash;
    await gateway.services.credits.grant(OPERATOR, { accountId: side.accountId, credits: parseUsd("10") });
  }
  const purchase = await gateway.services.credits.purchase({ kind: "api", accountId: b.accountId, keyHash: b.keyHash }, { credits: parseUsd("20") });
  b.paymentId = purchase.payment.id;
  b.byokKeyId = (await gateway.services.byok.put(OPERATOR, { accountId: b.accountId, provider: "openai", key: "sk-b-own-openai-key-000000000" })).key.id;
  await gateway.services.database.db.insert(generations).values({
    id: b.generationId,
    accountId: b.accountId,
    keyHash: b.keyHash,
    model: "openai/gpt-4o-mini",
    apiType: "completions",
    streamed: false,
  });
});

afterAll(async () => {
  await gateway?.stop();
});

describe("GraphQL: an API key of account A with account B's ids", () => {
  it("covers every root field that takes an id", async () => {
    const schema = await buildGatewaySchema(createInProcessPubSub());
    const withIds: string[] = [];
    for (const type of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
      if (type === null || type === undefined) continue;
      for (const field of Object.values(type.getFields())) if (takesAnId(field)) withIds.push(`${type.name}.${field.name}`);
    }
    const covered = new Set([...cases.map((entry) => entry.field), ...PUBLIC_FIELDS, ...SOCKET_FIELDS]);
    expect(withIds.filter((field) => !covered.has(field))).toEqual([]);
  });

  it.each(cases)("$field is refused with $expected and changes nothing", async (entry) => {
    const before = await stateOfB();
    const result = await gql(a.key, entry.query, entry.variables());
    expect(result.data === null || result.data === undefined || Object.values(result.data).every((value) => value === null)).toBe(true);
    expect(result.errors?.[0]?.extensions?.code).toBe(entry.expected);
    expect(JSON.stringify(result)).not.toContain("B key");
    expect(await stateOfB()).toEqual(before);
  });

  it("Subscription.accountEvents (graphql-ws) naming account B is refused with NOT_FOUND, as a missing account is", async () => {
    const foreign = await subscriptionError(gateway.url, a.key, { accountId: b.accountId });
    const missing = await subscriptionError(gateway.url, a.key, { accountId: MISSING_ACCOUNT });
    expect(foreign[0]?.extensions?.code).toBe("NOT_FOUND");
    expect(foreign[0]?.message).toBe(missing[0]?.message);
    expect(JSON.stringify(foreign)).not.toContain("B key");
  });

  it("a foreign account is indistinguishable from a missing one", async () => {
    const foreign = await gql(a.key, "query($id: ID!) { account(id: $id) { id } }", { id: b.accountId });
    const missing = await gql(a.key, "query($id: ID!) { account(id: $id) { id } }", { id: MISSING_ACCOUNT });
    expect(foreign.errors?.[0]?.message).toBe(missing.errors?.[0]?.message);
  });

  it("nested fields of the caller's own account show only its own data", async () => {
    const result = await gql(a.key, "{ viewer { id keys { hash } ledger { edges { node { id keyHash paymentId } } } payments { id } } }");
    const viewer = (result.data as { viewer: { id: string; keys: Array<{ hash: string }>; payments: Array<{ id: string }> } }).viewer;
    expect(viewer.id).toBe(a.accountId);
    expect(viewer.keys.map((key) => key.hash)).toEqual([a.keyHash]);
    expect(viewer.payments).toEqual([]);
    expect(JSON.stringify(result)).not.toContain(b.keyHash);
    expect(JSON.stringify(result)).not.toContain(b.paymentId);
  });
});

describe("REST: an API key of account A with account B's ids", () => {
  const restCases: Array<{ method: string; path: () => string; body?: () => unknown }> = [
    { method: "GET", path: () => `/keys/${b.keyHash}` },
    { method: "PATCH", path: () => `/keys/${b.keyHash}`, body: () => ({ disabled: true }) },
    { method: "DELETE", path: () => `/keys/${b.keyHash}` },
    { method: "GET", path: () => `/keys?workspace_id=${b.accountId}` },
    { method: "POST", path: () => "/keys", body: () => ({ name: "intruder", workspace_id: b.accountId }) },
  ];

  const byokCases: Array<{ method: string; path: () => string; body?: () => unknown }> = [
    { method: "GET", path: () => `/byok/${b.byokKeyId}` },
    { method: "PATCH", path: () => `/byok/${b.byokKeyId}`, body: () => ({ disabled: true }) },
    { method: "DELETE", path: () => `/byok/${b.byokKeyId}` },
    { method: "GET", path: () => `/byok?account_id=${b.accountId}` },
    { method: "POST", path: () => "/byok", body: () => ({ provider: "openai", key: "sk-intruder-key-000000000000", account_id: b.accountId }) },
  ];

  it.each(byokCases)("$method /byok... with B's ids is 404, like a missing one, and changes nothing", async ({ method, path, body }) => {
    const before = await stateOfB();
    const response = await rest(method, path(), a.key, body?.());
    expect(response.status).toBe(404);
    expect(JSON.stringify(response.body)).not.toContain(b.byokKeyId);
    expect(await stateOfB()).toEqual(before);
  });

  it.each(restCases)("$method /keys... with B's ids is 403 (management only) and changes nothing", async ({ method, path, body }) => {
    const before = await stateOfB();
    const response = await rest(method, path(), a.key, body?.());
    expect(response.status).toBe(403);
    expect(await stateOfB()).toEqual(before);
  });

  it("GET /credits?workspace_id=<B> is 404, like a missing account, and shows nothing of B", async () => {
    const foreign = await rest("GET", `/credits?workspace_id=${b.accountId}`, a.key);
    const missing = await rest("GET", `/credits?workspace_id=${MISSING_ACCOUNT}`, a.key);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(missing.body);
  });

  it("GET /key describes only the caller's own key", async () => {
    const response = await rest("GET", "/key", a.key);
    expect(JSON.stringify(response.body)).not.toContain(b.keyHash);
  });

  it("GET /generation?id=<B's generation> is 404", async () => {
    const response = await rest("GET", `/generation?id=${b.generationId}`, a.key);
    expect(response.status).toBe(404);
    const own = await rest("GET", `/generation?id=${b.generationId}`, b.key);
    expect(own.status).toBe(200);
  });
});
