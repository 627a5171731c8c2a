import type { Metadata } from "next";
import { KafkaCredentials } from "@/components/credentials/kafka-credentials";

export const metadata: Metadata = { title: "Credentials" };

export default async function CredentialsPage({
  params,
}: {
  params: Promise<{ clusterId: string }>;
}) {
  const { clusterId } = await params;
  return <KafkaCredentials clusterId={clusterId} />;
}
