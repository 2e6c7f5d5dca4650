import type { IncomingMessage } from "node:http";
import type { z } from "zod";
import { planAnswer, sleep, withPresentedCredential } from "../shared/scenario.js";
import { startSimulatorServer, type RunningSimulator } from "../shared/simulator-server.js";
import { buildAnswer, cacheWriteDirective, createIdFactory } from "./anthropic-answer.js";
import { writeErrorResponse } from "./anthropic-errors.js";
import { toNeutralRequest, wireRequestSchema } from "./anthropic-wire-request.js";
import { renderAnthropicMessage } from "./render-anthropic-message.js";
import { renderAnthropicStream } from "./render-anthropic-stream.js";
import { KNOWN_VERSIONS, validateAnthropicRequest } from "./validate-anthropic-request.js";

export interface AnthropicSimulatorOptions {
  port?: number;
  /** When set, requests must carry this key (`x-api-key`, or `Authorization: Bearer` as SDK ≥1.0 sends). */
  apiKey?: string;
}

/**
 * The API key a request carries. `x-api-key` wins when both headers are present, as on the real API;
 * `@anthropic-ai/sdk` ≥1.0 sends only `Authorization: Bearer`.
 * https://docs.claude.com/en/api/overview#authentication
 */
function presentedKey(request: IncomingMessage): string | undefined {
  const header = request.headers["x-api-key"];
  if (typeof header === "string") return header;
  const authorization = request.headers.authorization;
  return authorization?.startsWith("Bearer ") === true ? authorization.slice("Bearer ".length) : undefined;
}

/** Renders zod's first complaint the way the real API phrases validation errors (`field: message`). */
function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return "Invalid request";
  const path = issue.path.join(".");
  const message = issue.code === "invalid_type" && issue.message.includes("undefined") ? "Field required" : issue.message;
  return path.length > 0 ? `${path}: ${message}` : message;
}

/**
 * A local stand-in for the Anthropic Messages API (`POST /v1/messages`): checks the key and
 * `anthropic-version`, enforces the request rules the real API rejects with 400, answers from the shared
 * scenario as a `Message` or as the real SSE event sequence, and fails in Anthropic's error shape.
 * Point `@anthropic-ai/sdk` at `url` (it appends `/v1/messages`), or the gateway adapter at `${url}/v1`.
 * https://docs.claude.com/en/api/messages
 */
export async function startAnthropicSimulator(options: AnthropicSimulatorOptions = {}): Promise<RunningSimulator> {
  const ids = createIdFactory();
  let requestCounter = 0;
  return startSimulatorServer({
    port: options.port,
    handler: async ({ request, response, url, body, isClosed }) => {
      const requestId = `req_01Sim${String(++requestCounter).padStart(18, "0")}`;
      const fail = (status: number, message: string) => writeErrorResponse(response, { status, message, requestId });

      if (request.method !== "POST" || url.pathname !== "/v1/messages") return fail(404, "Not found");
      if (options.apiKey !== undefined && presentedKey(request) !== options.apiKey) return fail(401, "invalid x-api-key");
      const version = request.headers["anthropic-version"];
      if (typeof version !== "string") return fail(400, "anthropic-version: header is required");
      if (!(KNOWN_VERSIONS as readonly string[]).includes(version)) return fail(400, `anthropic-version: invalid version '${version}'`);

      const parsed = wireRequestSchema.safeParse(body);
      if (!parsed.success) return fail(400, describeIssue(parsed.error));
      const problem = validateAnthropicRequest(parsed.data, version);
      if (problem !== undefined) return fail(400, problem);

      const neutral = toNeutralRequest(parsed.data);
      const script = planAnswer(neutral, "Anthropic");
      if (script.error !== undefined) return fail(script.error.status, withPresentedCredential(script.error.message, presentedKey(request)));

      const lastUserText = [...neutral.messages].reverse().find((message) => message.role === "user")?.text ?? "";
      const answer = buildAnswer({ script, model: parsed.data.model, ids, cacheWriteTokens: cacheWriteDirective(lastUserText) });
      if (parsed.data.stream === true) {
        await renderAnthropicStream({ response, answer, delayMs: script.delayMs, failAfterChunks: script.failAfterChunks, requestId, isClosed });
        return;
      }
      await sleep(script.delayMs);
      if (isClosed()) return;
      response.writeHead(200, { "content-type": "application/json", "request-id": requestId });
      response.end(JSON.stringify(renderAnthropicMessage(answer)));
    },
  });
}
