import { invoiceCsv } from "@/server/billing/render/invoice-csv";
import { callerForRequest, errorResponse } from "@/server/request-caller";

export async function GET(req: Request, { params }: { params: Promise<{ invoiceId: string }> }) {
  try {
    const api = await callerForRequest(req);
    const invoice = await api.billing.invoice({ id: (await params).invoiceId });
    return new Response(invoiceCsv(invoice), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${invoice.number}.csv"`,
      },
    });
  } catch (err) {
    return errorResponse(err);
  }
}
