import { invoicePdf } from "@/server/billing/render/invoice-pdf";
import { callerForRequest, errorResponse } from "@/server/request-caller";

export async function GET(req: Request, { params }: { params: Promise<{ invoiceId: string }> }) {
  try {
    const api = await callerForRequest(req);
    const invoice = await api.billing.invoice({ id: (await params).invoiceId });
    return new Response(new Uint8Array(await invoicePdf(invoice)), {
      headers: {
        "content-type": "application/pdf",
        "content-disposition": `attachment; filename="${invoice.number}.pdf"`,
      },
    });
  } catch (err) {
    return errorResponse(err);
  }
}
