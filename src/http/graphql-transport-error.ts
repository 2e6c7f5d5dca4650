import type { FastifyReply } from "fastify";
import { fromFastifyError } from "./error-envelope.js";

/**
 * Errors Fastify raises on `/graphql` before Apollo sees the request (invalid JSON, body too large, unsupported
 * content type) in GraphQL's envelope, `{"errors":[{message, extensions:{code}}]}`, which GraphQL clients
 * parse, instead of the REST envelope every other route answers with. Malformed requests are BAD_REQUEST, as
 * Apollo names its own; anything unexpected stays a masked 500.
 */
export function sendGraphQLTransportError(reply: FastifyReply, error: unknown): FastifyReply {
  const mapped = fromFastifyError(error);
  if (mapped === undefined) {
    reply.log.error({ err: error }, "unexpected error on /graphql");
    return reply.status(500).send({ errors: [{ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } }] });
  }
  const code = mapped.kind === "invalid_request" ? "BAD_REQUEST" : mapped.graphqlCode;
  return reply.status(mapped.status).send({ errors: [{ message: mapped.message, extensions: { code } }] });
}
