/**
 * The authorization matrix: a user of organization A can neither read nor change anything of
 * organization B by id, read-only (and billing) members cannot mutate, and nobody signed out gets in.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { addMember, callerFor, signUp, type Caller, type TestUser } from "./harness.ts";

let db: TestDatabase;
let alice: TestUser; // owner of org A
let bob: TestUser; // owner of org B
let reader: TestUser; // read-only member of org B
let biller: TestUser; // billing member of org B
let b: {
  clusterId: string;
  credentialId: string;
  agentKeyId: string;
  memberId: string;
  invitationId: string;
};
let aClusterId: string;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  [alice, bob, reader, biller] = await Promise.all([
    signUp(db.prisma, "alice@a.test"),
    signUp(db.prisma, "bob@b.test"),
    signUp(db.prisma, "reader@b.test"),
    signUp(db.prisma, "biller@b.test"),
  ]);
  await addMember(db.prisma, bob.organizationId, reader, "readonly");
  const billerMember = await addMember(db.prisma, bob.organizationId, biller, "billing");
  const bobApi = callerFor(db.prisma, bob);
  const clusterId = (await bobApi.clusters.create({ name: "b-cluster", region: "local" })).id;
  await bobApi.topics.create({ clusterId, name: "b-topic" });
  await db.prisma.committedOffset.create({
    data: { clusterId, groupId: "b-group", topic: "b-topic", partition: 0, committedOffset: 0n },
  });
  const credentialId = (await bobApi.credentials.createKafkaCredential({ clusterId })).id;
  const agentKeyId = (await bobApi.credentials.createAgentKey({ clusterId, name: "k" })).id;
  const invitationId = (await bobApi.members.invite({ email: "someone@b.test", role: "member" }))
    .id;
  b = { clusterId, credentialId, agentKeyId, memberId: billerMember.id, invitationId };
  aClusterId = (
    await callerFor(db.prisma, alice).clusters.create({ name: "a-cluster", region: "local" })
  ).id;
});
afterAll(() => db.drop());

type Call = (api: Caller) => Promise<unknown>;

const reads: Record<string, Call> = {
  "clusters.get": (api) => api.clusters.get({ clusterId: b.clusterId }),
  "clusters.stats": (api) => api.clusters.stats({ clusterId: b.clusterId }),
  "topics.list": (api) => api.topics.list({ clusterId: b.clusterId }),
  "topics.get": (api) => api.topics.get({ clusterId: b.clusterId, name: "b-topic" }),
  "groups.list": (api) => api.groups.list({ clusterId: b.clusterId }),
  "groups.get": (api) => api.groups.get({ clusterId: b.clusterId, groupId: "b-group" }),
  "credentials.listKafkaCredentials": (api) =>
    api.credentials.listKafkaCredentials({ clusterId: b.clusterId }),
  "credentials.listAgentKeys": (api) => api.credentials.listAgentKeys({ clusterId: b.clusterId }),
  "usage.series": (api) =>
    api.usage.series({ clusterId: b.clusterId, range: "30d", granularity: "day" }),
  "usage.monthToDate": (api) => api.usage.monthToDate({ clusterId: b.clusterId }),
};

const mutations: Record<string, Call> = {
  "clusters.rename": (api) => api.clusters.rename({ clusterId: b.clusterId, name: "stolen" }),
  "clusters.updateSettings": (api) =>
    api.clusters.updateSettings({
      clusterId: b.clusterId,
      autoCreateTopics: false,
      defaultPartitions: 1,
      defaultRetentionMs: -1,
      requireSasl: false,
      deletionProtection: false,
    }),
  "clusters.delete": (api) =>
    api.clusters.delete({ clusterId: b.clusterId, confirmName: "b-cluster" }),
  "topics.create": (api) => api.topics.create({ clusterId: b.clusterId, name: "evil" }),
  "topics.delete": (api) =>
    api.topics.delete({ clusterId: b.clusterId, name: "b-topic", confirmName: "b-topic" }),
  "topics.updateConfigs": (api) =>
    api.topics.updateConfigs({
      clusterId: b.clusterId,
      name: "b-topic",
      changes: { "retention.ms": "60000" },
    }),
  "topics.addPartitions": (api) =>
    api.topics.addPartitions({ clusterId: b.clusterId, name: "b-topic", partitionCount: 5 }),
  "groups.resetOffsets": (api) =>
    api.groups.resetOffsets({
      clusterId: b.clusterId,
      groupId: "b-group",
      topic: "b-topic",
      to: { kind: "latest" },
    }),
  "groups.delete": (api) => api.groups.delete({ clusterId: b.clusterId, groupId: "b-group" }),
  "messages.produce": (api) =>
    api.messages.produce({
      clusterId: b.clusterId,
      topic: "b-topic",
      partition: null,
      key: null,
      value: "x",
      headers: [],
    }),
  "credentials.createKafkaCredential": (api) =>
    api.credentials.createKafkaCredential({ clusterId: b.clusterId }),
  "credentials.revokeKafkaCredential": (api) =>
    api.credentials.revokeKafkaCredential({ clusterId: b.clusterId, credentialId: b.credentialId }),
  "credentials.createAgentKey": (api) =>
    api.credentials.createAgentKey({ clusterId: b.clusterId, name: "evil" }),
  "credentials.revokeAgentKey": (api) =>
    api.credentials.revokeAgentKey({ clusterId: b.clusterId, agentKeyId: b.agentKeyId }),
};

const orgMutations: Record<string, Call> = {
  "clusters.create": (api) => api.clusters.create({ name: "new-one", region: "local" }),
  "members.invite": (api) => api.members.invite({ email: "x@b.test", role: "member" }),
  "members.updateRole": (api) => api.members.updateRole({ memberId: b.memberId, role: "admin" }),
  "members.remove": (api) => api.members.remove({ memberId: b.memberId }),
  "members.cancelInvitation": (api) =>
    api.members.cancelInvitation({ invitationId: b.invitationId }),
  "apiKeys.create": (api) => api.apiKeys.create({ name: "evil", role: "readonly" }),
};

async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "OK";
  } catch (err) {
    return (err as { code?: string }).code ?? "THREW";
  }
}

async function outcomes(api: Caller, calls: Record<string, Call>) {
  const result: Record<string, string> = {};
  for (const [name, call] of Object.entries(calls)) result[name] = await codeOf(call(api));
  return result;
}

function all(calls: Record<string, Call>, code: string) {
  return Object.fromEntries(Object.keys(calls).map((k) => [k, code]));
}

async function organizationBState() {
  const [cluster, topics, offsets, credentials, keys, members, invitations] = await Promise.all([
    db.prisma.virtualCluster.findUniqueOrThrow({ where: { id: b.clusterId } }),
    db.prisma.topic.findMany({
      where: { clusterId: b.clusterId },
      select: { name: true, configs: true, partitionCount: true },
    }),
    db.prisma.committedOffset.findMany({ where: { clusterId: b.clusterId } }),
    db.prisma.kafkaCredential.findMany({
      where: { clusterId: b.clusterId },
      select: { id: true, revokedAt: true },
    }),
    db.prisma.agentKey.findMany({
      where: { clusterId: b.clusterId },
      select: { id: true, revokedAt: true },
    }),
    db.prisma.member.findMany({
      where: { organizationId: bob.organizationId },
      select: { id: true, role: true },
      orderBy: { id: "asc" },
    }),
    db.prisma.invitation.findMany({
      where: { organizationId: bob.organizationId },
      select: { id: true, status: true },
    }),
  ]);
  return { cluster, topics, offsets, credentials, keys, members, invitations };
}

describe("authorization matrix", () => {
  it("a user of organization A cannot read or change organization B's clusters by id", async () => {
    const before = await organizationBState();
    const alices = callerFor(db.prisma, alice);
    expect(await outcomes(alices, reads)).toEqual(all(reads, "NOT_FOUND"));
    expect(await outcomes(alices, mutations)).toEqual(all(mutations, "NOT_FOUND"));
    // Org-level ids of B (members, invitations) are not found from inside A either.
    expect(await codeOf(alices.members.updateRole({ memberId: b.memberId, role: "admin" }))).toBe(
      "NOT_FOUND",
    );
    expect(await codeOf(alices.members.remove({ memberId: b.memberId }))).toBe("NOT_FOUND");
    expect(await codeOf(alices.members.cancelInvitation({ invitationId: b.invitationId }))).toBe(
      "NOT_FOUND",
    );
    // B's credential or key ids under A's own cluster find nothing.
    expect(
      await codeOf(
        alices.credentials.revokeKafkaCredential({
          clusterId: aClusterId,
          credentialId: b.credentialId,
        }),
      ),
    ).toBe("NOT_FOUND");
    expect(
      await codeOf(
        alices.credentials.revokeAgentKey({ clusterId: aClusterId, agentKeyId: b.agentKeyId }),
      ),
    ).toBe("NOT_FOUND");
    // Claiming B as the active organization does not help: membership is checked.
    const claiming = callerFor(db.prisma, alice, bob.organizationId);
    expect(await codeOf(claiming.clusters.list())).toBe("FORBIDDEN");
    expect(await outcomes(claiming, reads)).toEqual(all(reads, "FORBIDDEN"));
    expect(await codeOf(claiming.members.list())).toBe("FORBIDDEN");
    expect(await codeOf(claiming.audit.list({}))).toBe("FORBIDDEN");
    expect(await codeOf(alices.organizations.switch({ organizationId: bob.organizationId }))).toBe(
      "FORBIDDEN",
    );
    // Nor does B's invitation, which is for someone else.
    expect(await codeOf(alices.members.accept({ invitationId: b.invitationId }))).toBe("NOT_FOUND");
    expect(await organizationBState()).toEqual(before);
  });

  it("read-only and billing members can read but not mutate", async () => {
    const before = await organizationBState();
    for (const user of [reader, biller]) {
      const api = callerFor(db.prisma, user, bob.organizationId);
      expect(await outcomes(api, reads)).toEqual(all(reads, "OK"));
      expect(await codeOf(api.clusters.list())).toBe("OK");
      expect(await codeOf(api.members.list())).toBe("OK");
      expect(await outcomes(api, mutations)).toEqual(all(mutations, "FORBIDDEN"));
      expect(await outcomes(api, orgMutations)).toEqual(all(orgMutations, "FORBIDDEN"));
      expect(await codeOf(api.audit.list({}))).toBe("FORBIDDEN");
    }
    expect(await organizationBState()).toEqual(before);
  });

  it("members can change clusters but not members, the audit log or cluster deletion", async () => {
    const member = await signUp(db.prisma, "member@b.test");
    await addMember(db.prisma, bob.organizationId, member, "member");
    const api = callerFor(db.prisma, member, bob.organizationId);
    expect(await codeOf(api.topics.create({ clusterId: b.clusterId, name: "by-member" }))).toBe(
      "OK",
    );
    expect(
      await codeOf(api.clusters.delete({ clusterId: b.clusterId, confirmName: "b-cluster" })),
    ).toBe("FORBIDDEN");
    expect(await codeOf(api.members.invite({ email: "y@b.test", role: "member" }))).toBe(
      "FORBIDDEN",
    );
    expect(await codeOf(api.audit.list({}))).toBe("FORBIDDEN");
  });

  it("signed-out callers get UNAUTHORIZED everywhere", async () => {
    const anonymous = callerFor(db.prisma, null);
    expect(await outcomes(anonymous, { ...reads, ...mutations, ...orgMutations })).toEqual(
      all({ ...reads, ...mutations, ...orgMutations }, "UNAUTHORIZED"),
    );
    expect(await codeOf(anonymous.organizations.mine())).toBe("UNAUTHORIZED");
  });
});
