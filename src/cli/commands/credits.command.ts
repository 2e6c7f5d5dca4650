import type { Command } from "./command-kit.js";
import { options, required, usdOption, UsageError } from "./command-kit.js";

const USAGE = [
  "credits purchase --account ID --amount USD     (through the configured payment provider; the fee is charged on top)",
  "credits grant --account ID --amount USD [--reason TEXT]",
  "credits refund --payment ID [--amount USD] [--reason TEXT]",
  "credits adjust --account ID --amount [-]USD --reason TEXT",
  "credits balance --account ID",
  "credits top-up --account ID --threshold USD --amount USD | credits top-up --account ID --disable",
].join("\n");

/** Money in and out: purchase, grant, refund, adjust, balance and auto top-up settings. */
export const creditsCommand: Command = async ([action, ...args], context) => {
  const { credits, ledger, autoTopUp } = context.services;
  const operator = context.operator;
  switch (action) {
    case "purchase": {
      const values = options(args, { account: { type: "string" }, amount: { type: "string" } });
      const result = await credits.purchase(operator, { accountId: required(values.account, "account"), credits: usdOption(values.amount, "amount") });
      context.print({ payment: result.payment, fee: result.fee.fee, standardFee: result.fee.standardFee, volumeDiscount: result.fee.discount, balance: result.balance });
      return;
    }
    case "grant": {
      const values = options(args, { account: { type: "string" }, amount: { type: "string" }, reason: { type: "string" } });
      context.print(await credits.grant(operator, { accountId: required(values.account, "account"), credits: usdOption(values.amount, "amount"), reason: values.reason }));
      return;
    }
    case "refund": {
      const values = options(args, { payment: { type: "string" }, amount: { type: "string" }, reason: { type: "string" } });
      context.print(
        await credits.refund(operator, {
          paymentId: required(values.payment, "payment"),
          credits: values.amount === undefined ? undefined : usdOption(values.amount, "amount"),
          reason: values.reason,
        }),
      );
      return;
    }
    case "adjust": {
      const values = options(args, { account: { type: "string" }, amount: { type: "string" }, reason: { type: "string" } });
      context.print(await credits.adjust(operator, { accountId: required(values.account, "account"), amount: usdOption(values.amount, "amount"), reason: required(values.reason, "reason") }));
      return;
    }
    case "balance": {
      const accountId = required(options(args, { account: { type: "string" } }).account, "account");
      await context.services.accounts.get(operator, accountId);
      context.print(await ledger.balanceOf(accountId));
      return;
    }
    case "top-up": {
      const values = options(args, { account: { type: "string" }, threshold: { type: "string" }, amount: { type: "string" }, disable: { type: "boolean" } });
      const disable = values.disable === true;
      context.print(
        await autoTopUp.configure(operator, {
          accountId: required(values.account, "account"),
          enabled: !disable,
          threshold: disable ? 0n : usdOption(values.threshold, "threshold"),
          amount: disable ? 0n : usdOption(values.amount, "amount"),
        }),
      );
      return;
    }
    default:
      throw new UsageError(USAGE);
  }
};
