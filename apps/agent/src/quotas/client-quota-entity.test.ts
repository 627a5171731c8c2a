import { describe, expect, it } from "vitest";
import {
  canonicalEntity,
  entityProblem,
  filterProblem,
  matchesFilter,
  quotaValueProblem,
} from "./client-quota-entity.ts";

const user = (name: string | null) => ({ entityType: "user", entityName: name });
const client = (name: string | null) => ({ entityType: "client-id", entityName: name });

describe("client quota entities", () => {
  it("refuses the entities and values Kafka refuses", () => {
    expect(entityProblem([])).not.toBeNull();
    expect(entityProblem([user("a"), user("b")])).not.toBeNull();
    expect(entityProblem([{ entityType: "ip", entityName: "1.2.3.4" }, user("a")])).not.toBeNull();
    expect(entityProblem([{ entityType: "group", entityName: "g" }])).not.toBeNull();
    expect(entityProblem([client(null), user("a")])).toBeNull();
    expect(quotaValueProblem([user("a")], "producer_byte_rate", 1024, false)).toBeNull();
    expect(quotaValueProblem([user("a")], "producer_byte_rate", 10.5, false)).not.toBeNull();
    expect(quotaValueProblem([user("a")], "request_percentage", 10.5, false)).toBeNull();
    expect(quotaValueProblem([user("a")], "consumer_byte_rate", 0, false)).not.toBeNull();
    expect(quotaValueProblem([user("a")], "consumer_byte_rate", 0, true)).toBeNull();
    expect(quotaValueProblem([user("a")], "connection_creation_rate", 1, false)).not.toBeNull();
  });

  it("orders an entity's parts by type and matches filters (exact, default, any; strict)", () => {
    const both = canonicalEntity([user(null), client("c")]);
    expect(both).toEqual([client("c"), user(null)]);
    expect(matchesFilter(both, [{ entityType: "user", matchType: 1, match: null }], false)).toBe(
      true,
    );
    expect(matchesFilter(both, [{ entityType: "user", matchType: 1, match: null }], true)).toBe(
      false,
    );
    expect(
      matchesFilter(both, [{ entityType: "client-id", matchType: 0, match: "c" }], false),
    ).toBe(true);
    expect(
      matchesFilter(both, [{ entityType: "client-id", matchType: 0, match: "d" }], false),
    ).toBe(false);
    expect(
      matchesFilter([user("a")], [{ entityType: "client-id", matchType: 2, match: null }], false),
    ).toBe(false);
    expect(
      filterProblem([
        { entityType: "user", matchType: 2, match: null },
        { entityType: "user", matchType: 1, match: null },
      ]),
    ).not.toBeNull();
  });
});
