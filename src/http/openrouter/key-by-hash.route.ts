import type { FastifyInstance } from "fastify";
import type { GatewayServices } from "../../app/services.js";
import { requireManagementPrincipal } from "../../accounts/require-principal.js";
import { parseUpdateKeyBody } from "./key-inputs.js";
import { serializeKeyInfo } from "./serialize-key.js";

/**
 * `GET`, `PATCH` and `DELETE /api/v1/keys/{hash}`, for management keys only. A key of another account than
 * the caller's (unless the caller is an operator) is a 404, the same as a key that does not exist. A disabled
 * or deleted key stops authenticating on this instance at once and on every other within seconds.
 */
export function registerKeyByHashRoute(app: FastifyInstance, services: GatewayServices): void {
  app.get<{ Params: { hash: string } }>("/keys/:hash", async (request) => {
    const principal = requireManagementPrincipal(await services.authenticate(request.headers.authorization));
    return { data: serializeKeyInfo(await services.keys.get(principal, request.params.hash)) };
  });

  app.patch<{ Params: { hash: string } }>("/keys/:hash", async (request) => {
    const principal = requireManagementPrincipal(await services.authenticate(request.headers.authorization));
    const patch = parseUpdateKeyBody(request.body);
    return { data: serializeKeyInfo(await services.keys.update(principal, request.params.hash, patch)) };
  });

  app.delete<{ Params: { hash: string } }>("/keys/:hash", async (request) => {
    const principal = requireManagementPrincipal(await services.authenticate(request.headers.authorization));
    await services.keys.delete(principal, request.params.hash);
    return { deleted: true as const };
  });
}
