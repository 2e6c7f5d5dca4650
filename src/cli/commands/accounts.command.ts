import type { Command } from "./command-kit.js";
import { options, required, UsageError } from "./command-kit.js";

/** `accounts create --name X`, `accounts list [--limit N] [--offset N]`, and `accounts disable|enable --account ID`. */
export const accountsCommand: Command = async ([action, ...args], context) => {
  if (action === "create") {
    const values = options(args, { name: { type: "string" } });
    context.print(await context.admin.createAccount({ name: required(values.name, "name") }));
    return;
  }
  if (action === "list") {
    const values = options(args, { limit: { type: "string" }, offset: { type: "string" } });
    context.print(await context.admin.listAccounts({ limit: Number(values.limit ?? 100), offset: Number(values.offset ?? 0) }));
    return;
  }
  if (action === "disable" || action === "enable") {
    const accountId = required(options(args, { account: { type: "string" } }).account, "account");
    context.print(await context.admin.setAccountDisabled(accountId, action === "disable"));
    return;
  }
  throw new UsageError("accounts create --name NAME | accounts list [--limit N] [--offset N] | accounts disable|enable --account ID");
};
