import type { Command } from "./command-kit.js";
import { options, required, UsageError } from "./command-kit.js";

/** `accounts create --name X`, `accounts list [--limit N] [--offset N]`, and `accounts disable|enable --account ID`. */
export const accountsCommand: Command = async ([action, ...args], context) => {
  if (action === "create") {
    const values = options(args, { name: { type: "string" } });
    const account = await context.services.accounts.create(context.operator, { name: required(values.name, "name") });
    context.print(account);
    return;
  }
  if (action === "list") {
    const values = options(args, { limit: { type: "string" }, offset: { type: "string" } });
    const accounts = await context.services.accounts.list(context.operator, { limit: Number(values.limit ?? 100), offset: Number(values.offset ?? 0) });
    const balances = await context.services.ledger.loadBalances(accounts.map((account) => account.id));
    context.print(accounts.map((account, index) => ({ ...account, balance: balances[index]?.balance, reserved: balances[index]?.reserved })));
    return;
  }
  if (action === "disable" || action === "enable") {
    const accountId = required(options(args, { account: { type: "string" } }).account, "account");
    context.print(await context.services.accounts.update(context.operator, accountId, { disabled: action === "disable" }));
    return;
  }
  throw new UsageError("accounts create --name NAME | accounts list [--limit N] [--offset N] | accounts disable|enable --account ID");
};
