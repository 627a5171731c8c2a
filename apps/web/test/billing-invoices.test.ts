import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { finalizeDueInvoices } from "../src/server/billing/finalization.ts";
import { finalizeInvoice, getInvoice, upcomingInvoice } from "../src/server/billing/invoices.ts";
import { invoiceCsv } from "../src/server/billing/render/invoice-csv.ts";
import { invoicePdf } from "../src/server/billing/render/invoice-pdf.ts";
import { addUsage, billedOrganization, TiB } from "./billing-fixtures.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
});
afterAll(() => db.drop());

const november = new Date("2026-11-01T00:00:00Z");

describe("invoices", () => {
  it("drafts, finalizes once after the grace hour, and bills late usage on the next invoice", async () => {
    const { prisma } = db;
    const org = await billedOrganization(prisma, "acme", new Date("2026-10-20T00:00:00Z"));
    const write = { ...org, dimension: "write_bytes" };
    await addUsage(prisma, { ...write, hour: "2026-11-03T10:00:00Z", quantity: 60n * TiB });

    const draft = await upcomingInvoice(
      prisma,
      org.organizationId,
      new Date("2026-11-16T00:00:00Z"),
    );
    expect(draft.document).toMatchObject({
      periodStart: november.toISOString(),
      subtotal: "593.92",
      creditsApplied: "400.00",
      total: "193.92",
    });
    // Half the month gone: the forecast doubles the usage (120 TiB: 512 + 70 TiB at 0.008).
    expect(draft.forecast.subtotal).toBe("1085.44");

    // October (no usage) and November: nothing before the grace hour, then both at once.
    expect(await finalizeDueInvoices(prisma, new Date("2026-12-01T00:59:59Z"))).toHaveLength(1);
    const [novemberInvoice] = await finalizeDueInvoices(prisma, new Date("2026-12-01T01:00:00Z"));
    expect(novemberInvoice).toMatchObject({ status: "open", number: "SB-2026-000002" });
    expect(novemberInvoice!.total.toString()).toBe("193.92");
    const before = await getInvoice(prisma, org.organizationId, novemberInvoice!.id);

    // A re-run changes nothing, byte for byte.
    expect(await finalizeDueInvoices(prisma, new Date("2026-12-01T02:00:00Z"))).toEqual([]);
    const again = await finalizeInvoice(prisma, org.organizationId, november, new Date());
    expect(again).toEqual(novemberInvoice);

    // Late November usage: the finalized invoice stays; December's draft carries an adjustment,
    // rated in November's tiers from where November's invoice stopped (60 TiB, so at $0.008).
    await addUsage(prisma, { ...write, hour: "2026-11-30T23:00:00Z", quantity: TiB });
    await addUsage(prisma, { ...write, hour: "2026-12-02T00:00:00Z", quantity: TiB });
    expect(await getInvoice(prisma, org.organizationId, novemberInvoice!.id)).toEqual(before);
    const december = await upcomingInvoice(
      prisma,
      org.organizationId,
      new Date("2026-12-10T00:00:00Z"),
    );
    expect(december.document.lines.map((l) => [l.kind, l.servicePeriodStart, l.amount])).toEqual([
      ["usage", "2026-12-01T00:00:00.000Z", "10.24"],
      ["adjustment", november.toISOString(), "8.19"],
    ]);
    expect(december.document).toMatchObject({ creditsApplied: "0.00", total: "18.43" });

    const [decemberInvoice] = await finalizeDueInvoices(prisma, new Date("2027-01-01T01:00:00Z"));
    expect(decemberInvoice!.total.toString()).toBe("18.43");
    // Once billed, the late usage is not billed again.
    const january = await upcomingInvoice(
      prisma,
      org.organizationId,
      new Date("2027-01-05T00:00:00Z"),
    );
    expect(january.document.lines).toEqual([]);
  });

  it("renders the same PDF and CSV bytes every time", async () => {
    const { prisma } = db;
    const stored = await prisma.invoice.findFirstOrThrow({ where: { number: "SB-2026-000002" } });
    const invoice = (await getInvoice(prisma, stored.organizationId, stored.id))!;
    const [pdf, again] = [await invoicePdf(invoice), await invoicePdf(invoice)];
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    expect(pdf.equals(again)).toBe(true);
    await writeFile(join(tmpdir(), "streambed-invoice-test.pdf"), pdf);
    const csv = invoiceCsv(invoice).split("\n");
    expect(csv[1]).toBe(
      "SB-2026-000002,usage,2026-11,acme-c1,orders,write_bytes,Data written,65970697666560,61440,GiB,0-51200@0.01 51200-61440@0.008,593.92",
    );
    expect(csv.slice(-4, -1)).toEqual([
      "SB-2026-000002,subtotal,,,,,,,,,,593.92",
      "SB-2026-000002,credits,,,,,,,,,,-400.00",
      "SB-2026-000002,total,,,,,,,,,,193.92",
    ]);
  });

  it("refuses to change a finalized invoice", async () => {
    const invoice = await db.prisma.invoice.findFirstOrThrow();
    await expect(
      db.prisma.invoice.update({ where: { id: invoice.id }, data: { document: {} } }),
    ).rejects.toThrow(/finalized/);
  });

  it("numbers 50 organizations finalized concurrently without gaps or repeats", async () => {
    const { prisma } = db;
    const ids = Array.from({ length: 50 }, (_, i) => `bulk-${i}`);
    for (const id of ids) {
      const org = await billedOrganization(prisma, id, new Date("2025-06-10T00:00:00Z"));
      await addUsage(prisma, {
        ...org,
        dimension: "cluster_minutes",
        hour: "2025-06-11T00:00:00Z",
        quantity: 60n,
      });
    }
    const invoices = await Promise.all(
      ids.map((id) => finalizeInvoice(prisma, id, new Date("2025-06-01T00:00:00Z"), new Date())),
    );
    const numbers = invoices
      .map((i) => Number(i.number.slice("SB-2025-".length)))
      .sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });
});
