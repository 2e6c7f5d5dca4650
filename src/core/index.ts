/** The gateway's internal spec: types and pure helpers only, no I/O. Everything may depend on it. */
export * from "./call-options.js";
export * from "./embedding.js";
export * from "./errors.js";
export * from "./finish-reason.js";
export * from "./language-model.js";
export * from "./prompt.js";
export * from "./stream-parts.js";
export * from "./usage.js";
