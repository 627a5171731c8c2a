import { z } from "zod";

export const roles = ["owner", "admin", "member", "billing", "readonly"] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

/**
 * What a procedure needs from the caller's role:
 * - read: see the organization's clusters, topics, groups, credentials (everyone)
 * - write: change clusters, topics and credentials (owner, admin, member)
 * - manage: members, invitations, audit log, cluster deletion (owner, admin)
 * - billing: invoices and payment (owner, billing)
 */
export type Access = "read" | "write" | "manage" | "billing";

const grants: Record<Role, readonly Access[]> = {
  owner: ["read", "write", "manage", "billing"],
  admin: ["read", "write", "manage"],
  member: ["read", "write"],
  billing: ["read", "billing"],
  readonly: ["read"],
};

export function roleAllows(role: string, access: Access): boolean {
  const parsed = roleSchema.safeParse(role);
  return parsed.success && grants[parsed.data].includes(access);
}

/** Whether `role` grants nothing beyond `holder`'s role: what a member may hand to an API key. */
export function roleWithin(role: Role, holder: string): boolean {
  return grants[role].every((access) => roleAllows(holder, access));
}

export const roleLabels: Record<Role, string> = {
  owner: "Owner",
  admin: "Admin",
  member: "Member",
  billing: "Billing",
  readonly: "Read-only",
};
