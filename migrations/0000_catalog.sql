CREATE TABLE "catalog_state" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"revision" bigint DEFAULT 0 NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "endpoints" (
	"id" serial PRIMARY KEY NOT NULL,
	"model_id" text NOT NULL,
	"provider_slug" text NOT NULL,
	"variant" text DEFAULT 'standard' NOT NULL,
	"provider_model_id" text NOT NULL,
	"price_prompt" numeric(30, 12) DEFAULT '0' NOT NULL,
	"price_completion" numeric(30, 12) DEFAULT '0' NOT NULL,
	"price_request" numeric(30, 12) DEFAULT '0' NOT NULL,
	"price_image" numeric(30, 12) DEFAULT '0' NOT NULL,
	"price_input_cache_read" numeric(30, 12) DEFAULT '0' NOT NULL,
	"price_input_cache_write" numeric(30, 12) DEFAULT '0' NOT NULL,
	"price_internal_reasoning" numeric(30, 12) DEFAULT '0' NOT NULL,
	"context_length" integer NOT NULL,
	"max_completion_tokens" integer,
	"max_prompt_tokens" integer,
	"quantization" text,
	"supported_parameters" text[] DEFAULT '{}' NOT NULL,
	"status" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "models" (
	"id" text PRIMARY KEY NOT NULL,
	"canonical_slug" text NOT NULL,
	"hugging_face_id" text,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"released_at" timestamp with time zone NOT NULL,
	"context_length" integer NOT NULL,
	"input_modalities" text[] NOT NULL,
	"output_modalities" text[] NOT NULL,
	"tokenizer" text NOT NULL,
	"instruct_type" text,
	"supported_parameters" text[] DEFAULT '{}' NOT NULL,
	"default_parameters" jsonb,
	"reasoning" jsonb,
	"knowledge_cutoff" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "providers" (
	"slug" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"privacy_policy_url" text,
	"terms_of_service_url" text,
	"status_page_url" text,
	"headquarters" text,
	"datacenters" text[] DEFAULT '{}' NOT NULL,
	"data_policy" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "endpoints" ADD CONSTRAINT "endpoints_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "endpoints" ADD CONSTRAINT "endpoints_provider_slug_providers_slug_fk" FOREIGN KEY ("provider_slug") REFERENCES "public"."providers"("slug") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "endpoints_model_provider_variant_uq" ON "endpoints" USING btree ("model_id","provider_slug","variant");--> statement-breakpoint
CREATE INDEX "endpoints_provider_idx" ON "endpoints" USING btree ("provider_slug");