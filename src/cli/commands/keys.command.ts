import type { LimitReset } from "../../db/schema/index.js";
import type { Command } from "./command-kit.js";
import { options, required, usdOption, UsageError } from "./command-kit.js";

const RESETS = new Set(["daily", "weekly", "monthly"]);

function resetOption(value: string | boolean | undefined): LimitReset | null | undefined {
  if (value === undefined) return undefined;
  if (value === "none") return null;
  if (typeof value !== "string" || !RESETS.has(value)) throw new UsageError("--reset must be daily, weekly, monthly or none");
  return value as LimitReset;
}

function dateOption(value: string | boolean | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(String(value));
  if (Number.isNaN(date.getTime())) throw new UsageError("--expires must be an ISO date such as 2027-01-01T00:00:00Z");
  return date;
}

const USAGE = [
  "keys create --account ID --name NAME [--limit USD] [--reset daily|weekly|monthly] [--expires ISO] [--include-byok]",
  "keys create --management --name NAME",
  "keys list [--account ID] [--include-disabled]",
  "keys show --hash HASH | keys disable --hash HASH | keys enable --hash HASH | keys delete --hash HASH",
  "keys update --hash HASH [--name NAME] [--limit USD|none] [--reset daily|weekly|monthly|none]",
].join("\n");

/** Keys: create (prints the plaintext once), list, show, update, disable, enable, delete. */
export const keysCommand: Command = async ([action, ...args], context) => {
  const { admin } = context;
  switch (action) {
    case "create": {
      const values = options(args, {
        account: { type: "string" },
        name: { type: "string" },
        limit: { type: "string" },
        reset: { type: "string" },
        expires: { type: "string" },
        "include-byok": { type: "boolean" },
        management: { type: "boolean" },
      });
      const created = await admin.createKey({
        accountId: values.management === true ? null : required(values.account, "account"),
        kind: values.management === true ? "management" : "api",
        name: required(values.name, "name"),
        spendLimit: values.limit === undefined ? null : usdOption(values.limit, "limit"),
        limitReset: resetOption(values.reset) ?? null,
        includeByokInLimit: values["include-byok"] === true,
        expiresAt: dateOption(values.expires) ?? null,
      });
      context.print(created);
      return;
    }
    case "list": {
      const values = options(args, { account: { type: "string" }, "include-disabled": { type: "boolean" } });
      context.print(await admin.listKeys({ ...(values.account === undefined ? {} : { accountId: values.account }), includeDisabled: values["include-disabled"] === true }));
      return;
    }
    case "show":
      context.print(await admin.getKey(required(options(args, { hash: { type: "string" } }).hash, "hash")));
      return;
    case "disable":
    case "enable":
      context.print(await admin.updateKey(required(options(args, { hash: { type: "string" } }).hash, "hash"), { disabled: action === "disable" }));
      return;
    case "update": {
      const values = options(args, { hash: { type: "string" }, name: { type: "string" }, limit: { type: "string" }, reset: { type: "string" } });
      context.print(
        await admin.updateKey(required(values.hash, "hash"), {
          name: values.name,
          spendLimit: values.limit === undefined ? undefined : values.limit === "none" ? null : usdOption(values.limit, "limit"),
          limitReset: resetOption(values.reset),
        }),
      );
      return;
    }
    case "delete": {
      const hash = required(options(args, { hash: { type: "string" } }).hash, "hash");
      context.print(await admin.deleteKey(hash));
      return;
    }
    default:
      throw new UsageError(USAGE);
  }
};
