import type { LedgerEntryType } from "../../db/schema/index.js";
import type { Command } from "./command-kit.js";
import { options, required, UsageError } from "./command-kit.js";

/** `ledger --account ID [--limit N] [--after CURSOR] [--type usage,purchase]`: entries newest first, plus the balance. */
export const ledgerCommand: Command = async (args, context) => {
  const values = options(args, { account: { type: "string" }, limit: { type: "string" }, after: { type: "string" }, type: { type: "string" } });
  const accountId = required(values.account, "account");
  const first = Number(values.limit ?? 50);
  if (!Number.isInteger(first) || first < 1 || first > 500) throw new UsageError("--limit must be 1 to 500");
  const types = values.type === undefined ? undefined : (values.type.split(",") as LedgerEntryType[]);
  context.print(await context.admin.ledger({ accountId, first, ...(values.after === undefined ? {} : { after: values.after }), ...(types === undefined ? {} : { types }) }));
};
