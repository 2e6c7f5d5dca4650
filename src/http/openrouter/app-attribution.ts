import type { FastifyRequest } from "fastify";
import type { AppAttribution } from "../../completions/completion-service.js";

/** Longest attribution value kept: enough for any real URL or title, and no way to store a megabyte per request. */
const MAX_LENGTH = 512;

function header(request: FastifyRequest, name: string): string | null {
  const value = request.headers[name];
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  return text === undefined || text === "" ? null : text.slice(0, MAX_LENGTH);
}

/**
 * OpenRouter's app attribution headers: `HTTP-Referer` (the app's URL), `X-Title` or its newer name
 * `X-OpenRouter-Title` (the app's name; the newer wins), and `User-Agent`. Stored on the generation record and
 * shown by `GET /api/v1/generation`.
 * https://openrouter.ai/docs/api-reference/overview#headers
 */
export function appAttribution(request: FastifyRequest): AppAttribution {
  return {
    httpReferer: header(request, "http-referer"),
    appTitle: header(request, "x-openrouter-title") ?? header(request, "x-title"),
    userAgent: header(request, "user-agent"),
  };
}
