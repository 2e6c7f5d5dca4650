import { registerEnumType } from "type-graphql";

/** Kinds of ledger entries (see `src/db/schema/ledger-entries.ts`); values are the stored names. */
export enum LedgerEntryTypeEnum {
  PURCHASE = "purchase",
  AUTO_TOP_UP = "auto_top_up",
  PLATFORM_FEE = "platform_fee",
  VOLUME_DISCOUNT = "volume_discount",
  GRANT = "grant",
  USAGE = "usage",
  REFUND = "refund",
  ADJUSTMENT = "adjustment",
}

registerEnumType(LedgerEntryTypeEnum, {
  name: "LedgerEntryType",
  description:
    "PURCHASE and AUTO_TOP_UP: a payment (credits + fee); PLATFORM_FEE: the standard fee on it; VOLUME_DISCOUNT: fee given back by a volume tier; GRANT: free credits from an operator; USAGE: one request's cost; REFUND; ADJUSTMENT: an operator's correction.",
});
