import { createInvitationEndpoint, listInvitationsEndpoint } from "@/server/rest-api/members";
import { apiRoute } from "@/server/rest-api/route-handler";

export const dynamic = "force-dynamic";
export const GET = apiRoute(listInvitationsEndpoint);
export const POST = apiRoute(createInvitationEndpoint);
