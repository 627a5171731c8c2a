import {
  deleteClusterEndpoint,
  getCluster,
  updateClusterEndpoint,
} from "@/server/rest-api/clusters";
import { apiRoute } from "@/server/rest-api/route-handler";

export const dynamic = "force-dynamic";
export const GET = apiRoute(getCluster);
export const PATCH = apiRoute(updateClusterEndpoint);
export const DELETE = apiRoute(deleteClusterEndpoint);
