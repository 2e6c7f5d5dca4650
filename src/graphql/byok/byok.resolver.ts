import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import { requirePrincipal } from "../../accounts/require-principal.js";
import type { UpdateByokKeyInput as ServiceUpdateInput } from "../../byok/byok-service.js";
import type { GraphQLContext } from "../context.js";
import { ByokKey } from "./byok-key.type.js";
import { SetByokKeyInput, UpdateByokKeyInput } from "./byok.inputs.js";

/**
 * Own provider keys over GraphQL, through the same service as `/api/v1/byok`: API keys manage their own
 * account's keys, operators any account's; a key outside the caller's scope is NOT_FOUND.
 */
@Resolver(() => ByokKey)
export class ByokResolver {
  @Authorized()
  @Query(() => [ByokKey], { description: "Own provider keys: the caller's account, or for operators every account (or the one named)." })
  async byokKeys(@Arg("accountId", () => ID, { nullable: true }) accountId: string | null, @Ctx() context: GraphQLContext): Promise<ByokKey[]> {
    const keys = await context.services.byok.list(requirePrincipal(context.principal), accountId ?? undefined);
    return keys.map((key) => ByokKey.from(key));
  }

  @Authorized()
  @Mutation(() => ByokKey, { description: "Stores (or replaces) the account's own key for a provider. Needs ENCRYPTION_KEY on the server." })
  async setByokKey(@Arg("input", () => SetByokKeyInput) input: SetByokKeyInput, @Ctx() context: GraphQLContext): Promise<ByokKey> {
    const { key } = await context.services.byok.put(requirePrincipal(context.principal), {
      accountId: input.accountId ?? null,
      provider: input.provider,
      key: input.key,
      ...(input.name === undefined || input.name === null ? {} : { name: input.name }),
      ...(input.allowFallback === undefined || input.allowFallback === null ? {} : { allowFallback: input.allowFallback }),
      ...(input.isFallback === undefined || input.isFallback === null ? {} : { isFallback: input.isFallback }),
    });
    return ByokKey.from(key);
  }

  @Authorized()
  @Mutation(() => ByokKey, { description: "Changes an own key: the key itself, its name, fallback, disabled." })
  async updateByokKey(
    @Arg("id", () => ID) id: string,
    @Arg("input", () => UpdateByokKeyInput) input: UpdateByokKeyInput,
    @Ctx() context: GraphQLContext,
  ): Promise<ByokKey> {
    const patch: ServiceUpdateInput = {};
    if (input.key !== undefined && input.key !== null) patch.key = input.key;
    if (input.name !== undefined && input.name !== null) patch.name = input.name;
    if (input.allowFallback !== undefined && input.allowFallback !== null) patch.allowFallback = input.allowFallback;
    if (input.isFallback !== undefined && input.isFallback !== null) patch.isFallback = input.isFallback;
    if (input.disabled !== undefined && input.disabled !== null) patch.disabled = input.disabled;
    return ByokKey.from(await context.services.byok.update(requirePrincipal(context.principal), id, patch));
  }

  @Authorized()
  @Mutation(() => Boolean, { description: "Deletes an own key; the account's requests use shared keys again within seconds." })
  async deleteByokKey(@Arg("id", () => ID) id: string, @Ctx() context: GraphQLContext): Promise<boolean> {
    await context.services.byok.remove(requirePrincipal(context.principal), id);
    return true;
  }
}
