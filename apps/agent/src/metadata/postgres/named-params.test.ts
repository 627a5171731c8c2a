import { describe, expect, it } from "vitest";
import { named } from "./named-params.ts";

describe("named", () => {
  it("numbers each name once, in order of first use, and leaves casts alone", () => {
    expect(named("SELECT :b::int[], :a, :b", { a: 1, b: [2] })).toEqual({
      text: "SELECT $1::int[], $2, $1",
      values: [[2], 1],
    });
  });

  it("refuses missing and unused values", () => {
    expect(() => named("SELECT :a", {})).toThrow(/missing: \[a\]/);
    expect(() => named("SELECT :a", { a: 1, b: 2 })).toThrow(/unused: \[b\]/);
  });
});
