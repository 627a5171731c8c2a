import { randomBytes } from "node:crypto";
import type { Prisma } from "@streambed/db";

function slugify(name: string): string {
  const base = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return `${base || "org"}-${randomBytes(3).toString("hex")}`;
}

/** Creates an organization with `ownerUserId` as its owner. */
export async function createOrganization(
  db: Prisma.TransactionClient,
  { name, ownerUserId }: { name: string; ownerUserId: string },
) {
  return db.organization.create({
    data: {
      name,
      slug: slugify(name),
      members: { create: { userId: ownerUserId, role: "owner" } },
    },
  });
}
