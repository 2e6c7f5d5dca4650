/** Every table, re-exported for Drizzle's relational queries and for drizzle-kit. One table per file. */
export * from "./catalog-state.js";
export * from "./endpoints.js";
export * from "./models.js";
export * from "./providers.js";
export * from "./generations.js";
export * from "./accounts.js";
export * from "./api-keys.js";
export * from "./credit-balances.js";
export * from "./ledger-entries.js";
export * from "./reservations.js";
export * from "./key-spend.js";
export * from "./payments.js";
export * from "./auto-top-ups.js";
export * from "./rate-limit-settings.js";
export * from "./byok-keys.js";
export * from "./usage-rollups.js";
