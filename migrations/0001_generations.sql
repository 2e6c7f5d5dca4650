CREATE TABLE "generations" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text,
	"key_hash" text,
	"model" text NOT NULL,
	"provider_slug" text,
	"provider_name" text,
	"upstream_id" text,
	"api_type" text NOT NULL,
	"streamed" boolean NOT NULL,
	"cancelled" boolean DEFAULT false NOT NULL,
	"finish_reason" text,
	"native_finish_reason" text,
	"tokens_prompt" integer DEFAULT 0 NOT NULL,
	"tokens_completion" integer DEFAULT 0 NOT NULL,
	"tokens_reasoning" integer DEFAULT 0 NOT NULL,
	"tokens_cached" integer DEFAULT 0 NOT NULL,
	"tokens_cache_write" integer DEFAULT 0 NOT NULL,
	"total_cost" bigint DEFAULT 0 NOT NULL,
	"latency_ms" integer DEFAULT 0 NOT NULL,
	"generation_time_ms" integer DEFAULT 0 NOT NULL,
	"provider_responses" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"external_user" text,
	"error_message" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "generations_account_created_idx" ON "generations" USING btree ("account_id","created_at");