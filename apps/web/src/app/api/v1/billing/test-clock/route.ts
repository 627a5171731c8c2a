import { callerForRequest, errorResponse } from "@/server/request-caller";
import { advanceTestClockEndpoint } from "@/server/rest-api/billing";
import { apiRoute } from "@/server/rest-api/route-handler";

const withApiKey = apiRoute(advanceTestClockEndpoint);

/**
 * Test mode only: `{"advanceTo": "<ISO time>"}` moves the organization's billing clock. An API key
 * (`Authorization: Bearer sbk_…`) names the organization; without one, the console session does.
 */
export async function POST(req: Request, context: Parameters<typeof withApiKey>[1]) {
  if (req.headers.has("authorization")) return withApiKey(req, context);
  const body: unknown = await req.json().catch(() => null);
  try {
    const api = await callerForRequest(req);
    return Response.json(await api.billing.advanceClock(body as { advanceTo: string }));
  } catch (err) {
    return errorResponse(err);
  }
}
