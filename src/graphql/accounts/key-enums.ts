import { registerEnumType } from "type-graphql";

/** What a key may do. */
export enum KeyKindEnum {
  API = "api",
  MANAGEMENT = "management",
}

registerEnumType(KeyKindEnum, {
  name: "KeyKind",
  description: "API keys call models; MANAGEMENT keys administer accounts, keys and credits and cannot call models.",
});

/** When a key's spend limit starts over. */
export enum LimitResetEnum {
  DAILY = "daily",
  WEEKLY = "weekly",
  MONTHLY = "monthly",
}

registerEnumType(LimitResetEnum, {
  name: "LimitReset",
  description: "A spend limit starts over at 00:00 UTC every day, every Monday, or on the 1st of each month.",
});
