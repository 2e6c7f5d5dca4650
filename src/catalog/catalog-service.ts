import type { FastifyBaseLogger } from "fastify";
import type { Database } from "../db/client.js";
import type { PubSub } from "../pubsub/pub-sub.js";
import type { CatalogSnapshot } from "./catalog-snapshot.js";
import { loadSnapshot } from "./catalog-snapshot.js";
import { readCatalogRevision } from "./catalog-writer.js";
import { listenUntilClosed } from "../pubsub/listen-until-closed.js";

/** The subscription topic fired when the catalog changes (import, edit), on every instance. */
export const CATALOG_UPDATED_TOPIC = "CATALOG_UPDATED";

/**
 * Instances tell each other on this topic that the catalog moved (with the revision they loaded), so the others
 * reload at once instead of at their next poll. Each instance then fires `catalogUpdated` to its own
 * subscribers, once, whichever way it learnt of the change.
 */
export const CATALOG_CHANGED_TOPIC = "CATALOG_CHANGED";

/** The payload published on {@link CATALOG_UPDATED_TOPIC}. */
export interface CatalogUpdatedEvent {
  revision: number;
  changedAt: Date;
  modelCount: number;
}

export interface CatalogService {
  /** The current in-memory snapshot; never touches the database. */
  snapshot(): CatalogSnapshot;
  /** Reloads when the stored revision moved; true when it did. */
  refresh(): Promise<boolean>;
  /** Starts polling the stored revision, and listening to other instances' changes; resolves once it listens. */
  start(): Promise<void>;
  stop(): void;
}

/**
 * Keeps the in-memory catalog snapshot in step with the database. A cheap revision poll (one indexed row)
 * notices changes made by the CLI or another instance; a change reloads the snapshot and publishes
 * `catalogUpdated` to subscribers of this instance.
 */
export async function createCatalogService(options: {
  db: Database;
  pubSub: PubSub;
  pollMs: number;
  logger?: FastifyBaseLogger;
}): Promise<CatalogService> {
  let current = await loadSnapshot(options.db);
  let timer: NodeJS.Timeout | undefined;
  let refreshing: Promise<boolean> | undefined;

  async function doRefresh(): Promise<boolean> {
    const revision = await readCatalogRevision(options.db);
    if (revision === current.revision) return false;
    current = await loadSnapshot(options.db);
    const event: CatalogUpdatedEvent = { revision: current.revision, changedAt: current.loadedAt, modelCount: current.models.size };
    options.pubSub.publishLocally(CATALOG_UPDATED_TOPIC, event);
    options.pubSub.publish(CATALOG_CHANGED_TOPIC, { revision: current.revision });
    options.logger?.info({ revision: current.revision }, "catalog reloaded");
    return true;
  }

  function refresh(): Promise<boolean> {
    // Coalesce concurrent refreshes into one reload.
    refreshing ??= doRefresh().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  }

  return {
    snapshot: () => current,
    refresh,
    async start() {
      if (timer !== undefined) return;
      timer = setInterval(() => {
        refresh().catch((error: unknown) => options.logger?.warn({ err: error }, "catalog refresh failed"));
      }, options.pollMs);
      timer.unref();
      await listenUntilClosed({
        pubSub: options.pubSub,
        topic: CATALOG_CHANGED_TOPIC,
        ...(options.logger === undefined ? {} : { logger: options.logger }),
        handle: async (message) => {
          const revision = typeof message === "object" && message !== null ? (message as { revision?: unknown }).revision : undefined;
          if (typeof revision === "number" && revision <= current.revision) return;
          await refresh();
        },
      });
    },
    stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  };
}
