import { callerForRequest, errorResponse } from "@/server/request-caller";

/** Test mode only: `{"advanceTo": "<ISO time>"}` moves the caller's organization's billing clock. */
export async function POST(req: Request) {
  const body: unknown = await req.json().catch(() => null);
  try {
    const api = await callerForRequest(req);
    return Response.json(await api.billing.advanceClock(body as { advanceTo: string }));
  } catch (err) {
    return errorResponse(err);
  }
}
