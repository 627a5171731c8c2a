import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { callerFor, signUp, type TestUser } from "./harness.ts";

let db: TestDatabase;
let owner: TestUser;
let invitee: TestUser;
beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  owner = await signUp(db.prisma, "owner@members.test");
  invitee = await signUp(db.prisma, "invitee@members.test");
});
afterAll(() => db.drop());

describe("organizations and members", () => {
  it("creates an organization with its owner at sign-up", async () => {
    const mine = await callerFor(db.prisma, owner).organizations.mine();
    expect(mine.organizations).toEqual([
      expect.objectContaining({ id: owner.organizationId, role: "owner" }),
    ]);
  });

  it("invites by link, accepts, switches organizations, changes roles and removes members", async () => {
    const ownerApi = callerFor(db.prisma, owner);
    const { id, link } = await ownerApi.members.invite({
      email: "Invitee@Members.test",
      role: "readonly",
    });
    expect(link).toBe(`http://localhost:3000/invite/${id}`);

    const stranger = await signUp(db.prisma, "stranger@members.test");
    await expect(
      callerFor(db.prisma, stranger).members.accept({ invitationId: id }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });

    const inviteeApi = callerFor(db.prisma, invitee);
    expect(await inviteeApi.members.invitation({ invitationId: id })).toMatchObject({
      role: "readonly",
      status: "pending",
      inviterEmail: owner.email,
    });
    await inviteeApi.members.accept({ invitationId: id });
    await expect(inviteeApi.members.accept({ invitationId: id })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
    });
    const session = await db.prisma.session.findUniqueOrThrow({ where: { id: invitee.sessionId } });
    expect(session.activeOrganizationId).toBe(owner.organizationId);

    const inOwnerOrg = callerFor(db.prisma, invitee, owner.organizationId);
    const { members } = await inOwnerOrg.members.list();
    expect(members.map((m) => [m.user.email, m.role])).toEqual([
      [owner.email, "owner"],
      [invitee.email, "readonly"],
    ]);
    await inviteeApi.organizations.switch({ organizationId: invitee.organizationId });
    await expect(
      inviteeApi.organizations.switch({ organizationId: stranger.organizationId }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });

    const inviteeMember = members.find((m) => m.user.email === invitee.email)!;
    await ownerApi.members.updateRole({ memberId: inviteeMember.id, role: "admin" });
    // An admin may manage members but not touch owners.
    const ownerMember = members.find((m) => m.user.email === owner.email)!;
    await expect(inOwnerOrg.members.remove({ memberId: ownerMember.id })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(
      ownerApi.members.updateRole({ memberId: ownerMember.id, role: "member" }),
    ).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    await ownerApi.members.remove({ memberId: inviteeMember.id });
    await expect(inOwnerOrg.clusters.list()).rejects.toMatchObject({ code: "FORBIDDEN" });

    const actions = (await ownerApi.audit.list({})).entries.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        "member.invited",
        "member.joined",
        "member.role_changed",
        "member.removed",
      ]),
    );
  });

  it("validates invitations", async () => {
    const err = await callerFor(db.prisma, owner)
      .members.invite({ email: "not-an-email", role: "member" })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      callerFor(db.prisma, owner).members.invite({ email: owner.email, role: "member" }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
  });
});
