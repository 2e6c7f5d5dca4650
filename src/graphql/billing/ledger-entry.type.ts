import { GraphQLJSONObject } from "graphql-scalars";
import { Field, ID, ObjectType } from "type-graphql";
import type { LedgerEntryRow } from "../../db/schema/index.js";
import { PageInfo } from "../catalog/page-info.type.js";
import { DecimalScalar } from "../scalars/decimal.scalar.js";
import { LedgerEntryTypeEnum } from "./ledger-entry-type.enum.js";
import { toDecimal } from "./money-fields.js";

/** One append-only ledger entry. */
@ObjectType({ description: "One entry of an account's append-only credit ledger." })
export class LedgerEntry {
  @Field(() => ID)
  id!: string;

  @Field(() => LedgerEntryTypeEnum)
  type!: LedgerEntryTypeEnum;

  @Field(() => DecimalScalar, { description: "USD; positive adds to the balance, negative takes from it." })
  amount!: string;

  @Field(() => DecimalScalar, { description: "The balance right after the transaction that wrote this entry." })
  balanceAfter!: string;

  @Field(() => String, { nullable: true, description: "The key whose request or purchase this was." })
  keyHash!: string | null;

  @Field(() => ID, { nullable: true })
  paymentId!: string | null;

  @Field(() => String, { nullable: true, description: "For USAGE: the generation id (gen-...)." })
  generationId!: string | null;

  @Field(() => String, { nullable: true, description: "For USAGE: the model served." })
  model!: string | null;

  @Field()
  description!: string;

  @Field(() => GraphQLJSONObject, { nullable: true, description: "Details: fee rate and tier, token counts, the provider." })
  metadata!: Record<string, unknown> | null;

  @Field()
  createdAt!: Date;

  static from(row: LedgerEntryRow): LedgerEntry {
    return Object.assign(new LedgerEntry(), {
      id: String(row.id),
      type: row.type as LedgerEntryTypeEnum,
      amount: toDecimal(row.amount),
      balanceAfter: toDecimal(row.balanceAfter),
      keyHash: row.keyHash,
      paymentId: row.paymentId,
      generationId: row.generationId,
      model: row.model,
      description: row.description,
      metadata: row.metadata ?? null,
      createdAt: row.createdAt,
    });
  }
}

@ObjectType({ description: "A ledger entry in a page, with its cursor." })
export class LedgerEntryEdge {
  @Field({ description: "Pass as `after` to continue with older entries." })
  cursor!: string;

  @Field(() => LedgerEntry)
  node!: LedgerEntry;
}

/** Newest first, paged by cursor. */
@ObjectType({ description: "A page of ledger entries, newest first (Relay connection)." })
export class LedgerEntryConnection {
  @Field(() => [LedgerEntryEdge])
  edges!: LedgerEntryEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
