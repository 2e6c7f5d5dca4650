import { z } from "zod";

/**
 * The gateway's configuration, read once from the environment and validated, so a typo fails at start with a
 * message naming the variable instead of misbehaving later. Provider credentials (OPENAI_API_KEY, ...) are
 * read by the provider registry, which is the only place that knows the providers.
 */
const booleanFlag = z
  .enum(["true", "false", "1", "0"])
  .transform((value) => value === "true" || value === "1");

const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().min(1).default("./.data"),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  MANAGEMENT_KEY: z.string().min(16).optional(),
  CATALOG_FILE: z.string().optional(),
  CATALOG_POLL_MS: z.coerce.number().int().min(100).default(2000),
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).default(10),
  GRAPHQL_MAX_COMPLEXITY: z.coerce.number().int().min(10).default(5000),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  SEED_CATALOG: booleanFlag.default(true),
});

export type Config = z.infer<typeof configSchema>;

/** Parses configuration from an environment map; throws one error listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const result = configSchema.safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return result.data;
}
