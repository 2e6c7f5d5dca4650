import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import type { ByokKeyView } from "../../byok/byok-key-view.js";

/** Whether a stored own key is used. */
export enum ByokKeyStatusEnum {
  ACTIVE = "active",
  DISABLED = "disabled",
  REJECTED = "rejected",
}

registerEnumType(ByokKeyStatusEnum, {
  name: "ByokKeyStatus",
  description: "ACTIVE keys are tried first; DISABLED ones by the account and REJECTED ones (the provider answered 401/403) are skipped until changed.",
});

@ObjectType({ description: "The provider's refusal of an own key." })
export class ByokKeyError {
  @Field(() => Date)
  at!: Date;

  @Field(() => Int, { description: "The provider's HTTP status (401 or 403)." })
  status!: number;

  @Field()
  message!: string;
}

/** An account's own provider key; never the key itself. */
@ObjectType({ description: "An account's own provider key (bring your own key). The key is never returned, only its masked label." })
export class ByokKey {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  accountId!: string;

  @Field({ description: "The provider slug the key is sent to, and only to it." })
  provider!: string;

  @Field()
  name!: string;

  @Field({ description: "Masked key, e.g. sk-abc...xyz." })
  label!: string;

  @Field({ description: "When false the gateway's shared key of this provider is never used for the account." })
  allowFallback!: boolean;

  @Field({ description: "True: tried after the gateway's shared keys instead of before (OpenRouter's Fallback keys)." })
  isFallback!: boolean;

  @Field(() => ByokKeyStatusEnum)
  status!: ByokKeyStatusEnum;

  @Field(() => ByokKeyError, { nullable: true })
  error!: ByokKeyError | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;

  static from(view: ByokKeyView): ByokKey {
    return Object.assign(new ByokKey(), {
      id: view.id,
      accountId: view.accountId,
      provider: view.provider,
      name: view.name,
      label: view.label,
      allowFallback: view.allowFallback,
      isFallback: view.isFallback,
      status: view.status as ByokKeyStatusEnum,
      error: view.rejection === null ? null : Object.assign(new ByokKeyError(), view.rejection),
      createdAt: view.createdAt,
      updatedAt: view.updatedAt,
    });
  }
}
