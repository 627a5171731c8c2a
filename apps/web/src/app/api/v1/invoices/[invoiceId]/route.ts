import { getInvoiceEndpoint } from "@/server/rest-api/invoices";
import { apiRoute } from "@/server/rest-api/route-handler";

export const dynamic = "force-dynamic";
export const GET = apiRoute(getInvoiceEndpoint);
