/**
 * The message browser and producing from the browser, as the demo user meets them: a topic with
 * JSON and binary messages written by KafkaJS, read in the Messages tab (filters, decodings, the
 * detail drawer), a message produced from the browser and found again, and a read-only member
 * who can read but not produce.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { Kafka, logLevel } from "kafkajs";
import { e2ePorts } from "../platform/ports.ts";
import { readDemoSecrets } from "../platform/secrets.ts";

// Generous: these machines are shared and a page can take seconds to render.
test.describe.configure({ mode: "serial", timeout: 180_000 });

const artifacts = join(import.meta.dirname, "..", "artifacts");
const run = randomBytes(3).toString("hex");
const topic = `browse-${run}`;
const binary = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7f]);
const reader = {
  name: "Vera Viewer",
  email: `viewer-${run}@e2e.test`,
  password: "viewer-password-1",
};

let page: Page;
let clusterId = "";
let messagesUrl = "";

test.beforeAll(async ({ browser }: { browser: Browser }) => {
  test.setTimeout(180_000);
  const secrets = readDemoSecrets();
  const kafka = new Kafka({
    clientId: `e2e-messages-${run}`,
    brokers: [`127.0.0.1:${e2ePorts.kafka}`],
    sasl: {
      mechanism: "scram-sha-256",
      username: secrets.saslUsername,
      password: secrets.saslPassword,
    },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: Array.from({ length: 10 }, (_, i) => ({
      partition: 0,
      key: `customer-${i}`,
      value: JSON.stringify({ order: i, customer: { name: i === 3 ? "Linus" : "Ada" } }),
      headers: { origin: "kafkajs" },
    })),
  });
  await producer.send({ topic, messages: [{ partition: 1, value: binary }] });
  await producer.disconnect();

  page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(secrets.demoEmail);
  await page.getByLabel("Password").fill(secrets.demoPassword);
  await page.getByRole("button", { name: /sign in/i }).click();
  await page.getByRole("link", { name: "demo", exact: true }).click();
  await page.waitForURL(/\/clusters\/[^/]+$/);
  clusterId = new URL(page.url()).pathname.split("/")[2]!;
  messagesUrl = `/clusters/${clusterId}/topics/${topic}/messages`;
});

test("the topics table fits its card at 1440 px, retention column included", async () => {
  await page.goto(`/clusters/${clusterId}/topics`);
  const table = page.getByTestId("topics-table");
  // A loaded machine can take a while to render the first page.
  await expect(table).toContainText(topic, { timeout: 30_000 });
  const scroller = table.locator("xpath=..");
  const { scrollWidth, clientWidth } = await scroller.evaluate((el) => ({
    scrollWidth: el.scrollWidth,
    clientWidth: el.clientWidth,
  }));
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
  await expect(table.getByRole("columnheader", { name: /Retention/i })).toBeInViewport();
});

test("browse JSON and binary messages, filter them and open one", async () => {
  await page.goto(`/clusters/${clusterId}/topics/${topic}`);
  await page.getByRole("link", { name: "Messages" }).click();
  await expect(page).toHaveURL(new RegExp(`${messagesUrl}$`));
  const table = page.getByTestId("messages-table");
  await expect(table.locator("tbody tr")).toHaveCount(11, { timeout: 30_000 });
  await expect(page.getByTestId("browse-status")).toContainText("11 messages");
  await expect(table).toContainText('{"order":9,"customer":{"name":"Ada"}}');
  // Binary values are not text: auto shows them as hex.
  await expect(table).toContainText("00 ff 10 80 7f");

  // Substring filter on the value.
  await page.getByLabel("Text").fill("Linus");
  await page.getByRole("button", { name: "Read messages" }).click();
  await expect(table.locator("tbody tr")).toHaveCount(1);
  // JSON path filter, partition 0 from earliest, oldest first.
  await page.getByRole("combobox", { name: "Match" }).click();
  await page.getByRole("option", { name: "JSON path" }).click();
  await page.getByLabel("Path (e.g. $.customer.id)").fill("$.order");
  await page.getByLabel("Equals (optional)").fill("7");
  await page.getByRole("combobox", { name: "Start at" }).click();
  await page.getByRole("option", { name: "Earliest" }).click();
  await page.getByRole("button", { name: "Read messages" }).click();
  await expect(table.locator("tbody tr")).toHaveCount(1);
  await expect(table).toContainText('"order":7');

  // The detail drawer, opened from the keyboard.
  await page.getByRole("button", { name: "Open message 0:7" }).focus();
  await page.keyboard.press("Enter");
  const drawer = page.getByRole("dialog");
  await expect(drawer.getByRole("heading", { name: "Partition 0 · offset 7" })).toBeVisible();
  await expect(drawer.getByLabel("Key")).toContainText("customer-7");
  await expect(drawer.getByLabel("Headers")).toContainText("origin");
  await expect(drawer.getByLabel("Headers")).toContainText("kafkajs");
  await expect(drawer.getByTestId("value-json")).toContainText('"customer"');
  await expect(drawer.getByTestId("value-json")).toContainText('"Ada"');
  await page.screenshot({ path: join(artifacts, "message-drawer.png"), fullPage: true });
  await page.keyboard.press("Escape");

  // Decodings: base64 of the binary value.
  await page.goto(messagesUrl);
  await expect(table.locator("tbody tr")).toHaveCount(11, { timeout: 30_000 });
  await page.getByRole("combobox", { name: "Show as" }).click();
  await page.getByRole("option", { name: "Base64" }).click();
  await expect(table).toContainText(binary.toString("base64"));
  await page.screenshot({ path: join(artifacts, "messages.png"), fullPage: true });
});

test("produce a message from the browser and find it", async () => {
  await page.goto(messagesUrl);
  await page.getByRole("button", { name: "Produce message" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Key (empty: none)").fill(`from-browser-${run}`);
  await dialog.getByLabel("Value").fill(`{"hello":"${run}"}`);
  await dialog.getByLabel("Headers").fill("via: console");
  await dialog.getByRole("button", { name: "Produce", exact: true }).click();
  await expect(dialog.getByTestId("produce-result")).toHaveText(
    /Produced to partition [01] at offset \d+/,
  );
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: "Read messages" }).click();
  await expect(page.getByTestId("messages-table")).toContainText(`{"hello":"${run}"}`);
  await expect(page.getByTestId("messages-table")).toContainText(`from-browser-${run}`);
});

test("a read-only member reads messages but cannot produce", async ({ browser }) => {
  await page.goto("/members");
  await page.getByRole("button", { name: "Invite member" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Email").fill(reader.email);
  await dialog.getByRole("combobox", { name: "Role" }).click();
  await page.getByRole("option", { name: "Read-only" }).click();
  await dialog.getByRole("button", { name: "Create invitation" }).click();
  const link = (await page.getByTestId("invitation-link").textContent())!.trim();
  await page.getByRole("button", { name: "Done" }).click();

  const viewer = await (
    await browser.newContext({ viewport: { width: 1440, height: 900 } })
  ).newPage();
  await viewer.goto(new URL(link).pathname);
  await viewer.getByRole("link", { name: "Create an account" }).click();
  await viewer.getByLabel("Name").fill(reader.name);
  await viewer.getByLabel("Email").fill(reader.email);
  await viewer.getByLabel("Password").fill(reader.password);
  await viewer.getByRole("button", { name: "Create account" }).click();
  await viewer.getByRole("button", { name: "Accept invitation" }).click();
  await expect(viewer.getByTestId("clusters-table")).toBeVisible();

  await viewer.goto(messagesUrl);
  await expect(viewer.getByTestId("messages-table")).toContainText(`{"hello":"${run}"}`);
  await expect(viewer.getByRole("button", { name: "Produce message" })).toHaveCount(0);
  // The server refuses even when the UI is bypassed.
  const response = await viewer.request.post("/api/trpc/messages.produce", {
    data: {
      json: { clusterId, topic, partition: null, key: null, value: "sneaky", headers: [] },
    },
  });
  expect(response.status()).toBe(403);
  await viewer.context().close();
});
