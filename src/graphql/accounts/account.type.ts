import { Field, ID, ObjectType } from "type-graphql";
import type { AccountRow } from "../../db/schema/index.js";

/** A tenant. Balance, keys, ledger and top-up settings are resolved per field (DataLoader-batched). */
@ObjectType({ description: "An account: it owns keys, a credit balance and a ledger." })
export class Account {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => Boolean, { description: "A disabled account's keys are refused (403) until an operator enables it again." })
  disabled!: boolean;

  @Field()
  createdAt!: Date;

  static from(row: AccountRow): Account {
    return Object.assign(new Account(), { id: row.id, name: row.name, disabled: row.disabled, createdAt: row.createdAt });
  }
}
