CREATE TABLE "usage_daily" (
	"day" date NOT NULL,
	"account_id" text DEFAULT '' NOT NULL,
	"model" text NOT NULL,
	"provider_slug" text DEFAULT '' NOT NULL,
	"requests" bigint DEFAULT 0 NOT NULL,
	"tokens_prompt" bigint DEFAULT 0 NOT NULL,
	"tokens_completion" bigint DEFAULT 0 NOT NULL,
	"tokens_reasoning" bigint DEFAULT 0 NOT NULL,
	"tokens_cached" bigint DEFAULT 0 NOT NULL,
	"cost" bigint DEFAULT 0 NOT NULL,
	"errors" bigint DEFAULT 0 NOT NULL,
	"cancelled" bigint DEFAULT 0 NOT NULL,
	"latency_ms_sum" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "usage_daily_pk" PRIMARY KEY("day","account_id","model","provider_slug")
);
--> statement-breakpoint
CREATE TABLE "usage_hourly" (
	"hour" timestamp with time zone NOT NULL,
	"account_id" text DEFAULT '' NOT NULL,
	"key_hash" text DEFAULT '' NOT NULL,
	"model" text NOT NULL,
	"provider_slug" text DEFAULT '' NOT NULL,
	"requests" bigint DEFAULT 0 NOT NULL,
	"tokens_prompt" bigint DEFAULT 0 NOT NULL,
	"tokens_completion" bigint DEFAULT 0 NOT NULL,
	"tokens_reasoning" bigint DEFAULT 0 NOT NULL,
	"tokens_cached" bigint DEFAULT 0 NOT NULL,
	"cost" bigint DEFAULT 0 NOT NULL,
	"errors" bigint DEFAULT 0 NOT NULL,
	"cancelled" bigint DEFAULT 0 NOT NULL,
	"latency_ms_sum" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "usage_hourly_pk" PRIMARY KEY("hour","account_id","key_hash","model","provider_slug")
);
--> statement-breakpoint
CREATE TABLE "usage_latency_hourly" (
	"hour" timestamp with time zone NOT NULL,
	"account_id" text DEFAULT '' NOT NULL,
	"key_hash" text DEFAULT '' NOT NULL,
	"model" text NOT NULL,
	"provider_slug" text DEFAULT '' NOT NULL,
	"bucket" smallint NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "usage_latency_hourly_pk" PRIMARY KEY("hour","account_id","key_hash","model","provider_slug","bucket")
);
--> statement-breakpoint
CREATE INDEX "usage_daily_account_day_idx" ON "usage_daily" USING btree ("account_id","day");--> statement-breakpoint
CREATE INDEX "usage_hourly_account_hour_idx" ON "usage_hourly" USING btree ("account_id","hour");--> statement-breakpoint
CREATE INDEX "usage_hourly_key_hour_idx" ON "usage_hourly" USING btree ("key_hash","hour");--> statement-breakpoint
CREATE INDEX "usage_latency_hourly_account_hour_idx" ON "usage_latency_hourly" USING btree ("account_id","hour");--> statement-breakpoint
CREATE INDEX "generations_key_created_idx" ON "generations" USING btree ("key_hash","created_at");--> statement-breakpoint
CREATE INDEX "generations_created_idx" ON "generations" USING btree ("created_at");--> statement-breakpoint
CREATE FUNCTION "usage_latency_bucket"("latency_ms" integer) RETURNS smallint LANGUAGE sql IMMUTABLE AS $$
  SELECT least(127, floor(4 * ln(greatest("latency_ms", 0) + 1) / ln(2)))::smallint
