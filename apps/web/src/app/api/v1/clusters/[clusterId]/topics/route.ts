import { createTopicEndpoint, listTopicsEndpoint } from "@/server/rest-api/topics";
import { apiRoute } from "@/server/rest-api/route-handler";

export const dynamic = "force-dynamic";
export const GET = apiRoute(listTopicsEndpoint);
export const POST = apiRoute(createTopicEndpoint);
