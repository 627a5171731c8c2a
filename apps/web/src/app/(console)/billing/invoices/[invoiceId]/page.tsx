import type { Metadata } from "next";
import { InvoiceDetail } from "@/components/billing/invoice-detail";

export const metadata: Metadata = { title: "Invoice" };

export default async function Invoice({ params }: { params: Promise<{ invoiceId: string }> }) {
  return <InvoiceDetail invoiceId={(await params).invoiceId} />;
}
