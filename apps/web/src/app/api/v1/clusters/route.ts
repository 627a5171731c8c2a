import { createClusterEndpoint, listClusters } from "@/server/rest-api/clusters";
import { apiRoute } from "@/server/rest-api/route-handler";

export const dynamic = "force-dynamic";
export const GET = apiRoute(listClusters);
export const POST = apiRoute(createClusterEndpoint);
