import { describe, expect, it } from "vitest";
import { topicNameProblem } from "./topic-name.ts";

describe("topicNameProblem", () => {
  it("accepts Kafka's legal names and names each problem", () => {
    expect(topicNameProblem("orders.v1_EU-2")).toBeNull();
    expect(topicNameProblem("x".repeat(249))).toBeNull();
    expect(topicNameProblem("")).toBe("empty");
    expect(topicNameProblem("..")).toBe("dots");
    expect(topicNameProblem("x".repeat(250))).toBe("too-long");
    expect(topicNameProblem("a b")).toBe("characters");
  });
});
