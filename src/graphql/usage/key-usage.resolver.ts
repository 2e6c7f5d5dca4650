import { Ctx, FieldResolver, Float, Int, Resolver, Root } from "type-graphql";
import type { UsageFigures } from "../../usage/usage-query.js";
import { KeyUsage } from "../accounts/api-key.type.js";
import { toDecimal } from "../billing/money-fields.js";
import type { GraphQLContext } from "../context.js";
import { DecimalScalar } from "../scalars/decimal.scalar.js";

async function summary(usage: KeyUsage, context: GraphQLContext): Promise<UsageFigures | undefined> {
  await context.services.generations.writeQueued();
  return context.loaders.usage.keySummary.load(usage.keyHash);
}

/**
 * The generation rollups' lifetime sums on a key's usage, next to the ledger's figures (`total` and the
 * periods, equal to `GET /api/v1/key`). One statement for all the keys of a page, whichever fields are asked.
 */
@Resolver(() => KeyUsage)
export class KeyUsageResolver {
  @FieldResolver(() => DecimalScalar, { description: "USD of this key's recorded generations (the rollups' sum); equals total once every record is written." })
  async recordedCost(@Root() usage: KeyUsage, @Ctx() context: GraphQLContext): Promise<string> {
    return toDecimal((await summary(usage, context))?.cost ?? 0n);
  }

  @FieldResolver(() => Int)
  async requests(@Root() usage: KeyUsage, @Ctx() context: GraphQLContext): Promise<number> {
    return (await summary(usage, context))?.requests ?? 0;
  }

  @FieldResolver(() => Float)
  async promptTokens(@Root() usage: KeyUsage, @Ctx() context: GraphQLContext): Promise<number> {
    return (await summary(usage, context))?.promptTokens ?? 0;
  }

  @FieldResolver(() => Float)
  async completionTokens(@Root() usage: KeyUsage, @Ctx() context: GraphQLContext): Promise<number> {
    return (await summary(usage, context))?.completionTokens ?? 0;
  }

  @FieldResolver(() => Float)
  async reasoningTokens(@Root() usage: KeyUsage, @Ctx() context: GraphQLContext): Promise<number> {
    return (await summary(usage, context))?.reasoningTokens ?? 0;
  }

  @FieldResolver(() => Float)
  async cachedTokens(@Root() usage: KeyUsage, @Ctx() context: GraphQLContext): Promise<number> {
    return (await summary(usage, context))?.cachedTokens ?? 0;
  }

  @FieldResolver(() => Int)
  async errors(@Root() usage: KeyUsage, @Ctx() context: GraphQLContext): Promise<number> {
    return (await summary(usage, context))?.errors ?? 0;
  }

  @FieldResolver(() => Int)
  async cancelled(@Root() usage: KeyUsage, @Ctx() context: GraphQLContext): Promise<number> {
    return (await summary(usage, context))?.cancelled ?? 0;
  }
}
