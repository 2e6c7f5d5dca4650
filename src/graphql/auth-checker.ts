import type { AuthChecker } from "type-graphql";
import { GatewayError } from "../core/errors.js";
import type { GraphQLContext } from "./context.js";

/** Roles for `@Authorized(...)`: any valid key, API keys only, or management keys only. */
export const Role = {
  Api: "API",
  Management: "MANAGEMENT",
} as const;

/**
 * The one auth checker of the schema. No principal → 401; a principal without the required role → 403.
 * Which account's data a resolver may touch is decided by the services it calls, never by the resolver.
 */
export const authChecker: AuthChecker<GraphQLContext> = ({ context }, roles) => {
  const principal = context.principal;
  if (principal === null) throw new GatewayError("authentication", "Missing or invalid API key");
  if (roles.length === 0) return true;
  const role = principal.kind === "management" ? Role.Management : Role.Api;
  if (roles.includes(role)) return true;
  throw new GatewayError("permission_denied", `This operation needs a ${roles.join(" or ").toLowerCase()} key`);
};
