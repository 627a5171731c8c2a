import PDFDocument from "pdfkit";
import type { InvoiceDetail } from "../invoices.ts";
import { displayMoney, displayQuantity, lineLabel, periodLabel } from "./labels.ts";

const MARGIN = 50;
const COLUMNS = { description: MARGIN, quantity: 300, unit: 390, amount: 470 };
const AMOUNT_WIDTH = 75;

/**
 * The invoice as a PDF. Rendered only from the immutable parts (the document, number, hash and
 * finalization time, also the PDF's creation date; not the payment status), so the same invoice
 * always gives the same bytes.
 */
export function invoicePdf(invoice: InvoiceDetail): Promise<Buffer> {
  const issued = new Date(invoice.finalizedAt);
  const pdf = new PDFDocument({
    size: "A4",
    margin: MARGIN,
    info: {
      Title: `Invoice ${invoice.number}`,
      Author: "Streambed",
      CreationDate: issued,
      ModDate: issued,
    },
  });
  const chunks: Buffer[] = [];
  pdf.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) =>
    pdf.on("end", () => resolve(Buffer.concat(chunks))),
  );

  const doc = invoice.document;
  pdf.font("Helvetica-Bold").fontSize(20).text("Streambed", MARGIN, MARGIN);
  pdf
    .font("Helvetica")
    .fontSize(10)
    .fillColor("#555")
    .text("Invoice", MARGIN, MARGIN + 26);
  pdf
    .fillColor("#000")
    .fontSize(10)
    .text(`Invoice ${invoice.number}`, 350, MARGIN, { align: "right", width: 195 })
    .text(`Issued ${issued.toISOString().slice(0, 10)}`, { align: "right", width: 195 });

  pdf.moveDown(2).font("Helvetica-Bold").text("Billed to", MARGIN);
  pdf.font("Helvetica").text(doc.organizationName).text(`Organization ${doc.organizationId}`);
  pdf
    .moveDown()
    .text(
      `Service period: ${periodLabel(doc.periodStart)} (${doc.periodStart.slice(0, 10)} to ${doc.periodEnd.slice(0, 10)}, UTC)`,
    );

  let y = pdf.y + 20;
  const header = (text: string, x: number, width?: number) =>
    pdf.text(text, x, y, width ? { width, align: "right" } : {});
  pdf.font("Helvetica-Bold").fontSize(9);
  header("Description", COLUMNS.description);
  header("Quantity", COLUMNS.quantity - 20, 100);
  header("Unit", COLUMNS.unit);
  header("Amount", COLUMNS.amount, AMOUNT_WIDTH);
  y += 14;
  pdf.moveTo(MARGIN, y).lineTo(545, y).strokeColor("#ccc").stroke();
  y += 6;

  for (const line of doc.lines) {
    if (y > 740) {
      pdf.addPage();
      y = MARGIN;
    }
    pdf.font("Helvetica").fontSize(9).fillColor("#000");
    pdf.text(lineLabel(line), COLUMNS.description, y, { width: 225 });
    const rowHeight = Math.max(pdf.y - y, 12);
    pdf.text(displayQuantity(line.quantity), COLUMNS.quantity - 20, y, {
      width: 100,
      align: "right",
    });
    pdf.text(line.unit, COLUMNS.unit, y);
    pdf.text(displayMoney(line.amount), COLUMNS.amount, y, { width: AMOUNT_WIDTH, align: "right" });
    y += rowHeight;
    pdf.fontSize(7.5).fillColor("#666");
    for (const tier of line.tiers) {
      pdf.text(
        `${displayQuantity(tier.from)}–${displayQuantity(tier.to)} ${line.unit} at $${tier.unitPrice}`,
        COLUMNS.description + 10,
        y,
      );
      y += 10;
    }
    y += 6;
  }
  if (doc.lines.length === 0) {
    pdf.font("Helvetica").fontSize(9).fillColor("#666").text("No usage in this period.", MARGIN, y);
    y += 16;
  }

  pdf.moveTo(MARGIN, y).lineTo(545, y).strokeColor("#ccc").stroke();
  y += 8;
  const total = (label: string, amount: string, bold = false) => {
    pdf
      .font(bold ? "Helvetica-Bold" : "Helvetica")
      .fontSize(bold ? 11 : 9)
      .fillColor("#000");
    pdf.text(label, COLUMNS.unit - 60, y);
    pdf.text(amount, COLUMNS.amount, y, { width: AMOUNT_WIDTH, align: "right" });
    y += bold ? 16 : 13;
  };
  total("Subtotal", displayMoney(doc.subtotal));
  total("Credits applied", displayMoney(`-${doc.creditsApplied}`));
  total("Total due (USD)", displayMoney(doc.total), true);

  pdf
    .font("Helvetica")
    .fontSize(7)
    .fillColor("#888")
    .text(
      `Price book version ${doc.priceBookVersion}. Amounts in USD, rounded half-even per line. Content hash (SHA-256): ${invoice.contentHash}`,
      MARGIN,
      y + 30,
      { width: 495 },
    );
  pdf.end();
  return done;
}
