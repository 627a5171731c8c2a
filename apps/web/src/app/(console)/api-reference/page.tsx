import type { Metadata } from "next";
import { headers } from "next/headers";
import { ApiReference } from "@/components/api-reference/api-reference";
import { openApiDocument } from "@/server/rest-api/openapi";

export const metadata: Metadata = { title: "API reference" };

export default async function ApiReferencePage() {
  const h = await headers();
  const origin = `${h.get("x-forwarded-proto") ?? "http"}://${h.get("host") ?? "localhost:3000"}`;
  return <ApiReference document={openApiDocument()} origin={origin} />;
}
