import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signThinking } from "../simulators/anthropic/anthropic-answer.js";
import type { FundedKey } from "../support/api-keys.js";
import { createFundedKey } from "../support/api-keys.js";
import type { SimulatedProviders } from "../support/simulated-providers.js";
import { startSimulatedProviders } from "../support/simulated-providers.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * Property-based fuzzing of `POST /api/v1/messages` over a real port: a valid Anthropic request (system blocks,
 * an image, a document, a tool round trip with signed thinking, tools, tool_choice, thinking, stop sequences,
 * OpenRouter's provider and fallbacks) is mutated at random paths and at fields that matter, with wrong types,
 * huge, deep and odd values. Every answer must be below 500 and either a success (a Message, or Anthropic's
 * event stream) or Anthropic's error shape `{"type":"error","error":{"type","message"}}`; a 400 says
 * `invalid_request_error`. The seed is fixed, so a failure is reproducible.
 */

const SEED = 1818;
const RUNS = 500;

let providers: SimulatedProviders;
let gateway: TestGateway;
let key: FundedKey;

beforeAll(async () => {
  providers = await startSimulatedProviders();
  gateway = await startTestGateway({ env: providers.env });
  key = await createFundedKey(gateway, { usd: "1000" });
});

afterAll(async () => {
  await gateway?.stop();
  await providers?.close();
});

const VALID = {
  model: "anthropic/claude-haiku-4.5",
  max_tokens: 2048,
  system: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }],
  thinking: { type: "enabled", budget_tokens: 1024 },
  stop_sequences: ["###"],
  metadata: { user_id: "u-1" },
  tools: [{ name: "get_weather", description: "Weather", input_schema: { type: "object", properties: { city: { type: "string" } } } }],
  tool_choice: { type: "auto" },
  provider: { order: ["anthropic"] },
  fallbacks: [{ model: "openai/gpt-4o-mini" }],
  messages: [
    {
      role: "user",
      content: [
        { type: "text", text: "Weather?" },
        { type: "image", source: { type: "base64", media_type: "image/png", data: "cG5n" } },
        { type: "document", source: { type: "text", media_type: "text/plain", data: "notes" } },
      ],
    },
    {
      role: "assistant",
      content: [
        { type: "thinking", thinking: "hmm", signature: signThinking("hmm") },
        { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
      ],
    },
    { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: "Sunny" }] }] },
  ],
} as const;

type Path = Array<string | number>;

/** Fields where a bad value would hurt most, hit directly and often. */
const TARGETS: Path[] = [
  ["max_tokens"],
  ["model"],
  ["models"],
  ["fallbacks"],
  ["fallbacks", 0, "model"],
  ["system"],
  ["system", 0, "cache_control"],
  ["thinking"],
  ["thinking", "budget_tokens"],
  ["stop_sequences"],
  ["temperature"],
  ["top_k"],
  ["tools", 0, "input_schema"],
  ["tools", 0, "name"],
  ["tool_choice"],
  ["tool_choice", "name"],
  ["messages"],
  ["messages", 0, "role"],
  ["messages", 0, "content"],
  ["messages", 0, "content", 1, "source"],
  ["messages", 0, "content", 1, "source", "data"],
  ["messages", 0, "content", 2, "source", "type"],
  ["messages", 1, "content", 0, "signature"],
  ["messages", 1, "content", 1, "input"],
  ["messages", 2, "content", 0, "content"],
  ["messages", 2, "content", 0, "tool_use_id"],
  ["metadata"],
  ["output_config"],
  ["provider", "max_price", "prompt"],
  ["stream"],
];

/** A JSON schema `depth` levels deep. */
function deepSchema(depth: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: "string" };
  for (let level = 0; level < depth; level += 1) schema = { type: "object", properties: { inner: schema } };
  return schema;
}

const nasty: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, 0, -1, 1.5, 2 ** 53 + 2, 1e308, -1e308, 1e-300, "", "NaN", "\u0000", "\ud800", "x".repeat(70_000), [], {}, [null], { type: "text" }, { type: "redacted_thinking", data: "x" }, deepSchema(200)),
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.jsonValue({ maxDepth: 3 }),
);

function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const paths: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((item, index) => paths.push(...pathsOf(item, [...prefix, index])));
  else if (typeof value === "object" && value !== null) for (const [name, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, name]));
  return paths;
}

/** Sets (or, with `undefined`, deletes) the value at `path`, creating containers on the way. */
function setAt(root: Record<string, unknown>, path: Path, value: unknown): void {
  let parent = root as Record<string | number, unknown>;
  for (const [index, step] of path.slice(0, -1).entries()) {
    if (typeof parent[step] !== "object" || parent[step] === null) parent[step] = typeof path[index + 1] === "number" ? [] : {};
    parent = parent[step] as Record<string | number, unknown>;
  }
  const last = path.at(-1);
  if (last === undefined) return;
  if (value === undefined) delete parent[last];
  else parent[last] = value;
}

const mutations = fc.array(
  fc.record({ target: fc.boolean(), pick: fc.nat(), remove: fc.boolean(), value: nasty }),
  { minLength: 1, maxLength: 3 },
);

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

async function send(body: string): Promise<Answer> {
  const response = await fetch(`${gateway.url}/api/v1/messages`, { method: "POST", headers: { "content-type": "application/json", "x-api-key": key.apiKey }, body });
  return { status: response.status, contentType: response.headers.get("content-type") ?? "", text: await response.text() };
}

function expectAnthropicShaped(answer: Answer, context: string): void {
  expect(answer.status, context).toBeLessThan(500);
  if (answer.status < 400) {
    if (answer.contentType.startsWith("text/event-stream")) expect(answer.text, context).toContain("event: message_start");
    else expect((JSON.parse(answer.text) as { type: string }).type, context).toBe("message");
    return;
  }
  const body = JSON.parse(answer.text) as { type?: unknown; error?: { type?: unknown; message?: unknown } };
  expect(body.type, context).toBe("error");
  expect(typeof body.error?.message, context).toBe("string");
  if (answer.status === 400) expect(body.error?.type, context).toBe("invalid_request_error");
}

describe("fuzzing /api/v1/messages", () => {
  it("answers every mutated request with a success or Anthropic's error shape, never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(mutations, async (changes) => {
        const body = structuredClone(VALID) as unknown as Record<string, unknown>;
        for (const change of changes) {
          const paths = pathsOf(body).filter((path) => path.length > 0);
          const path = change.target ? TARGETS[change.pick % TARGETS.length] : paths[change.pick % paths.length];
          if (path !== undefined) setAt(body, path, change.remove ? undefined : structuredClone(change.value));
        }
        const text = JSON.stringify(body);
        expectAnthropicShaped(await send(text), `${text.slice(0, 500)}`);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("answers malformed JSON, a non-object body and a wrong content type in Anthropic's error shape", async () => {
    for (const body of ["{", "[]", "null", "42", '"text"', ""]) {
      const answer = await send(body);
      expect(answer.status, body).toBe(400);
      expectAnthropicShaped(answer, body);
    }
    const response = await fetch(`${gateway.url}/api/v1/messages`, { method: "POST", headers: { "content-type": "application/xml", "x-api-key": key.apiKey }, body: "<hi/>" });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
  });

  it("still serves the valid request afterwards", async () => {
    const answer = await send(JSON.stringify(VALID));
    expect(answer.status, answer.text).toBe(200);
  });
});
