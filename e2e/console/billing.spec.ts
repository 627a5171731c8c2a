/**
 * Billing as an owner meets it, against the Stripe test double that `npm start` runs: traffic
 * makes the estimate grow, a card is added through the hosted checkout, the billing test clock is
 * moved past the month's end, and a paid invoice is there with its PDF.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { Kafka, logLevel } from "kafkajs";
import { e2ePorts } from "../platform/ports.ts";

test.describe.configure({ mode: "serial" });

const artifacts = join(import.meta.dirname, "..", "artifacts");
const run = randomBytes(3).toString("hex");
const owner = {
  name: "Bill Owner",
  email: `billing-${run}@e2e.test`,
  password: "billing-password-1",
};

let page: Page;
let clusterId = "";

const shot = (name: string) =>
  page.screenshot({ path: join(artifacts, `billing-${name}.png`), fullPage: true });

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
});

test("an owner sees the billing page in test mode with starting credits", async () => {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill(owner.name);
  await page.getByLabel("Email").fill(owner.email);
  await page.getByLabel("Password").fill(owner.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Clusters" })).toBeVisible();
  await page.getByRole("link", { name: "Create cluster" }).first().click();
  await page.getByLabel("Cluster name").fill(`billed-${run}`);
  await page.getByRole("button", { name: "Create cluster" }).click();
  await page.waitForURL(
    (url) => /^\/clusters\/[^/]+$/.test(url.pathname) && !url.pathname.endsWith("/new"),
  );
  clusterId = new URL(page.url()).pathname.split("/")[2]!;
  await expect(page.getByTestId("cost-comparison")).toBeVisible();

  await page.getByRole("link", { name: "Billing" }).click();
  await expect(page.getByRole("heading", { name: "Billing" })).toBeVisible();
  await expect(page.getByTestId("billing-test-mode")).toBeVisible();
  await expect(page.getByTestId("credit-balance")).toHaveText("$400.00");
  await expect(page.getByTestId("payment-method")).toHaveText(/No card on file/);
  await shot("estimate");
});

test("traffic shows in the estimate", async () => {
  test.setTimeout(120_000);
  await page.goto(`/clusters/${clusterId}/credentials`);
  await page.getByRole("button", { name: "Create credential" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Create credential" }).click();
  const username = (await page.getByTestId("new-credential-username").textContent())!.trim();
  const password = (await page.getByTestId("new-credential-password").textContent())!.trim();
  await page.getByRole("button", { name: "I have saved it" }).click();
  const kafka = new Kafka({
    clientId: `billing-${run}`,
    brokers: [`127.0.0.1:${e2ePorts.kafka}`],
    sasl: { mechanism: "scram-sha-256", username, password },
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  const value = "x".repeat(100_000);
  for (let i = 0; i < 20; i++)
    await producer.send({
      topic: `metered-${run}`,
      messages: Array.from({ length: 10 }, () => ({ value })),
    });
  await producer.disconnect();
  // Agents report usage per window (5 s in e2e); the hourly rollups then feed the estimate. 20 MB
  // is a fraction of a cent, so the draft's data-written line shows the traffic, not the total.
  await page.goto("/billing");
  const written = page
    .getByTestId("estimate-lines")
    .getByRole("row")
    .filter({ hasText: `billed-${run} · Data written` });
  await expect(async () => {
    await page.reload();
    const text = (await written.textContent({ timeout: 1_000 })) ?? "";
    const gib = Number(/([\d.,]+) GiB/.exec(text)?.[1]?.replace(/,/g, "") ?? "0");
    expect(gib).toBeGreaterThanOrEqual(0.018);
  }).toPass({ timeout: 60_000, intervals: [2_000] });
  await shot("estimate-grown");
});

test("a card is added through Stripe Checkout", async () => {
  await page.goto("/billing");
  await page.getByRole("button", { name: "Add card" }).click();
  await expect(page.getByRole("heading", { name: "Save a card" })).toBeVisible();
  await expect(page.getByText("TEST MODE")).toBeVisible();
  await page.getByRole("button", { name: "Save card" }).click();
  await page.waitForURL(/\/billing\?checkout=success/);
  await expect(page.getByTestId("payment-method")).toHaveText(/visa •••• 4242/);
});

test("moving the test clock past the month's end finalizes and pays the invoice, with a PDF", async () => {
  const now = new Date();
  const afterClose = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1, 2));
  const moved = await page.request.post("/api/v1/billing/test-clock", {
    data: { advanceTo: afterClose.toISOString() },
  });
  expect(moved.status()).toBe(200);
  const back = await page.request.post("/api/v1/billing/test-clock", {
    data: { advanceTo: now.toISOString() },
  });
  expect(back.status()).toBe(400);

  await page.goto("/billing");
  const row = page
    .getByTestId("invoice-table")
    .getByRole("row")
    .filter({ hasText: /SB-\d{4}-\d{6}/ })
    .first();
  await expect(async () => {
    await page.reload();
    await expect(row).toContainText("paid", { timeout: 1_000 });
  }).toPass({ timeout: 20_000, intervals: [1_000] });
  await shot("invoices");

  await row.getByRole("link").click();
  await expect(page.getByRole("heading", { name: /Invoice SB-/ })).toBeVisible();
  await shot("invoice");
  const pdf = await page.request.get((await page.getByTestId("invoice-pdf").getAttribute("href"))!);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()["content-type"]).toBe("application/pdf");
  expect((await pdf.body()).subarray(0, 5).toString()).toBe("%PDF-");
});