$$;--> statement-breakpoint
CREATE FUNCTION "generations_rollup"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Rows are upserted in key order so that two batches touching the same rollup rows lock them in the same order.
  INSERT INTO "usage_hourly" AS u ("hour", "account_id", "key_hash", "model", "provider_slug", "requests", "tokens_prompt", "tokens_completion", "tokens_reasoning", "tokens_cached", "cost", "errors", "cancelled", "latency_ms_sum")
  SELECT date_trunc('hour', n."created_at" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', coalesce(n."account_id", ''), coalesce(n."key_hash", ''), n."model", coalesce(n."provider_slug", ''),
    count(*), sum(n."tokens_prompt"), sum(n."tokens_completion"), sum(n."tokens_reasoning"), sum(n."tokens_cached"), sum(n."total_cost"),
    count(*) FILTER (WHERE n."finish_reason" = 'error' OR n."error_message" IS NOT NULL), count(*) FILTER (WHERE n."cancelled"), sum(n."latency_ms")
  FROM new_rows n GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT ("hour", "account_id", "key_hash", "model", "provider_slug") DO UPDATE SET
    "requests" = u."requests" + excluded."requests", "tokens_prompt" = u."tokens_prompt" + excluded."tokens_prompt",
    "tokens_completion" = u."tokens_completion" + excluded."tokens_completion", "tokens_reasoning" = u."tokens_reasoning" + excluded."tokens_reasoning",
    "tokens_cached" = u."tokens_cached" + excluded."tokens_cached", "cost" = u."cost" + excluded."cost", "errors" = u."errors" + excluded."errors",
    "cancelled" = u."cancelled" + excluded."cancelled", "latency_ms_sum" = u."latency_ms_sum" + excluded."latency_ms_sum";
  INSERT INTO "usage_daily" AS u ("day", "account_id", "model", "provider_slug", "requests", "tokens_prompt", "tokens_completion", "tokens_reasoning", "tokens_cached", "cost", "errors", "cancelled", "latency_ms_sum")
  SELECT (n."created_at" AT TIME ZONE 'UTC')::date, coalesce(n."account_id", ''), n."model", coalesce(n."provider_slug", ''),
    count(*), sum(n."tokens_prompt"), sum(n."tokens_completion"), sum(n."tokens_reasoning"), sum(n."tokens_cached"), sum(n."total_cost"),
    count(*) FILTER (WHERE n."finish_reason" = 'error' OR n."error_message" IS NOT NULL), count(*) FILTER (WHERE n."cancelled"), sum(n."latency_ms")
  FROM new_rows n GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  ON CONFLICT ("day", "account_id", "model", "provider_slug") DO UPDATE SET
    "requests" = u."requests" + excluded."requests", "tokens_prompt" = u."tokens_prompt" + excluded."tokens_prompt",
    "tokens_completion" = u."tokens_completion" + excluded."tokens_completion", "tokens_reasoning" = u."tokens_reasoning" + excluded."tokens_reasoning",
    "tokens_cached" = u."tokens_cached" + excluded."tokens_cached", "cost" = u."cost" + excluded."cost", "errors" = u."errors" + excluded."errors",
    "cancelled" = u."cancelled" + excluded."cancelled", "latency_ms_sum" = u."latency_ms_sum" + excluded."latency_ms_sum";
  INSERT INTO "usage_latency_hourly" AS u ("hour", "account_id", "key_hash", "model", "provider_slug", "bucket", "count")
  SELECT date_trunc('hour', n."created_at" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', coalesce(n."account_id", ''), coalesce(n."key_hash", ''), n."model", coalesce(n."provider_slug", ''),
    "usage_latency_bucket"(n."latency_ms"), count(*)
  FROM new_rows n GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT ("hour", "account_id", "key_hash", "model", "provider_slug", "bucket") DO UPDATE SET "count" = u."count" + excluded."count";
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "generations_rollup_after_insert" AFTER INSERT ON "generations" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "generations_rollup"();--> statement-breakpoint
-- Existing generations are summed once, so the rollups start complete.
INSERT INTO "usage_hourly" ("hour", "account_id", "key_hash", "model", "provider_slug", "requests", "tokens_prompt", "tokens_completion", "tokens_reasoning", "tokens_cached", "cost", "errors", "cancelled", "latency_ms_sum")
SELECT date_trunc('hour', n."created_at" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', coalesce(n."account_id", ''), coalesce(n."key_hash", ''), n."model", coalesce(n."provider_slug", ''),
  count(*), sum(n."tokens_prompt"), sum(n."tokens_completion"), sum(n."tokens_reasoning"), sum(n."tokens_cached"), sum(n."total_cost"),
  count(*) FILTER (WHERE n."finish_reason" = 'error' OR n."error_message" IS NOT NULL), count(*) FILTER (WHERE n."cancelled"), sum(n."latency_ms")
FROM "generations" n GROUP BY 1, 2, 3, 4, 5;--> statement-breakpoint
INSERT INTO "usage_daily" ("day", "account_id", "model", "provider_slug", "requests", "tokens_prompt", "tokens_completion", "tokens_reasoning", "tokens_cached", "cost", "errors", "cancelled", "latency_ms_sum")
SELECT (n."created_at" AT TIME ZONE 'UTC')::date, coalesce(n."account_id", ''), n."model", coalesce(n."provider_slug", ''),
  count(*), sum(n."tokens_prompt"), sum(n."tokens_completion"), sum(n."tokens_reasoning"), sum(n."tokens_cached"), sum(n."total_cost"),
  count(*) FILTER (WHERE n."finish_reason" = 'error' OR n."error_message" IS NOT NULL), count(*) FILTER (WHERE n."cancelled"), sum(n."latency_ms")
FROM "generations" n GROUP BY 1, 2, 3, 4;--> statement-breakpoint
INSERT INTO "usage_latency_hourly" ("hour", "account_id", "key_hash", "model", "provider_slug", "bucket", "count")
SELECT date_trunc('hour', n."created_at" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', coalesce(n."account_id", ''), coalesce(n."key_hash", ''), n."model", coalesce(n."provider_slug", ''),
  "usage_latency_bucket"(n."latency_ms"), count(*)
FROM "generations" n GROUP BY 1, 2, 3, 4, 5, 6;
