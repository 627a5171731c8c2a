import type { Metadata } from "next";
import { AgentKeys } from "@/components/credentials/agent-keys";

export const metadata: Metadata = { title: "Agent keys" };

export default async function AgentKeysPage({
  params,
}: {
  params: Promise<{ clusterId: string }>;
}) {
  const { clusterId } = await params;
  return <AgentKeys clusterId={clusterId} />;
}
