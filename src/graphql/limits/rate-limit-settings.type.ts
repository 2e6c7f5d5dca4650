import { Field, Int, ObjectType } from "type-graphql";
import { RateLimitScopeEnum } from "./rate-limit-scope.enum.js";

/** Operator-set limits of one account or key. The free-model quotas are configuration, not listed here. */
@ObjectType("RateLimitSettings", { description: "Requests and tokens per minute an operator allows one account or key; null means unlimited." })
export class RateLimitSettingsType {
  @Field(() => RateLimitScopeEnum)
  scope!: RateLimitScopeEnum;

  @Field({ description: "The account id (ACCOUNT) or the key's SHA-256 hash (KEY)." })
  subjectId!: string;

  @Field(() => Int, { nullable: true, description: "Requests in any sliding minute; null = unlimited." })
  requestsPerMinute!: number | null;

  @Field(() => Int, {
    nullable: true,
    description: "Prompt + completion tokens in any sliding minute, counted after each request; a request is refused while the minute is over. Null = unlimited.",
  })
  tokensPerMinute!: number | null;

  @Field(() => Date, { nullable: true, description: "When an operator last changed them; null when never set." })
  updatedAt!: Date | null;
}
