"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc/client";
import { roleAllows, type Access } from "@/server/organizations/roles";

/** Whether the caller's role in the active organization grants `access` (false while loading). */
export function useOrganizationAccess(access: Access): boolean {
  const trpc = useTRPC();
  const mine = useQuery(trpc.organizations.mine.queryOptions());
  const role = mine.data?.organizations.find((o) => o.id === mine.data?.activeOrganizationId)?.role;
  return role !== undefined && roleAllows(role, access);
}
