import { registerEnumType } from "type-graphql";

/** What an operator's rate limit applies to. Values are the stored scope names. */
export enum RateLimitScopeEnum {
  ACCOUNT = "account",
  KEY = "key",
}

registerEnumType(RateLimitScopeEnum, {
  name: "RateLimitScope",
  description: "ACCOUNT: all keys of an account together (subject: the account id). KEY: one API key (subject: the key's hash).",
});
