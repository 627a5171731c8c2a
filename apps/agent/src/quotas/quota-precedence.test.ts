import { describe, expect, it } from "vitest";
import type { ClientQuota } from "./client-quota-entity.ts";
import { QuotaPrecedence } from "./quota-precedence.ts";

const quota = (user: string | null | undefined, client: string | null | undefined, rate: number) =>
  ({
    entity: [
      ...(client === undefined ? [] : [{ entityType: "client-id", entityName: client }]),
      ...(user === undefined ? [] : [{ entityType: "user", entityName: user }]),
    ],
    values: [{ key: "producer_byte_rate", value: rate }],
  }) satisfies ClientQuota;

const bound = (quotas: ClientQuota[], user: string, client: string) =>
  new QuotaPrecedence(quotas).applied("producer_byte_rate", user, client)?.bound ?? null;

describe("client quota precedence (Kafka's order)", () => {
  // One entity per level, most specific first; each level wins over every level after it.
  const levels: ClientQuota[] = [
    quota("alice", "app", 1),
    quota("alice", null, 2),
    quota("alice", undefined, 3),
    quota(null, "app", 4),
    quota(null, null, 5),
    quota(null, undefined, 6),
    quota(undefined, "app", 7),
    quota(undefined, null, 8),
  ];

  it("picks the most specific entity defining the key", () => {
    for (let i = 0; i < levels.length; i++)
      expect(bound(levels.slice(i), "alice", "app")).toBe(i + 1);
    expect(bound(levels, "bob", "other")).toBe(5);
    expect(bound([quota(undefined, "app", 7), quota(undefined, null, 8)], "bob", "other")).toBe(8);
    expect(bound([quota("alice", undefined, 3)], "bob", "app")).toBeNull();
  });

  it("ignores entities without the key and ip entities", () => {
    const other: ClientQuota = {
      entity: [{ entityType: "user", entityName: "alice" }],
      values: [{ key: "consumer_byte_rate", value: 9 }],
    };
    const ip: ClientQuota = {
      entity: [{ entityType: "ip", entityName: "127.0.0.1" }],
      values: [{ key: "connection_creation_rate", value: 9 }],
    };
    expect(bound([other, ip, quota(null, undefined, 6)], "alice", "app")).toBe(6);
  });

  it("shares a rate among the clients the matching entity covers", () => {
    const shared = (quotas: ClientQuota[], user: string, client: string) =>
      new QuotaPrecedence(quotas).applied("producer_byte_rate", user, client)?.sharedBy;
    // A user quota is shared by all of the user's client ids.
    const perUser = [quota("alice", undefined, 3)];
    expect(shared(perUser, "alice", "a")).toBe(shared(perUser, "alice", "b"));
    // The default user quota gives each user a rate of their own.
    const perDefault = [quota(null, undefined, 6)];
    expect(shared(perDefault, "alice", "a")).not.toBe(shared(perDefault, "bob", "a"));
    expect(shared(perDefault, "alice", "a")).toBe(shared(perDefault, "alice", "b"));
    // A client-id quota alone is shared by that client id across users.
    const perClient = [quota(undefined, "app", 7)];
    expect(shared(perClient, "alice", "app")).toBe(shared(perClient, "bob", "app"));
  });
});
