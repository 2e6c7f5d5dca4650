import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from "class-validator";
import { Field, InputType, Int } from "type-graphql";
import { RateLimitScopeEnum } from "./rate-limit-scope.enum.js";

const MAX_LIMIT = 2_147_483_647;

/** A change to one subject's limits: omit a field to keep it, send null to remove the limit. */
@InputType({ description: "Set or clear the per-minute limits of one account or key. Omitted fields stay as they are; null removes a limit." })
export class SetRateLimitsInput {
  @Field(() => RateLimitScopeEnum)
  @IsIn(Object.values(RateLimitScopeEnum))
  scope!: RateLimitScopeEnum;

  @Field({ description: "The account id (ACCOUNT) or the key's SHA-256 hash (KEY)." })
  @IsString()
  @Length(1, 200)
  subjectId!: string;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_LIMIT)
  requestsPerMinute?: number | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_LIMIT)
  tokensPerMinute?: number | null;
}
