import { apiRoute } from "@/server/rest-api/route-handler";
import { getUsage } from "@/server/rest-api/usage";

// The agents' ingest endpoint (POST) lives apart, at usage/events.
export const dynamic = "force-dynamic";
export const GET = apiRoute(getUsage);
