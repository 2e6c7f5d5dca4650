CREATE TABLE "rate_limit_settings" (
	"scope" text NOT NULL,
	"subject_id" text NOT NULL,
	"requests_per_minute" integer,
	"tokens_per_minute" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rate_limit_settings_scope_subject_id_pk" PRIMARY KEY("scope","subject_id"),
	CONSTRAINT "rate_limit_settings_scope_ck" CHECK ("rate_limit_settings"."scope" in ('account', 'key')),
	CONSTRAINT "rate_limit_settings_rpm_ck" CHECK ("rate_limit_settings"."requests_per_minute" is null or "rate_limit_settings"."requests_per_minute" > 0),
	CONSTRAINT "rate_limit_settings_tpm_ck" CHECK ("rate_limit_settings"."tokens_per_minute" is null or "rate_limit_settings"."tokens_per_minute" > 0)
);
