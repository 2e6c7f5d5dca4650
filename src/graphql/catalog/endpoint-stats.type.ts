import { Field, Float, ObjectType } from "type-graphql";
import type { EndpointStats as HealthFigures } from "../../routing/health/endpoint-health.js";
import type { Percentiles as PercentileFigures } from "../../routing/health/log-histogram.js";

/** p50/p75/p90/p99 of a figure over the last 30 minutes. */
@ObjectType({ description: "Percentiles of a figure over the last 30 minutes of traffic." })
export class Percentiles {
  @Field(() => Float)
  p50!: number;

  @Field(() => Float)
  p75!: number;

  @Field(() => Float)
  p90!: number;

  @Field(() => Float)
  p99!: number;

  static from(figures: PercentileFigures | null): Percentiles | null {
    return figures === null ? null : Object.assign(new Percentiles(), figures);
  }
}

/**
 * An endpoint's live health from the gateway's own traffic (every instance's, with Redis): the same figures as
 * `GET /api/v1/models/{author}/{slug}/endpoints`, null until the endpoint had traffic in the window.
 */
@ObjectType({ description: "Live endpoint health from real traffic; null where the window had none." })
export class EndpointStats {
  @Field(() => Float, { nullable: true, description: "Successful attempts over attempts in the last 5 minutes, percent (5xx, timeouts and connection errors fail; request-caused 4xx and rate limits are left out)." })
  uptimeLast5m!: number | null;

  @Field(() => Float, { nullable: true, description: "The same over the last 30 minutes." })
  uptimeLast30m!: number | null;

  @Field(() => Float, { nullable: true, description: "The same over the last day." })
  uptimeLast1d!: number | null;

  @Field(() => Percentiles, { nullable: true, description: "Time to first token, milliseconds, last 30 minutes." })
  latencyLast30m!: Percentiles | null;

  @Field(() => Percentiles, { nullable: true, description: "Output tokens per second after the first token, last 30 minutes (streamed answers)." })
  throughputLast30m!: Percentiles | null;

  static from(figures: HealthFigures): EndpointStats {
    return Object.assign(new EndpointStats(), {
      uptimeLast5m: figures.uptimeLast5m,
      uptimeLast30m: figures.uptimeLast30m,
      uptimeLast1d: figures.uptimeLast1d,
      latencyLast30m: Percentiles.from(figures.latencyLast30m),
      throughputLast30m: Percentiles.from(figures.throughputLast30m),
    });
  }
}
