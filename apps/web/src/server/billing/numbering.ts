import type { Prisma } from "@streambed/db";

/**
 * The next invoice number of the year, `SB-YYYY-NNNNNN`. The counter row is incremented inside
 * the finalizing transaction: concurrent finalizations queue on its row lock, and a rolled-back
 * finalization rolls its increment back too, so numbers have no gaps and never repeat.
 */
export async function nextInvoiceNumber(tx: Prisma.TransactionClient, year: number) {
  const [row] = await tx.$queryRaw<{ last_number: number }[]>`
    INSERT INTO invoice_number_sequences (year, last_number) VALUES (${year}, 1)
    ON CONFLICT (year) DO UPDATE SET last_number = invoice_number_sequences.last_number + 1
    RETURNING last_number`;
  return `SB-${year}-${String(row!.last_number).padStart(6, "0")}`;
}
