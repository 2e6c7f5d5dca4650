/** Every table, re-exported for Drizzle's relational queries and for drizzle-kit. One table per file. */
export * from "./catalog-state.js";
export * from "./endpoints.js";
export * from "./models.js";
export * from "./providers.js";
export * from "./generations.js";
export * from "./rate-limit-settings.js";
