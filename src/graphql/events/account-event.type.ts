import { createUnionType, Field, ID, ObjectType, registerEnumType } from "type-graphql";
import type { DeliveredAccountEvent } from "../../events/account-event-stream.js";
import { LimitResetEnum } from "../accounts/key-enums.js";
import { toDecimal, toDecimalOrNull } from "../billing/money-fields.js";
import { DecimalScalar } from "../scalars/decimal.scalar.js";

/** What moved a balance. */
export enum BalanceChangeCauseEnum {
  SUBSCRIBED = "subscribed",
  USAGE = "usage",
  CREDITS = "credits",
}
registerEnumType(BalanceChangeCauseEnum, {
  name: "BalanceChangeCause",
  description: "SUBSCRIBED: the figures when the subscription started; USAGE: requests were charged; CREDITS: credits came in or went out.",
});

/** Why a key's spend counts from zero again. */
export enum KeyLimitResetReasonEnum {
  PERIOD = "period",
  OPERATOR = "operator",
}
registerEnumType(KeyLimitResetReasonEnum, {
  name: "KeyLimitResetReason",
  description: "PERIOD: the key's daily, weekly or monthly period rolled over; OPERATOR: its limit or period was changed.",
});

/** Where credits came from. */
export enum CreditSourceEnum {
  PURCHASE = "purchase",
  GRANT = "grant",
}
registerEnumType(CreditSourceEnum, { name: "CreditSource", description: "PURCHASE: bought (also by auto top-up); GRANT: given by an operator." });

@ObjectType({ description: "The account's balance moved; the figures are the ledger's as the event is delivered." })
export class BalanceChanged {
  @Field(() => ID)
  accountId!: string;

  @Field(() => BalanceChangeCauseEnum)
  cause!: BalanceChangeCauseEnum;

  @Field(() => DecimalScalar, { description: "Credits left (USD)." })
  balance!: string;

  @Field(() => DecimalScalar, { description: "Held by requests in flight (USD)." })
  reserved!: string;

  @Field(() => DecimalScalar, { description: "balance − reserved (USD)." })
  available!: string;
}

@ObjectType({ description: "A key's spend limit refused a request: it has too little left this period." })
export class KeyLimitReached {
  @Field(() => ID)
  accountId!: string;

  @Field(() => ID, { description: "The key's hash (its public id)." })
  keyHash!: string;

  @Field(() => DecimalScalar)
  limit!: string;

  @Field(() => DecimalScalar, { description: "Spent and held in the current period when the request was refused." })
  usage!: string;

  @Field(() => LimitResetEnum, { nullable: true })
  limitReset!: LimitResetEnum | null;
}

@ObjectType({ description: "A key's spend limit starts over: its period rolled over, or an operator changed it." })
export class KeyLimitReset {
  @Field(() => ID)
  accountId!: string;

  @Field(() => ID)
  keyHash!: string;

  @Field(() => KeyLimitResetReasonEnum)
  reason!: KeyLimitResetReasonEnum;

  @Field(() => DecimalScalar, { nullable: true, description: "The limit now in force; null when unlimited." })
  newLimit!: string | null;

  @Field(() => LimitResetEnum, { nullable: true })
  limitReset!: LimitResetEnum | null;
}

@ObjectType({ description: "Credits came in: purchased or granted." })
export class CreditsAdded {
  @Field(() => ID)
  accountId!: string;

  @Field(() => CreditSourceEnum)
  source!: CreditSourceEnum;

  @Field(() => DecimalScalar)
  credits!: string;

  @Field(() => DecimalScalar, { description: "The balance right after." })
  balance!: string;

  @Field(() => ID, { nullable: true, description: "The payment, for a purchase." })
  paymentId!: string | null;
}

@ObjectType({ description: "A generation ended and was charged." })
export class GenerationFinished {
  @Field(() => ID)
  accountId!: string;

  @Field(() => ID, { description: "As in GET /api/v1/generation?id=." })
  generationId!: string;

  @Field()
  model!: string;

  @Field(() => DecimalScalar, { description: "What it was charged (USD)." })
  cost!: string;

  @Field(() => ID, { description: "The key that made it." })
  keyHash!: string;
}

/** The union `accountEvents` yields. */
export const AccountEventUnion = createUnionType({
  name: "AccountEvent",
  description: "Something that happened to an account: balance, key limits, credits, generations.",
  types: () => [BalanceChanged, KeyLimitReached, KeyLimitReset, CreditsAdded, GenerationFinished] as const,
});

type AccountEventObject = BalanceChanged | KeyLimitReached | KeyLimitReset | CreditsAdded | GenerationFinished;

/** The GraphQL object of a delivered event (amounts as exact USD decimals). */
export function toAccountEventObject(event: DeliveredAccountEvent): AccountEventObject {
  switch (event.type) {
    case "balance":
      return Object.assign(new BalanceChanged(), {
        accountId: event.accountId,
        cause: event.cause as BalanceChangeCauseEnum,
        balance: toDecimal(event.figures.balance),
        reserved: toDecimal(event.figures.reserved),
        available: toDecimal(event.figures.available),
      });
    case "key_limit_reached":
      return Object.assign(new KeyLimitReached(), {
        accountId: event.accountId,
        keyHash: event.keyHash,
        limit: toDecimal(event.limit),
        usage: toDecimal(event.usage),
        limitReset: event.limitReset as LimitResetEnum | null,
      });
    case "key_limit_reset":
      return Object.assign(new KeyLimitReset(), {
        accountId: event.accountId,
        keyHash: event.keyHash,
        reason: event.reason as KeyLimitResetReasonEnum,
        newLimit: toDecimalOrNull(event.limit),
        limitReset: event.limitReset as LimitResetEnum | null,
      });
    case "credits_added":
      return Object.assign(new CreditsAdded(), {
        accountId: event.accountId,
        source: event.source as CreditSourceEnum,
        credits: toDecimal(event.credits),
        balance: toDecimal(event.balance),
        paymentId: event.paymentId,
      });
    case "generation_finished":
      return Object.assign(new GenerationFinished(), {
        accountId: event.accountId,
        generationId: event.generationId,
        model: event.model,
        cost: toDecimal(event.cost),
        keyHash: event.keyHash,
      });
    default: {
      const unknownEvent: never = event;
      throw new Error(`unhandled account event ${JSON.stringify(unknownEvent)}`);
    }
  }
}
