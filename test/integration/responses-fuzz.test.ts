import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FundedKey } from "../support/api-keys.js";
import { createFundedKey } from "../support/api-keys.js";
import type { SimulatedProviders } from "../support/simulated-providers.js";
import { startSimulatedProviders } from "../support/simulated-providers.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * Property-based fuzzing of `POST /api/v1/responses` over a real port: a valid Responses request (instructions,
 * an image, a file, a function-call round trip with a reasoning item, tools, tool_choice, text.format, reasoning,
 * OpenRouter's provider and models) is mutated at random paths and at fields that matter, with wrong types,
 * huge, deep and odd values. Every answer must be below 500 and either a success (a Response, or the typed event
 * stream) or OpenRouter's envelope `{"error":{"code","message"}}` whose code is the status. The seed is fixed,
 * so a failure is reproducible.
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
  model: "openai/gpt-4o-mini",
  models: ["anthropic/claude-haiku-4.5"],
  instructions: "Be brief.",
  max_output_tokens: 2048,
  temperature: 0.5,
  top_p: 0.9,
  reasoning: { effort: "low", summary: "auto" },
  text: { format: { type: "json_schema", name: "out", schema: { type: "object", properties: { a: { type: "string" } } }, strict: false } },
  tools: [{ type: "function", name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } }],
  tool_choice: "auto",
  parallel_tool_calls: true,
  store: false,
  metadata: { run: "fuzz" },
  provider: { order: ["openai"] },
  input: [
    {
      role: "user",
      content: [
        { type: "input_text", text: "Weather?" },
        { type: "input_image", image_url: "data:image/png;base64,cG5n", detail: "auto" },
        { type: "input_file", filename: "notes.pdf", file_data: "data:application/pdf;base64,JVBERi0=" },
      ],
    },
    { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "hmm" }], encrypted_content: null },
    { type: "function_call", id: "fc_1", call_id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}', status: "completed" },
    { type: "function_call_output", call_id: "call_1", output: "Sunny" },
    { type: "message", role: "assistant", content: [{ type: "output_text", text: "It is sunny.", annotations: [] }] },
    { role: "user", content: "Thanks" },
  ],
} as const;

type Path = Array<string | number>;

/** Fields where a bad value would hurt most, hit directly and often. */
const TARGETS: Path[] = [
  ["model"],
  ["models"],
  ["input"],
  ["input", 0],
  ["input", 0, "role"],
  ["input", 0, "content"],
  ["input", 0, "content", 1, "image_url"],
  ["input", 0, "content", 2, "file_data"],
  ["input", 1, "summary"],
  ["input", 1, "encrypted_content"],
  ["input", 2, "call_id"],
  ["input", 2, "arguments"],
  ["input", 3, "output"],
  ["input", 4, "content"],
  ["instructions"],
  ["max_output_tokens"],
  ["temperature"],
  ["reasoning"],
  ["reasoning", "effort"],
  ["text"],
  ["text", "format"],
  ["text", "format", "schema"],
  ["tools", 0, "parameters"],
  ["tools", 0, "name"],
  ["tool_choice"],
  ["previous_response_id"],
  ["store"],
  ["metadata"],
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
  fc.constantFrom<unknown>(
    null,
    true,
    0,
    -1,
    1.5,
    2 ** 53 + 2,
    1e308,
    -1e308,
    "",
    "NaN",
    "\u0000",
    "\ud800",
    "x".repeat(70_000),
    [],
    {},
    [null],
    { type: "input_text" },
    { type: "function_call" },
    { type: "function", name: "x" },
    deepSchema(200),
  ),
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

const mutations = fc.array(fc.record({ target: fc.boolean(), pick: fc.nat(), remove: fc.boolean(), value: nasty }), { minLength: 1, maxLength: 3 });

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

async function send(body: string, contentType = "application/json"): Promise<Answer> {
  const response = await fetch(`${gateway.url}/api/v1/responses`, { method: "POST", headers: { "content-type": contentType, authorization: `Bearer ${key.apiKey}` }, body });
  return { status: response.status, contentType: response.headers.get("content-type") ?? "", text: await response.text() };
}

function expectEnvelopeShaped(answer: Answer, context: string): void {
  expect(answer.status, context).toBeLessThan(500);
  if (answer.status < 400) {
    if (answer.contentType.startsWith("text/event-stream")) expect(answer.text, context).toContain("event: response.created");
    else expect((JSON.parse(answer.text) as { object: string }).object, context).toBe("response");
    return;
  }
  const body = JSON.parse(answer.text) as { error?: { code?: unknown; message?: unknown } };
  expect(body.error?.code, context).toBe(answer.status);
  expect(typeof body.error?.message, context).toBe("string");
}

describe("fuzzing /api/v1/responses", () => {
  it("answers every mutated request with a success or OpenRouter's error envelope, never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(mutations, async (changes) => {
        const body = structuredClone(VALID) as unknown as Record<string, unknown>;
        for (const change of changes) {
          const paths = pathsOf(body).filter((path) => path.length > 0);
          const path = change.target ? TARGETS[change.pick % TARGETS.length] : paths[change.pick % paths.length];
          if (path !== undefined) setAt(body, path, change.remove ? undefined : structuredClone(change.value));
        }
        const text = JSON.stringify(body);
        expectEnvelopeShaped(await send(text), `${text.slice(0, 500)}`);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("answers malformed JSON, a non-object body and a wrong content type in the envelope", async () => {
    for (const body of ["{", "[]", "null", "42", '"text"', ""]) {
      const answer = await send(body);
      expect(answer.status, body).toBe(400);
      expectEnvelopeShaped(answer, body);
    }
    const answer = await send("<hi/>", "application/xml");
    expect(answer.status).toBe(415);
    expectEnvelopeShaped(answer, "xml");
  });

  it("still serves the valid request afterwards", async () => {
    const answer = await send(JSON.stringify(VALID));
    expect(answer.status, answer.text).toBe(200);
  });
});
