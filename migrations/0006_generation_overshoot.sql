ALTER TABLE "generations" ADD COLUMN "overshoot_tokens" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "uncharged_cost" bigint DEFAULT 0 NOT NULL;