import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from "type-graphql";
import type { UpdateKeyInput as ServiceUpdateKeyInput } from "../../accounts/key-view.js";
import { requirePrincipal } from "../../accounts/require-principal.js";
import type { GraphQLContext } from "../context.js";
import { fromDecimal } from "../billing/money-fields.js";
import { ApiKey, CreatedKey } from "./api-key.type.js";
import { CreateKeyInput, UpdateKeyInput } from "./key.inputs.js";

/**
 * Keys over GraphQL. Who may do what is the key service's business (see `src/accounts/key-service.ts`):
 * management keys any key, unlimited API keys their own account's API keys.
 */
@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @Authorized()
  @Query(() => ApiKey, { description: "A key by hash, if the caller may see it; otherwise NOT_FOUND." })
  async key(@Arg("hash") hash: string, @Ctx() context: GraphQLContext): Promise<ApiKey> {
    return ApiKey.from(await context.services.keys.get(requirePrincipal(context.principal), hash));
  }

  @Authorized()
  @Mutation(() => CreatedKey, { description: "Creates a key and returns its plaintext, the only time it is ever shown." })
  async createKey(@Arg("input", () => CreateKeyInput) input: CreateKeyInput, @Ctx() context: GraphQLContext): Promise<CreatedKey> {
    const created = await context.services.keys.create(requirePrincipal(context.principal), {
      accountId: input.accountId ?? null,
      name: input.name,
      kind: input.kind,
      spendLimit: input.limit === undefined || input.limit === null ? null : fromDecimal(input.limit, "limit"),
      limitReset: input.limitReset ?? null,
      includeByokInLimit: input.includeByokInLimit ?? false,
      expiresAt: input.expiresAt ?? null,
    });
    return Object.assign(new CreatedKey(), { key: ApiKey.from(created.key), plaintext: created.plaintext });
  }

  @Authorized()
  @Mutation(() => ApiKey, { description: "Changes a key: name, disabled, limit and reset, BYOK counting, expiry." })
  async updateKey(
    @Arg("hash") hash: string,
    @Arg("input", () => UpdateKeyInput) input: UpdateKeyInput,
    @Ctx() context: GraphQLContext,
  ): Promise<ApiKey> {
    const patch: ServiceUpdateKeyInput = {};
    if (input.name !== undefined && input.name !== null) patch.name = input.name;
    if (input.disabled !== undefined && input.disabled !== null) patch.disabled = input.disabled;
    if (input.limit !== undefined) patch.spendLimit = input.limit === null ? null : fromDecimal(input.limit, "limit");
    if (input.limitReset !== undefined) patch.limitReset = input.limitReset;
    if (input.includeByokInLimit !== undefined && input.includeByokInLimit !== null) patch.includeByokInLimit = input.includeByokInLimit;
    if (input.expiresAt !== undefined) patch.expiresAt = input.expiresAt;
    return ApiKey.from(await context.services.keys.update(requirePrincipal(context.principal), hash, patch));
  }

  @Authorized()
  @Mutation(() => Boolean, { description: "Deletes a key; it stops working within seconds on every instance." })
  async deleteKey(@Arg("hash") hash: string, @Ctx() context: GraphQLContext): Promise<boolean> {
    await context.services.keys.delete(requirePrincipal(context.principal), hash);
    return true;
  }
}
