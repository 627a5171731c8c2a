/**
 * Usage and the REST API as the demo user meets them: produce to the demo cluster with the
 * banner's SASL credential, watch the usage chart fill, download it as CSV, and read the same
 * usage with the banner's REST API key. First, an API key created in the console reads the
 * clusters. The usage assertions need the metering pipeline (agents report, rollups fill
 * usage_hourly), so they come last.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { Kafka, logLevel } from "kafkajs";
import { e2ePorts } from "../platform/ports.ts";
import { readDemoSecrets } from "../platform/secrets.ts";

test.describe.configure({ mode: "serial" });

const artifacts = join(import.meta.dirname, "..", "artifacts");
const run = randomBytes(3).toString("hex");
const messages = 200;
const messageBytes = 1024;

let page: Page;
let clusterId = "";

async function shot(p: Page, name: string) {
  await p.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

test.beforeAll(async ({ browser }: { browser: Browser }) => {
  page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  const secrets = readDemoSecrets();
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(secrets.demoEmail);
  await page.getByLabel("Password").fill(secrets.demoPassword);
  await page.getByRole("button", { name: /sign in/i }).click();
  await page.getByRole("link", { name: "demo", exact: true }).click();
  await page.waitForURL(/\/clusters\/[^/]+$/);
  clusterId = new URL(page.url()).pathname.split("/")[2]!;
});

test("an API key created in the console reads the clusters; the API reference lists both paths", async ({
  request,
}) => {
  const main = page.getByRole("navigation", { name: "Main" });
  await main.getByRole("link", { name: "API keys" }).click();
  await page.getByRole("button", { name: "Create API key" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill(`e2e-${run}`);
  await dialog.getByRole("button", { name: "Create key" }).click();
  const secret = (await page.getByTestId("new-api-key").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^sbk_/);
  await page.getByRole("button", { name: "I have saved it" }).click();
  await expect(page.getByTestId("api-keys-table")).toContainText(`e2e-${run}`);

  const res = await request.get("/api/v1/clusters", {
    headers: { authorization: `Bearer ${secret}` },
  });
  expect(res.status()).toBe(200);
  expect(((await res.json()) as { data: { id: string }[] }).data.map((c) => c.id)).toContain(
    clusterId,
  );
  expect((await request.get("/api/v1/clusters")).status()).toBe(401);

  await main.getByRole("link", { name: "API reference" }).click();
  await expect(page.getByRole("heading", { name: "API reference" })).toBeVisible();
  await expect(page.getByTestId("api-operation")).toContainText([
    "/api/v1/clusters",
    "/api/v1/clusters/{clusterId}",
    "/api/v1/usage",
  ]);
  await shot(page, "api-reference");
});

test("produce to the demo cluster with the banner's credential", async () => {
  const secrets = readDemoSecrets();
  const kafka = new Kafka({
    clientId: `e2e-usage-${run}`,
    brokers: [`127.0.0.1:${e2ePorts.kafka}`],
    sasl: {
      mechanism: "scram-sha-256",
      username: secrets.saslUsername,
      password: secrets.saslPassword,
    },
    logLevel: logLevel.NOTHING,
    retry: { retries: 2 },
  });
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  await producer.send({
    topic: `usage-${run}`,
    messages: Array.from({ length: messages }, (_, i) => ({
      key: String(i),
      value: "x".repeat(messageBytes),
    })),
  });
  await producer.disconnect();
});

test("the cluster's usage page charts the traffic and downloads it as CSV", async () => {
  // Agents close usage windows (5 s in e2e) and report them; allow a few reports.
  test.setTimeout(120_000);
  await page.goto(`/clusters/${clusterId}`);
  await page
    .getByRole("navigation", { name: "Cluster" })
    .getByRole("link", { name: "Usage" })
    .click();
  await page.waitForURL(`**/clusters/${clusterId}/usage`);
  await page.getByRole("tab", { name: "24 hours" }).click();
  await expect(async () => {
    await page.reload();
    await page.getByRole("tab", { name: "24 hours" }).click();
    await expect(page.getByTestId("usage-chart")).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 60_000, intervals: [2_000] });
  await expect(
    page.getByTestId("usage-chart").locator(".recharts-bar-rectangle").first(),
  ).toBeVisible();
  await expect(page.getByTestId("usage-table")).toContainText("Data written");
  await shot(page, "usage-cluster");

  // Earlier traffic may already draw a bar: download until this test's writes are reported.
  await expect(async () => {
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByTestId("usage-csv").click(),
    ]);
    expect(download.suggestedFilename()).toMatch(
      /^streambed-usage-demo-\d{4}-\d\d-\d\d-hour\.csv$/,
    );
    const csv = readFileSync(await download.path(), "utf8")
      .trim()
      .split("\r\n");
    expect(csv[0]).toBe("window_start,cluster_id,cluster_name,dimension,quantity,unit");
    const written = csv
      .slice(1)
      .map((line) => line.split(","))
      .filter(([, id, , dimension]) => id === clusterId && dimension === "write_bytes")
      .reduce((sum, fields) => sum + BigInt(fields[4]!), 0n);
    expect(written).toBeGreaterThanOrEqual(BigInt(messages * messageBytes));
  }).toPass({ timeout: 60_000, intervals: [3_000] });
});

test("the banner's REST API key reads the same usage", async ({ request }) => {
  const { apiKey } = readDemoSecrets();
  const res = await request.get(`/api/v1/usage?clusterId=${clusterId}`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  expect(res.status()).toBe(200);
  const { data } = (await res.json()) as { data: { dimension: string; quantity: string }[] };
  const written = data
    .filter((r) => r.dimension === "write_bytes")
    .reduce((sum, r) => sum + BigInt(r.quantity), 0n);
  expect(written).toBeGreaterThanOrEqual(BigInt(messages * messageBytes));
});

test("the cluster's metrics page charts the same traffic; /metrics labels it by cluster", async ({
  request,
}) => {
  test.setTimeout(90_000);
  await page.goto(`/clusters/${clusterId}`);
  await page
    .getByRole("navigation", { name: "Cluster" })
    .getByRole("link", { name: "Metrics" })
    .click();
  await page.waitForURL(`**/clusters/${clusterId}/metrics`);
  // Agents send each window's figures (5 s in e2e); the page refreshes every 15 s.
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("chart-requests")).toContainText("Produce", { timeout: 5_000 });
  }).toPass({ timeout: 60_000, intervals: [2_000] });
  await expect(
    page.getByTestId("chart-throughput").locator(".recharts-line-curve").first(),
  ).toBeVisible();
  await expect(page.getByTestId("chart-latency")).toContainText("Produce p99");
  await shot(page, "cluster-metrics");

  const scrape = await request.get(`http://127.0.0.1:${e2ePorts.agentHttp}/metrics`);
  expect(await scrape.text()).toMatch(
    new RegExp(`streambed_produce_bytes_total\\{cluster_id="${clusterId}"\\} [1-9]`),
  );
});
