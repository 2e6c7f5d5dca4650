import { Field, ObjectType } from "type-graphql";
import type { KeyView } from "../../accounts/key-view.js";
import { DecimalScalar } from "../scalars/decimal.scalar.js";
import { toDecimal, toDecimalOrNull } from "../billing/money-fields.js";
import { KeyKindEnum, LimitResetEnum } from "./key-enums.js";

@ObjectType({ description: "What a key spent, in USD, in the current UTC periods (weeks from Monday)." })
export class KeyUsage {
  @Field(() => DecimalScalar, { description: "Since the key was created." })
  total!: string;

  @Field(() => DecimalScalar)
  daily!: string;

  @Field(() => DecimalScalar)
  weekly!: string;

  @Field(() => DecimalScalar)
  monthly!: string;

  @Field(() => DecimalScalar, { description: "Bring-your-own-key spend (paid to the provider directly), since creation." })
  byokTotal!: string;

  @Field(() => DecimalScalar, { description: "Held by this key's requests in flight." })
  reserved!: string;

  /** For the rollup fields (requests, tokens, recordedCost: `src/graphql/usage/key-usage.resolver.ts`). */
  keyHash!: string;
}

/** An API or management key; never its plaintext. */
@ObjectType({ description: "An API or management key. The plaintext is only ever returned by createKey." })
export class ApiKey {
  @Field({ description: "SHA-256 hex of the key: its public id." })
  hash!: string;

  @Field(() => String, { nullable: true, description: "The owning account; null for an operator key." })
  accountId!: string | null;

  @Field(() => KeyKindEnum)
  kind!: KeyKindEnum;

  @Field()
  name!: string;

  @Field({ description: "Masked key, e.g. sk-gw-a1B...xY9." })
  label!: string;

  @Field()
  disabled!: boolean;

  @Field(() => Date, { nullable: true })
  expiresAt!: Date | null;

  @Field(() => DecimalScalar, { nullable: true, description: "Spend limit in USD; null = unlimited." })
  limit!: string | null;

  @Field(() => LimitResetEnum, { nullable: true, description: "null: the limit is for the key's lifetime." })
  limitReset!: LimitResetEnum | null;

  @Field(() => DecimalScalar, { nullable: true, description: "What is left of the limit in the current period; null = unlimited." })
  limitRemaining!: string | null;

  @Field(() => Date, { nullable: true, description: "When the limit next starts over." })
  limitResetsAt!: Date | null;

  @Field()
  includeByokInLimit!: boolean;

  @Field(() => KeyUsage)
  usage!: KeyUsage;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;

  static from(view: KeyView): ApiKey {
    return Object.assign(new ApiKey(), {
      hash: view.hash,
      accountId: view.accountId,
      kind: view.kind as KeyKindEnum,
      name: view.name,
      label: view.label,
      disabled: view.disabled,
      expiresAt: view.expiresAt,
      limit: toDecimalOrNull(view.spendLimit),
      limitReset: view.limitReset as LimitResetEnum | null,
      limitRemaining: toDecimalOrNull(view.limitRemaining),
      limitResetsAt: view.limitResetsAt,
      includeByokInLimit: view.includeByokInLimit,
      usage: Object.assign(new KeyUsage(), {
        total: toDecimal(view.spend.usage),
        daily: toDecimal(view.spend.usageDaily),
        weekly: toDecimal(view.spend.usageWeekly),
        monthly: toDecimal(view.spend.usageMonthly),
        byokTotal: toDecimal(view.spend.byokUsage),
        reserved: toDecimal(view.spend.reserved),
        keyHash: view.hash,
      }),
      createdAt: view.createdAt,
      updatedAt: view.updatedAt,
    });
  }
}

@ObjectType({ description: "A new key and its plaintext, shown this once and never again." })
export class CreatedKey {
  @Field(() => ApiKey)
  key!: ApiKey;

  @Field({ description: "The secret: store it now; only its hash is kept." })
  plaintext!: string;
}
