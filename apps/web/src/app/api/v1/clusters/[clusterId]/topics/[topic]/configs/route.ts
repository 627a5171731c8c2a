import { getTopicConfigsEndpoint, updateTopicConfigsEndpoint } from "@/server/rest-api/topics";
import { apiRoute } from "@/server/rest-api/route-handler";

export const dynamic = "force-dynamic";
export const GET = apiRoute(getTopicConfigsEndpoint);
export const PATCH = apiRoute(updateTopicConfigsEndpoint);
