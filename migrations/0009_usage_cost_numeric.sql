ALTER TABLE "usage_daily" ALTER COLUMN "cost" SET DATA TYPE numeric(38, 0);--> statement-breakpoint
ALTER TABLE "usage_daily" ALTER COLUMN "cost" SET DEFAULT '0';--> statement-breakpoint
ALTER TABLE "usage_daily_all_accounts" ALTER COLUMN "cost" SET DATA TYPE numeric(38, 0);--> statement-breakpoint
ALTER TABLE "usage_daily_all_accounts" ALTER COLUMN "cost" SET DEFAULT '0';--> statement-breakpoint
ALTER TABLE "usage_hourly" ALTER COLUMN "cost" SET DATA TYPE numeric(38, 0);--> statement-breakpoint
ALTER TABLE "usage_hourly" ALTER COLUMN "cost" SET DEFAULT '0';