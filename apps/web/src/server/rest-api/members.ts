import { z } from "zod";
import { listAuditLog } from "../audit/audit-log.ts";
import {
  cancelInvitation,
  invitationLink,
  inviteMember,
  listInvitations,
  listMembers,
} from "../members/member-operations.ts";
import { invitationInput } from "../members/schemas.ts";
import { roles } from "../organizations/roles.ts";
import { ApiError } from "./api-error.ts";
import { defineEndpoint } from "./endpoint.ts";
import { pageOf, pageQuery } from "./pagination.ts";

const instant = z.iso.datetime();

const invitationSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role: z.enum(roles),
    expiresAt: instant,
    link: z.string().meta({ description: "What the invitee opens to join" }),
  })
  .meta({ id: "Invitation" });

export const listMembersEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/members",
  operationId: "listMembers",
  tag: "Members",
  summary: "List members",
  access: "read",
  response: z
    .object({
      data: z.array(
        z
          .object({
            id: z.string(),
            email: z.string(),
            name: z.string(),
            role: z.string(),
            joinedAt: instant,
          })
          .meta({ id: "Member" }),
      ),
    })
    .meta({ id: "MemberList" }),
  async handle({ prisma, principal }) {
    const members = await listMembers(prisma, principal.organizationId);
    return {
      data: members.map((m) => ({
        id: m.id,
        email: m.user.email,
        name: m.user.name,
        role: m.role,
        joinedAt: m.createdAt.toISOString(),
      })),
    };
  },
});

export const listInvitationsEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/invitations",
  operationId: "listInvitations",
  tag: "Members",
  summary: "List pending invitations",
  access: "manage",
  response: z.object({ data: z.array(invitationSchema) }).meta({ id: "InvitationList" }),
  async handle({ prisma, principal, origin }) {
    const invitations = await listInvitations(prisma, principal.organizationId);
    return {
      data: invitations.map((i) => ({
        id: i.id,
        email: i.email,
        role: i.role as (typeof roles)[number],
        expiresAt: i.expiresAt.toISOString(),
        link: invitationLink(origin, i.id),
      })),
    };
  },
});

export const createInvitationEndpoint = defineEndpoint({
  method: "post",
  path: "/api/v1/invitations",
  operationId: "createInvitation",
  tag: "Members",
  summary: "Invite a member",
  description:
    "Mails an invitation link, valid 7 days. It comes from the member who created the API key. Honours `Idempotency-Key`.",
  access: "manage",
  status: 201,
  idempotent: true,
  body: invitationInput,
  response: z.object({ data: invitationSchema }).meta({ id: "InvitationResponse" }),
  async handle({ prisma, principal, actor, body, origin }) {
    if (!principal.createdById)
      throw new ApiError("forbidden", "The member who created this key has left; use another key");
    const { invitation, link } = await inviteMember(
      prisma,
      actor,
      { userId: principal.createdById, role: principal.role },
      body,
      origin,
    );
    return {
      data: {
        id: invitation.id,
        email: invitation.email,
        role: body.role,
        expiresAt: invitation.expiresAt.toISOString(),
        link,
      },
    };
  },
});

export const cancelInvitationEndpoint = defineEndpoint({
  method: "delete",
  path: "/api/v1/invitations/{invitationId}",
  operationId: "cancelInvitation",
  tag: "Members",
  summary: "Cancel an invitation",
  access: "manage",
  params: z.object({ invitationId: z.string().min(1) }),
  response: z.object({ data: z.object({ id: z.string() }) }).meta({ id: "CanceledInvitation" }),
  notFound: true,
  async handle({ prisma, actor, params }) {
    return { data: await cancelInvitation(prisma, actor, params.invitationId) };
  },
});

export const listAuditLogEndpoint = defineEndpoint({
  method: "get",
  path: "/api/v1/audit-log",
  operationId: "listAuditLog",
  tag: "Audit log",
  summary: "List audit log entries",
  description:
    "Every change in the organization, newest first; changes made with an API key name it in `metadata.apiKeyId`.",
  access: "manage",
  query: pageQuery,
  response: pageOf(
    z
      .object({
        id: z.string(),
        action: z.string().meta({ example: "topic.configs_changed" }),
        targetType: z.string(),
        targetId: z.string(),
        metadata: z.record(z.string(), z.unknown()),
        actorEmail: z.string().nullable(),
        ip: z.string().nullable(),
        createdAt: instant,
      })
      .meta({ id: "AuditEntry" }),
    "AuditLog",
  ),
  async handle({ prisma, principal, query }) {
    const page = await listAuditLog(prisma, principal.organizationId, query);
    return {
      data: page.entries.map((e) => ({ ...e, createdAt: e.createdAt.toISOString() })),
      nextCursor: page.nextCursor ?? null,
    };
  },
});
