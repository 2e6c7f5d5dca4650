import { z } from "zod";
import { StartupError } from "../core/errors.js";

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
  /** `json` (one JSON object a line, for log collectors) or `pretty` (coloured, for a terminal). */
  LOG_FORMAT: z.enum(["json", "pretty"]).default("json"),
  /** Adds prompts and answers to the request log lines. Off by default: they are the users' data. */
  LOG_BODIES: booleanFlag.default(false),
  MANAGEMENT_KEY: z.string().min(16).optional(),
  /** When set, `GET /metrics` requires `Authorization: Bearer <METRICS_TOKEN>`; otherwise it is open (bind it to a private network). */
  METRICS_TOKEN: z.string().min(16).optional(),
  CATALOG_FILE: z.string().optional(),
  CATALOG_POLL_MS: z.coerce.number().int().min(100).default(2000),
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).default(10),
  GRAPHQL_MAX_COMPLEXITY: z.coerce.number().int().min(10).default(5000),
  /** Most tokens in one GraphQL document, counted before parsing (callers with a key / without). */
  GRAPHQL_MAX_TOKENS: z.coerce.number().int().min(100).default(10_000),
  GRAPHQL_ANONYMOUS_MAX_TOKENS: z.coerce.number().int().min(100).default(3_000),
  /** Most selections once fragments are expanded, measured before validation (with a key / without). */
  GRAPHQL_MAX_SELECTIONS: z.coerce.number().int().min(10).default(1_000),
  GRAPHQL_ANONYMOUS_MAX_SELECTIONS: z.coerce.number().int().min(10).default(600),
  /** Most aliased fields once fragments are expanded (with a key / without). */
  GRAPHQL_MAX_ALIASES: z.coerce.number().int().min(0).default(100),
  GRAPHQL_ANONYMOUS_MAX_ALIASES: z.coerce.number().int().min(0).default(30),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  SEED_CATALOG: booleanFlag.default(true),
  /** How long a stream may wait for its first token before headers are sent and `: OPENROUTER PROCESSING` keep-alives begin. */
  STREAM_KEEPALIVE_MS: z.coerce.number().int().min(10).default(1000),
  /**
   * The most a stream keeps buffered for a client that is not reading, in bytes (or the socket's own
   * highWaterMark if that is larger, plus the one event being written): past it the gateway stops reading the
   * upstream until the client drains.
   */
  STREAM_BUFFER_BYTES: z.coerce.number().int().min(1024).default(65_536),
  /** A client that does not drain a full stream buffer within this long is disconnected; the generation settles for what was sent. */
  STREAM_STALL_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /** Largest graphql-ws message accepted, in bytes; a bigger frame closes the socket with 1009 (message too big). */
  GRAPHQL_WS_MAX_PAYLOAD_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  /** How often a graphql-ws socket is pinged; one that does not answer with a pong within as long again is dropped. */
  GRAPHQL_WS_KEEPALIVE_MS: z.coerce.number().int().min(50).default(12_000),
  /** Most `chatCompletion` subscriptions running at once on one WebSocket; past it, a RATE_LIMITED (429) error. */
  GRAPHQL_WS_MAX_STREAMS_PER_SOCKET: z.coerce.number().int().min(1).default(16),
  /** Most `chatCompletion` subscriptions running at once for one key, across this instance's sockets; past it, RATE_LIMITED (429). */
  GRAPHQL_WS_MAX_STREAMS_PER_KEY: z.coerce.number().int().min(1).default(256),
  UPSTREAM_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  UPSTREAM_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).default(300_000),
  UPSTREAM_BODY_TIMEOUT_MS: z.coerce.number().int().min(100).default(120_000),
  /** Requests per minute per `:free` model per account (OpenRouter: 20). */
  FREE_MODEL_REQUESTS_PER_MINUTE: z.coerce.number().int().min(0).default(20),
  /** Requests per UTC day across `:free` models for an account that bought less than the unlock amount (OpenRouter: 50). */
  FREE_MODEL_REQUESTS_PER_DAY: z.coerce.number().int().min(0).default(50),
  /** The same once the account has bought at least FREE_MODEL_UNLOCK_PURCHASE_USD in total (OpenRouter: 1000). */
  FREE_MODEL_REQUESTS_PER_DAY_AFTER_PURCHASE: z.coerce.number().int().min(0).default(1000),
  /** Credits purchased in total (USD, exact decimal) that raise the daily free-model quota (OpenRouter: 10). */
  FREE_MODEL_UNLOCK_PURCHASE_USD: z.string().regex(/^\d+(\.\d{1,12})?$/, "a decimal USD amount").default("10"),
  /**
   * Prefix of every pub/sub channel in Redis (account events, key and catalog changes). Instances that serve
   * as one share it; gateways (or test runs) sharing a Redis but not a database must not.
   */
  PUBSUB_CHANNEL_PREFIX: z.string().min(1).default("gw:ps:"),
  /** Prefix of every rate-limit key in Redis; tests and co-tenants of one Redis set their own. */
  RATE_LIMIT_KEY_PREFIX: z.string().min(1).default("gw:rl:"),
  /** How long an instance trusts its cached per-key/per-account limit settings; an operator's change reaches every instance within it. */
  RATE_LIMIT_SETTINGS_CACHE_MS: z.coerce.number().int().min(0).default(5000),
  /** Platform fee on credit purchases, an exact decimal fraction (OpenRouter: 5.5%). */
  PLATFORM_FEE_RATE: z.string().regex(/^\d+(\.\d+)?$/, "a decimal fraction such as 0.055").default("0.055"),
  /** The least fee a purchase pays, USD (OpenRouter: 0.80). */
  PLATFORM_FEE_MINIMUM_USD: z.string().regex(/^\d+(\.\d{1,12})?$/, "a decimal USD amount").default("0.80"),
  /** Volume tiers: `monthlyVolumeUsd:rate` pairs, e.g. `1000:0.05,10000:0.04`; a month's purchases reaching a volume pay its rate. */
  VOLUME_DISCOUNT_TIERS: z
    .string()
    .regex(/^\s*(\d+(\.\d{1,12})?:\d+(\.\d+)?\s*(,\s*\d+(\.\d{1,12})?:\d+(\.\d+)?\s*)*)?$/, "comma-separated monthlyVolumeUsd:rate pairs")
    .default(""),
  /** Auto top-up stops retrying after this many consecutive failed payments. */
  AUTO_TOP_UP_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  /** Delay before the first auto top-up retry; doubles per failure, capped at an hour. */
  AUTO_TOP_UP_RETRY_BASE_MS: z.coerce.number().int().min(0).default(60_000),
  /**
   * How long a reservation lives unless its instance renews it. Instances renew what they still use every
   * RESERVATION_RENEW_MS, so a long stream or a lease never expires while its instance lives; this only bounds
   * how long a crashed instance's holds stay out of reach: they come back within RESERVATION_TTL_MS +
   * BILLING_SWEEP_MS (25 s by default).
   */
  RESERVATION_TTL_MS: z.coerce.number().int().min(1000).default(20_000),
  /**
   * How often an instance renews the reservations it still uses. At most half of RESERVATION_TTL_MS (a start
   * with more is refused), so one late renewal still lands in time; defaults to a quarter of it.
   */
  RESERVATION_RENEW_MS: z.coerce.number().int().min(100).optional(),
  /** How often each instance reclaims expired reservations and retries due top-ups; 0 disables the timer. */
  BILLING_SWEEP_MS: z.coerce.number().int().min(0).default(5_000),
  /**
   * Credit leases: each instance reserves this much (USD) of a key's account at a time and takes each request's
   * hold from it in memory, writing the exact charges in batches. 0 turns leases off (one reservation per request).
   */
  CREDIT_LEASE_USD: z.string().regex(/^\d+(\.\d{1,12})?$/, "a decimal USD amount").default("1"),
  /**
   * How often leased charges are written to the ledger. Each write is one statement whatever it carries, and on
   * the embedded database a statement costs about 2 ms of the gateway's own CPU, so the interval, not the
   * traffic, sets most of the ledger's cost; in `relaxed` BILLING_DURABILITY a hard kill loses at most this much of charges.
   */
  CREDIT_LEASE_FLUSH_MS: z.coerce.number().int().min(1).default(50),
  /**
   * How often generation records are written, in batches. Records are readable (`GET /generation`) the moment
   * their request ends, written or not; in `relaxed` BILLING_DURABILITY a hard kill loses at most this much of them.
   */
  GENERATION_FLUSH_MS: z.coerce.number().int().min(1).default(100),
  /**
   * Generation records older than this many days are deleted in the background (0: kept forever). Usage and
   * activity read rollups, which are kept, so they still cover the deleted rows; the ledger is never touched.
   */
  GENERATION_RETENTION_DAYS: z.coerce.number().int().min(0).default(0),
  /** Rows one retention DELETE removes at most; batches follow each other until nothing expired is left. */
  GENERATION_RETENTION_BATCH: z.coerce.number().int().min(1).max(100_000).default(5000),
  /** How often expired generation records are looked for. */
  GENERATION_RETENTION_INTERVAL_MS: z.coerce.number().int().min(1000).default(600_000),
  /**
   * `strict`: a response's final byte (the JSON body, or the SSE stream's finish and usage chunks and
   * `[DONE]`) is sent only once its charge and generation record are committed, written together with every
   * other request finishing at the same time (group commit), so a hard kill loses no served request's charge
   * or record. `relaxed`: they are written after the answer, every CREDIT_LEASE_FLUSH_MS and GENERATION_FLUSH_MS.
   */
  BILLING_DURABILITY: z.enum(["strict", "relaxed"]).default("strict"),
  /** An unused lease is written out and its remainder given back after this long. */
  CREDIT_LEASE_IDLE_MS: z.coerce.number().int().min(10).default(2000),
  /** A lease is replaced after this long (its reservation is renewed meanwhile, so this is about freshness, not safety). */
  CREDIT_LEASE_MAX_AGE_MS: z.coerce.number().int().min(100).default(60_000),
  /**
   * Seeds the router's random source, so the price-weighted order of endpoints is the same on every run
   * (tests, reproducing a report). Unset: Math.random.
   */
  ROUTING_RANDOM_SEED: z.coerce.number().int().min(0).max(4_294_967_295).optional(),
  /** The circuit breaker opens when at least this share (0..1) of an endpoint's attempts in the last 30 s failed... */
  BREAKER_FAILURE_RATIO: z.coerce.number().min(0.01).max(1).default(0.5),
  /** ...and there were at least this many of them. */
  BREAKER_MIN_ATTEMPTS: z.coerce.number().int().min(1).default(4),
  /** How long an open breaker skips the endpoint before one request probes it again. */
  BREAKER_COOL_DOWN_MS: z.coerce.number().int().min(10).default(30_000),
  /** With REDIS_URL: how often each instance adds its endpoint health counts to Redis and reads everyone's. */
  HEALTH_SYNC_MS: z.coerce.number().int().min(10).default(1000),
  /** Prefix of the endpoint health keys in Redis; tests and co-tenants of one Redis set their own. */
  HEALTH_KEY_PREFIX: z.string().min(1).default("gw:health:"),
  /**
   * The server secret that encrypts bring-your-own-key provider keys at rest (AES-256-GCM): 32 bytes as 64 hex
   * characters (`openssl rand -hex 32`) or base64. Without it BYOK is refused; losing it loses the stored keys.
   */
  ENCRYPTION_KEY: z.string().optional(),
  /** The fee on bring-your-own-key requests, an exact fraction of the upstream (list) price (OpenRouter: 5%). */
  BYOK_FEE_RATE: z.string().regex(/^\d+(\.\d+)?$/, "a decimal fraction such as 0.05").default("0.05"),
  /** Upstream (list-price) BYOK spend per account and calendar month (UTC) that pays no fee, USD; 0 = none. */
  BYOK_FREE_ALLOWANCE_USD: z.string().regex(/^\d+(\.\d{1,12})?$/, "a decimal USD amount").default("0"),
  /** How long an instance trusts an account's cached BYOK keys; a change made elsewhere applies within it. */
  BYOK_CACHE_MS: z.coerce.number().int().min(0).max(10_000).default(2000),
  /** How long an instance trusts a looked-up API key; a disabled or deleted key stops working everywhere within it (at most 3 s). */
  KEY_CACHE_TTL_MS: z.coerce.number().int().min(0).max(3000).default(2000),
});

