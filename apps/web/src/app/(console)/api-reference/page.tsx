import type { Metadata } from "next";
import { headers } from "next/headers";
import { ApiReference } from "@/components/api-reference/api-reference";
import { publicOrigin } from "@/server/http/public-origin";
import { openApiDocument } from "@/server/rest-api/openapi";

export const metadata: Metadata = { title: "API reference" };

export default async function ApiReferencePage() {
  const origin = publicOrigin(await headers()) ?? "http://localhost:3000";
  return <ApiReference document={openApiDocument()} origin={origin} />;
}
