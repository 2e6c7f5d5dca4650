import type { GraphQLResolveInfo } from "graphql";
import { Arg, Authorized, Ctx, Info, Int, Query, Resolver } from "type-graphql";
import { requirePrincipal } from "../../accounts/require-principal.js";
import { MAX_GENERATIONS_PAGE, pageGenerations } from "../../usage/generation-page.js";
import { scopeUsageFilter } from "../../usage/usage-filter.js";
import { queryUsage } from "../../usage/usage-query.js";
import { listComplexity } from "../catalog/catalog-complexity.js";
import { PageInfo } from "../catalog/page-info.type.js";
import type { GraphQLContext } from "../context.js";
import { Generation, GenerationConnection, GenerationEdge } from "./generation.type.js";
import { selectsAnyField } from "./selected-fields.js";
import { UsageGroupBy, toUsageDimension } from "./usage-group-by.enum.js";
import { GenerationFilter, UsageFilter, toServiceFilter } from "./usage-filter.input.js";
import { UsageRow } from "./usage-row.type.js";

/** Usage rows a typical dashboard query returns, for the complexity estimate (each row is a few scalars). */
const USAGE_ROWS_ESTIMATE = 50;

/**
 * Usage analytics: `usage` (sums from the rollups, grouped) and `generations` (the records, newest first).
 * An API key sees its own account only; an operator any account or all.
 */
@Resolver()
export class UsageResolver {
  @Authorized()
  @Query(() => [UsageRow], {
    description: "Usage summed from the hourly and daily rollups, grouped by the dimensions asked for (none: one total row, or none when nothing matched). Sorted by day, hour, model, provider, key.",
    complexity: listComplexity(USAGE_ROWS_ESTIMATE),
  })
  async usage(
    @Arg("filter", () => UsageFilter, { nullable: true }) filter: UsageFilter | null,
    @Arg("groupBy", () => [UsageGroupBy], { nullable: true }) groupBy: UsageGroupBy[] | null,
    @Ctx() context: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<UsageRow[]> {
    const scoped = scopeUsageFilter(requirePrincipal(context.principal), toServiceFilter(filter));
    // Records still queued for their batch are written (and rolled up) first, so a request that ended counts.
    await context.services.generations.writeQueued();
    const rows = await queryUsage(context.services.database.db, {
      filter: scoped,
      groupBy: (groupBy ?? []).map(toUsageDimension),
      latency: selectsAnyField(info, ["latencyP50Ms", "latencyP95Ms"]),
    });
    return rows.map((row) => UsageRow.from(row));
  }

  @Authorized()
  @Query(() => GenerationConnection, {
    description: `Generation records, newest first (Relay connection; first: 0 to ${MAX_GENERATIONS_PAGE}, default 20).`,
    complexity: ({ args, childComplexity }) => 1 + Math.min(Math.max(typeof args.first === "number" ? args.first : 20, 0), MAX_GENERATIONS_PAGE) * childComplexity,
  })
  async generations(
    @Arg("filter", () => GenerationFilter, { nullable: true }) filter: GenerationFilter | null,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() context: GraphQLContext,
  ): Promise<GenerationConnection> {
    const scoped = scopeUsageFilter(requirePrincipal(context.principal), toServiceFilter(filter));
    // Records still queued for their batch are written first, so a generation is listed the moment it ends.
    await context.services.generations.writeQueued();
    const page = await pageGenerations(context.services.database.db, { filter: scoped, first: first ?? undefined, after });
    const edges = page.rows.map(({ row, cursor }) => Object.assign(new GenerationEdge(), { cursor, node: Generation.from(row) }));
    const pageInfo = Object.assign(new PageInfo(), {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: after !== null && after !== undefined,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    });
    return Object.assign(new GenerationConnection(), { edges, pageInfo });
  }
}
