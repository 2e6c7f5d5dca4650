CREATE TABLE "usage_daily_all_accounts" (
	"day" date NOT NULL,
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
	CONSTRAINT "usage_daily_all_accounts_pk" PRIMARY KEY("day","model","provider_slug")
);
--> statement-breakpoint
CREATE FUNCTION "generations_rollup_all_accounts"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Same statement as the insert, like generations_rollup; rows upserted in key order.
  INSERT INTO "usage_daily_all_accounts" AS u ("day", "model", "provider_slug", "requests", "tokens_prompt", "tokens_completion", "tokens_reasoning", "tokens_cached", "cost", "errors", "cancelled", "latency_ms_sum")
  SELECT (n."created_at" AT TIME ZONE 'UTC')::date, n."model", coalesce(n."provider_slug", ''),
    count(*), sum(n."tokens_prompt"), sum(n."tokens_completion"), sum(n."tokens_reasoning"), sum(n."tokens_cached"), sum(n."total_cost"),
    count(*) FILTER (WHERE n."finish_reason" = 'error' OR n."error_message" IS NOT NULL), count(*) FILTER (WHERE n."cancelled"), sum(n."latency_ms")
  FROM new_rows n GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT ("day", "model", "provider_slug") DO UPDATE SET
    "requests" = u."requests" + excluded."requests", "tokens_prompt" = u."tokens_prompt" + excluded."tokens_prompt",
    "tokens_completion" = u."tokens_completion" + excluded."tokens_completion", "tokens_reasoning" = u."tokens_reasoning" + excluded."tokens_reasoning",
    "tokens_cached" = u."tokens_cached" + excluded."tokens_cached", "cost" = u."cost" + excluded."cost", "errors" = u."errors" + excluded."errors",
    "cancelled" = u."cancelled" + excluded."cancelled", "latency_ms_sum" = u."latency_ms_sum" + excluded."latency_ms_sum";
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "generations_rollup_all_accounts_after_insert" AFTER INSERT ON "generations" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "generations_rollup_all_accounts"();--> statement-breakpoint
-- What the accounts' daily rollup already holds, summed once.
INSERT INTO "usage_daily_all_accounts" ("day", "model", "provider_slug", "requests", "tokens_prompt", "tokens_completion", "tokens_reasoning", "tokens_cached", "cost", "errors", "cancelled", "latency_ms_sum")
SELECT "day", "model", "provider_slug", sum("requests"), sum("tokens_prompt"), sum("tokens_completion"), sum("tokens_reasoning"), sum("tokens_cached"), sum("cost"), sum("errors"), sum("cancelled"), sum("latency_ms_sum")
FROM "usage_daily" GROUP BY 1, 2, 3;
