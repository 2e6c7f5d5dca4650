import { describe, expect, it } from "vitest";
import { parseUsd } from "../../../src/billing/money.js";
import { ExactUsdFamily } from "../../../src/metrics/exact-usd-family.js";
import { CounterFamily, HistogramFamily } from "../../../src/metrics/series-families.js";
import { parseScrape } from "../../support/prometheus-scrape.js";

/** The families the gateway writes itself: valid text, escaped labels, cumulative buckets, exact money. */

describe("gateway-kept metric families", () => {
  it("writes counters with escaped label values that a strict parser reads back", () => {
    const family = new CounterFamily("things_total", "Things.\nCounted", ["route", "model"]);
    const odd = family.series(["/a", 'quote " back \\ slash\nline']);
    odd.value += 2;
    family.series(["/b", "plain"]).value += 1;
    const scrape = parseScrape(`${family.render()}\n`);
    expect(scrape.value("things_total", { model: 'quote " back \\ slash\nline' })).toBe(2);
    expect(scrape.value("things_total", { route: "/b" })).toBe(1);
  });

  it("writes histograms with cumulative buckets, +Inf equal to the count, and the sum", () => {
    const family = new HistogramFamily("latency_seconds", "Latency.", ["route"], [0.1, 1, 10]);
    const series = family.series(["/x"]);
    for (const value of [0.05, 0.1, 0.5, 3, 30]) series.observe(value);
    const scrape = parseScrape(`${family.render()}\n`);
    expect(scrape.value("latency_seconds_bucket", { route: "/x", le: "0.1" })).toBe(2);
    expect(scrape.value("latency_seconds_bucket", { route: "/x", le: "1" })).toBe(3);
    expect(scrape.value("latency_seconds_bucket", { route: "/x", le: "10" })).toBe(4);
    expect(scrape.value("latency_seconds_bucket", { route: "/x", le: "+Inf" })).toBe(5);
    expect(scrape.count("latency_seconds", { route: "/x" })).toBe(5);
    expect(scrape.value("latency_seconds_sum", { route: "/x" })).toBeCloseTo(33.65, 10);
  });

  it("sums money in ledger units and writes the exact decimal, however many small charges it adds", () => {
    const family = new ExactUsdFamily("cost_usd_total", "Cost.", ["model"]);
    const series = family.series(["m"]);
    // 0.1 added ten times is not 1 in floating point; in ledger units it is.
    for (let index = 0; index < 10; index += 1) series.units += parseUsd("0.1");
    series.units += parseUsd("0.000000000001");
    expect(family.render()).toContain('cost_usd_total{model="m"} 1.000000000001');
  });
});
