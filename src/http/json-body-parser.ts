import type { FastifyInstance } from "fastify";

/**
 * Fastify's JSON parser with one difference: an empty body is no body rather than a 400. Many HTTP clients
 * send `Content-Type: application/json` on every request, DELETE and GET included, with nothing after the
 * headers; OpenRouter accepts those, so we do too. A route that needs a body still refuses a missing one
 * through its own validation, in the error envelope. Everything else (prototype-poisoning checks, the body
 * limit) is Fastify's own default parser.
 */
export function acceptEmptyJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = typeof body === "string" ? body : body.toString("utf8");
    // A regular expression stops at the first character that is not blank; trim() would copy a large body.
    if (/^\s*$/.test(text)) {
      done(null, undefined);
      return;
    }
    parseJson(request, text, done);
  });
}
