ALTER TABLE "generations" ADD COLUMN "http_referer" text;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "app_title" text;--> statement-breakpoint
ALTER TABLE "generations" ADD COLUMN "user_agent" text;