export type Config = z.infer<typeof configSchema>;

/** Every variable the configuration reads, for `--help`. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(configSchema.shape);

/** Parses configuration from an environment map; throws one error listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const result = configSchema.safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new StartupError(`Invalid configuration: ${problems}`);
  }
  assertReservationTimings(result.data);
  return result.data;
}

/** How often this instance renews the reservations it uses: RESERVATION_RENEW_MS, or a quarter of the TTL. */
export function reservationRenewMs(config: Pick<Config, "RESERVATION_TTL_MS" | "RESERVATION_RENEW_MS">): number {
  return config.RESERVATION_RENEW_MS ?? Math.max(100, Math.floor(config.RESERVATION_TTL_MS / 4));
}

/**
 * Refuses timings under which a reservation still in use could expire, and the sweep hand its funds to other
 * requests while its lease or stream goes on spending them: renewal must come at least twice per TTL.
 */
function assertReservationTimings(config: Config): void {
  const renewMs = reservationRenewMs(config);
  if (renewMs * 2 > config.RESERVATION_TTL_MS) {
    throw new StartupError(
      `Invalid configuration: RESERVATION_RENEW_MS (${renewMs}) must be at most half of RESERVATION_TTL_MS (${config.RESERVATION_TTL_MS}), ` +
        "or a reservation still in use could expire and its funds be spent twice",
    );
  }
}
