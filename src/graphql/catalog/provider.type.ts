import { Field, Int, ObjectType } from "type-graphql";
import type { ProviderRow } from "../../db/schema/index.js";

/** Where a provider documents its policies and status. */
@ObjectType({ description: "A provider's public pages." })
export class ProviderUrls {
  @Field(() => String, { nullable: true })
  privacyPolicy!: string | null;

  @Field(() => String, { nullable: true })
  termsOfService!: string | null;

  @Field(() => String, { nullable: true })
  status!: string | null;
}

/** What a provider does with prompts, for users choosing where their data goes. */
@ObjectType({ description: "What a provider does with prompts and completions." })
export class DataPolicy {
  @Field({ description: "Whether the provider may train on prompts." })
  training!: boolean;

  @Field({ description: "Whether the provider keeps prompts after answering." })
  retainsPrompts!: boolean;

  @Field(() => Int, { nullable: true, description: "How long prompts are kept, in days, when known." })
  retentionDays!: number | null;
}

/** A company or server hosting models. Its endpoints are a field resolver (`provider.resolver.ts`). */
@ObjectType({ description: "A company or server that hosts models." })
export class Provider {
  @Field({ description: "Routing slug, e.g. google-ai-studio." })
  slug!: string;

  @Field()
  name!: string;

  @Field(() => ProviderUrls)
  urls!: ProviderUrls;

  @Field(() => String, { nullable: true, description: "ISO 3166 alpha-2 country of the headquarters." })
  headquarters!: string | null;

  @Field(() => [String], { description: "ISO 3166 alpha-2 countries where requests are served." })
  datacenters!: string[];

  @Field(() => DataPolicy)
  dataPolicy!: DataPolicy;

  static from(row: ProviderRow): Provider {
    return Object.assign(new Provider(), {
      slug: row.slug,
      name: row.name,
      urls: Object.assign(new ProviderUrls(), {
        privacyPolicy: row.privacyPolicyUrl,
        termsOfService: row.termsOfServiceUrl,
        status: row.statusPageUrl,
      }),
      headquarters: row.headquarters,
      datacenters: row.datacenters,
      dataPolicy: Object.assign(new DataPolicy(), {
        training: row.dataPolicy.training,
        retainsPrompts: row.dataPolicy.retainsPrompts,
        retentionDays: row.dataPolicy.retentionDays,
      }),
    });
  }
}
