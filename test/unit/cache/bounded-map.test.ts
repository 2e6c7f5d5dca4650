import { describe, expect, it } from "vitest";
import { BoundedMap } from "../../../src/cache/bounded-map.js";

describe("BoundedMap", () => {
  it("forgets the oldest entry once full", () => {
    const map = new BoundedMap<string, number>(2);
    map.set("a", 1).set("b", 2).set("c", 3);
    expect([...map.keys()]).toEqual(["b", "c"]);
    expect(map.get("a")).toBeUndefined();
  });

  it("makes a key set again the newest, so it outlives keys set after it the first time", () => {
    const map = new BoundedMap<string, number>(2);
    map.set("a", 1).set("b", 2).set("a", 10).set("c", 3);
    expect([...map.entries()]).toEqual([
      ["a", 10],
      ["c", 3],
    ]);
  });

  it("never grows past its capacity", () => {
    const map = new BoundedMap<number, number>(100);
    for (let index = 0; index < 1000; index += 1) map.set(index, index);
    expect(map.size).toBe(100);
    expect(map.has(899)).toBe(false);
    expect(map.has(900)).toBe(true);
  });

  it("refuses a capacity below one", () => {
    expect(() => new BoundedMap(0)).toThrow(RangeError);
  });
});
