import type { FastifyInstance } from "fastify";
import { readMigrationStatus } from "../db/migration-status.js";
import type { GatewayServices } from "../app/services.js";

/**
 * `/healthz`: the process is up (for liveness probes; never touches dependencies).
 * `/readyz`: the database answers, every committed migration is applied, and the catalog is loaded; 503 with
 * the failing checks otherwise, so a load balancer only sends traffic to an instance that can serve it.
 */
export function registerHealthRoutes(app: FastifyInstance, services: GatewayServices): void {
  app.get("/healthz", async () => ({ status: "ok" }));

  app.get("/readyz", async (_request, reply) => {
    const checks: Record<string, { ok: boolean; detail?: string }> = {};
    try {
      await services.database.ping();
      checks.database = { ok: true };
    } catch (error) {
      checks.database = { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
    if (checks.database.ok) {
      const migrations = await readMigrationStatus(services.database).catch(() => undefined);
      checks.migrations =
        migrations === undefined
          ? { ok: false, detail: "cannot read the migrations table" }
          : { ok: migrations.pending === 0, detail: `${migrations.applied} applied, ${migrations.pending} pending` };
    }
    const snapshot = services.catalog.snapshot();
    checks.catalog = { ok: snapshot.models.size > 0, detail: `${snapshot.models.size} models, revision ${snapshot.revision}` };
    const ready = Object.values(checks).every((check) => check.ok);
    return reply.code(ready ? 200 : 503).send({ status: ready ? "ready" : "not_ready", checks });
  });
}
