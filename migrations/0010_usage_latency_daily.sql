CREATE TABLE "usage_latency_daily" (
	"day" date NOT NULL,
	"account_id" text DEFAULT '' NOT NULL,
	"model" text NOT NULL,
	"provider_slug" text DEFAULT '' NOT NULL,
	"bucket" smallint NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "usage_latency_daily_pk" PRIMARY KEY("day","account_id","model","provider_slug","bucket")
);
--> statement-breakpoint
CREATE TABLE "usage_latency_daily_all_accounts" (
	"day" date NOT NULL,
	"model" text NOT NULL,
	"provider_slug" text DEFAULT '' NOT NULL,
	"bucket" smallint NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "usage_latency_daily_all_accounts_pk" PRIMARY KEY("day","model","provider_slug","bucket")
);
--> statement-breakpoint
CREATE INDEX "usage_latency_daily_account_day_idx" ON "usage_latency_daily" USING btree ("account_id","day");--> statement-breakpoint
CREATE FUNCTION "generations_latency_daily_rollup"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Same statement as the insert, like generations_rollup; rows upserted in key order.
  INSERT INTO "usage_latency_daily" AS u ("day", "account_id", "model", "provider_slug", "bucket", "count")
  SELECT (n."created_at" AT TIME ZONE 'UTC')::date, coalesce(n."account_id", ''), n."model", coalesce(n."provider_slug", ''), "usage_latency_bucket"(n."latency_ms"), count(*)
  FROM new_rows n GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT ("day", "account_id", "model", "provider_slug", "bucket") DO UPDATE SET "count" = u."count" + excluded."count";
  INSERT INTO "usage_latency_daily_all_accounts" AS u ("day", "model", "provider_slug", "bucket", "count")
  SELECT (n."created_at" AT TIME ZONE 'UTC')::date, n."model", coalesce(n."provider_slug", ''), "usage_latency_bucket"(n."latency_ms"), count(*)
  FROM new_rows n GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  ON CONFLICT ("day", "model", "provider_slug", "bucket") DO UPDATE SET "count" = u."count" + excluded."count";
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "generations_latency_daily_rollup_after_insert" AFTER INSERT ON "generations" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "generations_latency_daily_rollup"();--> statement-breakpoint
-- What the hourly histogram already holds, summed once.
INSERT INTO "usage_latency_daily" ("day", "account_id", "model", "provider_slug", "bucket", "count")
SELECT ("hour" AT TIME ZONE 'UTC')::date, "account_id", "model", "provider_slug", "bucket", sum("count") FROM "usage_latency_hourly" GROUP BY 1, 2, 3, 4, 5;--> statement-breakpoint
INSERT INTO "usage_latency_daily_all_accounts" ("day", "model", "provider_slug", "bucket", "count")
SELECT ("hour" AT TIME ZONE 'UTC')::date, "model", "provider_slug", "bucket", sum("count") FROM "usage_latency_hourly" GROUP BY 1, 2, 3, 4;
