import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../../src/auth/principal.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * Many HTTP clients send `Content-Type: application/json` on every request, with no body on DELETE and GET.
 * Those are served as if the header were absent; a route that needs a body still refuses a missing one in the
 * error envelope, and a body that is not JSON is still a 400.
 */

const MANAGEMENT_KEY = "mk-operator-bodiless-0123456789abcdef";
const OPERATOR: Principal = { kind: "management", accountId: null, keyHash: "operator" };

let gateway: TestGateway;
let apiKey: string;
let keyHash: string;

/** A raw request with the JSON content type and exactly `body` (nothing at all when it is undefined). */
async function send(method: "GET" | "DELETE" | "POST", path: string, key: string, body?: string) {
  const response = await request(`${gateway.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body,
  });
  return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  gateway = await startTestGateway({ config: { MANAGEMENT_KEY } });
  const account = await gateway.services.accounts.create(OPERATOR, { name: "bodiless" });
  const created = await gateway.services.keys.create(OPERATOR, { accountId: account.id, name: "bodiless key" });
  apiKey = created.plaintext;
  keyHash = (await gateway.services.keys.create(OPERATOR, { accountId: account.id, name: "key to delete" })).key.hash;
});

afterAll(async () => {
  await gateway?.stop();
});

describe("a JSON content type with no body", () => {
  it("is served on GET", async () => {
    const { status, body } = await send("GET", "/key", apiKey);
    expect(status).toBe(200);
    expect((body.data as { label: string }).label).toMatch(/^sk-gw-/);
  });

  it("is served on GET with an empty body of whitespace", async () => {
    const { status } = await send("GET", "/credits", apiKey, "  \r\n");
    expect(status).toBe(200);
  });

  it("is served on DELETE", async () => {
    const { status, body } = await send("DELETE", `/keys/${keyHash}`, MANAGEMENT_KEY);
    expect(status).toBe(200);
    expect(body).toEqual({ deleted: true });
    const after = await send("GET", `/keys/${keyHash}`, MANAGEMENT_KEY);
    expect(after.status).toBe(404);
  });

  it("is a clear 400 in the envelope where the route needs a body", async () => {
    const { status, body } = await send("POST", "/chat/completions", apiKey);
    expect(status).toBe(400);
    const error = body.error as { code: number; message: string };
    expect(error.code).toBe(400);
    expect(error.message.length).toBeGreaterThan(0);
  });

  it("still refuses a body that is not JSON with a 400", async () => {
    const { status, body } = await send("POST", "/chat/completions", apiKey, "{nope");
    expect(status).toBe(400);
    expect((body.error as { code: number }).code).toBe(400);
  });

  it("still refuses prototype poisoning", async () => {
    const { status } = await send("POST", "/chat/completions", apiKey, '{"__proto__":{"polluted":true},"model":"x","messages":[]}');
    expect(status).toBe(400);
  });
});
