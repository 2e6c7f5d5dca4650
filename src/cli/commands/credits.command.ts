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
  const { admin } = context;
  switch (action) {
    case "purchase": {
      const values = options(args, { account: { type: "string" }, amount: { type: "string" } });
      context.print(await admin.purchaseCredits({ accountId: required(values.account, "account"), credits: usdOption(values.amount, "amount") }));
      return;
    }
    case "grant": {
      const values = options(args, { account: { type: "string" }, amount: { type: "string" }, reason: { type: "string" } });
      context.print(await admin.grantCredits({ accountId: required(values.account, "account"), credits: usdOption(values.amount, "amount"), reason: values.reason }));
      return;
    }
    case "refund": {
      const values = options(args, { payment: { type: "string" }, amount: { type: "string" }, reason: { type: "string" } });
      context.print(
        await admin.refundPayment({
          paymentId: required(values.payment, "payment"),
          credits: values.amount === undefined ? undefined : usdOption(values.amount, "amount"),
          reason: values.reason,
        }),
      );
      return;
    }
    case "adjust": {
      const values = options(args, { account: { type: "string" }, amount: { type: "string" }, reason: { type: "string" } });
      context.print(await admin.adjustCredits({ accountId: required(values.account, "account"), amount: usdOption(values.amount, "amount"), reason: required(values.reason, "reason") }));
      return;
    }
    case "balance": {
      const accountId = required(options(args, { account: { type: "string" } }).account, "account");
      context.print(await admin.balance(accountId));
      return;
    }
    case "top-up": {
      const values = options(args, { account: { type: "string" }, threshold: { type: "string" }, amount: { type: "string" }, disable: { type: "boolean" } });
      const disable = values.disable === true;
      context.print(
        await admin.configureAutoTopUp({
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
