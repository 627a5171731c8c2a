import { deleteTopicEndpoint } from "@/server/rest-api/topics";
import { apiRoute } from "@/server/rest-api/route-handler";

export const dynamic = "force-dynamic";
export const DELETE = apiRoute(deleteTopicEndpoint);
