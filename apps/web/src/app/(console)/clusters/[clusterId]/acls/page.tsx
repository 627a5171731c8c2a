import type { Metadata } from "next";
import { AclsPage } from "@/components/acls/acls-page";

export const metadata: Metadata = { title: "ACLs" };

export default async function ClusterAclsPage({
  params,
}: {
  params: Promise<{ clusterId: string }>;
}) {
  const { clusterId } = await params;
  return <AclsPage clusterId={clusterId} />;
}
