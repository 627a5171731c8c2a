/**
 * The console as a new user meets it: sign up, create a cluster, a credential and a topic, then
 * produce and consume with KafkaJS using that credential, see offsets and lag in the console,
 * revoke the credential, and invite a read-only colleague.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { Kafka, logLevel } from "kafkajs";
import { e2ePorts } from "../platform/ports.ts";
import { agentSpeaksSasl } from "./kafka-probe.ts";

test.describe.configure({ mode: "serial" });

const artifacts = join(import.meta.dirname, "..", "artifacts");
const run = randomBytes(3).toString("hex");
const owner = { name: "Ada Owner", email: `owner-${run}@e2e.test`, password: "owner-password-1" };
const reader = {
  name: "Rex Reader",
  email: `reader-${run}@e2e.test`,
  password: "reader-password-1",
};
const clusterName = `e2e-${run}`;
const topicName = `orders-${run}`;
const bootstrap = `127.0.0.1:${e2ePorts.kafka}`;

let page: Page;
let clusterId = "";
let credential = { username: "", password: "" };

async function shot(p: Page, name: string) {
  await p.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

async function signUp(p: Page, user: typeof owner) {
  await p.getByLabel("Name").fill(user.name);
  await p.getByLabel("Email").fill(user.email);
  await p.getByLabel("Password").fill(user.password);
  await p.getByRole("button", { name: "Create account" }).click();
}

function kafkaFor(username: string, password: string) {
  return new Kafka({
    clientId: `e2e-${run}`,
    brokers: [bootstrap],
    sasl: { mechanism: "scram-sha-256", username, password },
    logLevel: logLevel.NOTHING,
    retry: { retries: 2 },
    connectionTimeout: 5_000,
  });
}

test.beforeAll(async ({ browser }: { browser: Browser }) => {
  page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
});

test("sign up lands on an empty cluster list", async () => {
  await page.goto("/sign-up");
  // Field-level validation from zod before anything is sent.
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter a valid email address")).toBeVisible();
  await signUp(page, owner);
  await expect(page.getByRole("heading", { name: "Clusters" })).toBeVisible();
  await expect(page.getByText("No clusters yet")).toBeVisible();
});

test("create a cluster and see its bootstrap address", async () => {
  await page.getByRole("link", { name: "Create cluster" }).first().click();
  await page.getByLabel("Cluster name").fill("X");
  await page.getByRole("button", { name: "Create cluster" }).click();
  await expect(page.getByText("At least 3 characters")).toBeVisible();
  await page.getByLabel("Cluster name").fill(clusterName);
  await page.getByRole("button", { name: "Create cluster" }).click();
  await page.waitForURL(
    (url) => /^\/clusters\/[^/]+$/.test(url.pathname) && !url.pathname.endsWith("/new"),
  );
  clusterId = page.url().split("/").at(-1)!;
  await expect(page.getByRole("heading", { name: clusterName })).toBeVisible();
  await expect(page.getByTestId("bootstrap-address")).toHaveText(/\d+\.\d+\.\d+\.\d+:\d+/);
  await shot(page, "cluster-overview");
  await page.goto("/clusters");
  await expect(page.getByTestId("clusters-table")).toContainText(clusterName);
  await shot(page, "clusters");
});

test("create a Kafka credential and read its password exactly once", async () => {
  await page.goto(`/clusters/${clusterId}/credentials`);
  await page.getByRole("button", { name: "Create credential" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Description (optional)").fill("e2e producer");
  await dialog.getByRole("button", { name: "Create credential" }).click();
  credential = {
    username: (await page.getByTestId("new-credential-username").textContent())!.trim(),
    password: (await page.getByTestId("new-credential-password").textContent())!.trim(),
  };
  expect(credential.username).toMatch(/^sb-/);
  expect(credential.password.length).toBeGreaterThanOrEqual(32);
  await shot(page, "credential-created");
  await page.getByRole("button", { name: "I have saved it" }).click();
  await expect(page.getByTestId("credentials-table")).toContainText(credential.username);
  await page.reload();
  await expect(page.getByTestId("credentials-table")).toContainText(credential.username);
  expect(await page.content()).not.toContain(credential.password);
  await shot(page, "credentials");

  await page.goto(`/clusters/${clusterId}/agent-keys`);
  await page.getByRole("button", { name: "Create agent key" }).click();
  await page.getByRole("dialog").getByLabel("Name").fill("byoc agents");
  await page.getByRole("dialog").getByRole("button", { name: "Create key" }).click();
  const agentKey = (await page.getByTestId("new-agent-key").textContent())!.trim();
  expect(agentKey).toMatch(/^sbak_/);
  await page.getByRole("button", { name: "I have saved it" }).click();
  await expect(page.getByTestId("agent-keys-table")).toContainText(agentKey.slice(0, 12));
  expect(await page.content()).not.toContain(agentKey);
  await page.getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke key" }).click();
  await expect(page.getByTestId("agent-keys-table")).toContainText("Revoked");
  await shot(page, "agent-keys");

  await page.goto(`/clusters/${clusterId}/connect?username=${credential.username}`);
  await expect(page.getByTestId("snippet-kcat")).toContainText(credential.username);
  await expect(page.getByTestId("snippet-kcat")).toContainText("sasl.mechanisms=SCRAM-SHA-256");
  await shot(page, "connect");
});

test("create a topic from the console", async () => {
  await page.goto(`/clusters/${clusterId}/topics`);
  await page.getByRole("button", { name: "Create topic" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Topic name").fill(topicName);
  await dialog.getByLabel("Partitions").fill("2");
  await dialog.getByRole("button", { name: "Create topic" }).click();
  const row = page.getByTestId("topics-table").getByRole("row", { name: new RegExp(topicName) });
  await expect(row).toContainText("2");
  await shot(page, "topics");
});

test("produce and consume with KafkaJS using the credential; offsets and lag show in the console", async () => {
  test.setTimeout(120_000);
  test.skip(
    !(await agentSpeaksSasl("127.0.0.1", e2ePorts.kafka)),
    "the agent does not advertise SaslHandshake (API key 17) yet",
  );
  const kafka = kafkaFor(credential.username, credential.password);
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: topicName,
    messages: Array.from({ length: 5 }, (_, i) => ({ key: "k", value: `message ${i}` })),
  });
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: `e2e-group-${run}` });
  await consumer.connect();
  await consumer.subscribe({ topic: topicName, fromBeginning: true });
  const received: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`consumed only ${received.length} of 5`)),
      60_000,
    );
    void consumer.run({
      eachMessage: async ({ message }) => {
        received.push(message.value!.toString());
        if (received.length === 5) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect(); // commits the consumed offsets
  expect(received.sort()).toEqual([
    "message 0",
    "message 1",
    "message 2",
    "message 3",
    "message 4",
  ]);

  await page.goto(`/clusters/${clusterId}/topics/${topicName}`);
  const partitions = page.getByTestId("partitions-table");
  await expect(page.getByText("5 records produced in total")).toBeVisible();
  await expect(partitions).toBeVisible();
  await shot(page, "topic-detail");

  await page.goto(`/clusters/${clusterId}`);
  const produced = page
    .getByTestId("cluster-stats")
    .getByRole("link", { name: /Records produced/ });
  await expect(produced).toContainText("5");
  await shot(page, "cluster-overview-with-traffic");

  await page.goto(`/clusters/${clusterId}/groups/e2e-group-${run}`);
  await expect(page.getByTestId("group-total-lag")).toHaveText("0", { timeout: 20_000 });
  await shot(page, "group-detail");
  await page.goto(`/clusters/${clusterId}/groups`);
  await expect(page.getByTestId("groups-table")).toContainText(`e2e-group-${run}`);
  await shot(page, "groups");

  // The Connect page's kcat snippet works as shown once the password is filled in.
  await page.goto(`/clusters/${clusterId}/connect?username=${credential.username}`);
  const kcat = (await page.getByTestId("snippet-kcat").textContent())!.replaceAll(
    "<password>",
    credential.password,
  );
  expect(execFileSync("bash", ["-c", kcat], { encoding: "utf8", timeout: 60_000 })).toContain(
    "hello streambed",
  );

  await page.goto(`/clusters/${clusterId}/credentials`);
  await page.getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke credential" }).click();
  await expect(page.getByTestId("credentials-table")).toContainText("Revoked");
  // Agents cache credentials for a few seconds, so the revocation lands within that window.
  await expect(async () => {
    const revoked = kafkaFor(credential.username, credential.password).producer();
    try {
      await expect(revoked.connect()).rejects.toThrow(/SASL|authentication/i);
    } finally {
      await revoked.disconnect().catch(() => undefined);
    }
  }).toPass({ timeout: 20_000, intervals: [1_000] });
});

test("invite a read-only member who can look but not change anything", async ({ browser }) => {
  test.setTimeout(90_000);
  await page.goto("/members");
  await page.getByRole("button", { name: "Invite member" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Email").fill(reader.email);
  await dialog.getByRole("combobox", { name: "Role" }).click();
  await page.getByRole("option", { name: "Read-only" }).click();
  await dialog.getByRole("button", { name: "Create invitation" }).click();
  const link = (await page.getByTestId("invitation-link").textContent())!.trim();
  expect(link).toContain("/invite/");
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByTestId("invitations-table")).toContainText(reader.email);
  await shot(page, "members");

  const readerPage = await (
    await browser.newContext({ viewport: { width: 1440, height: 900 } })
  ).newPage();
  await readerPage.goto(new URL(link).pathname);
  await expect(readerPage).toHaveURL(/\/sign-in\?next=/);
  await readerPage.getByRole("link", { name: "Create an account" }).click();
  await signUp(readerPage, reader);
  await readerPage.getByRole("button", { name: "Accept invitation" }).click();
  await expect(readerPage.getByTestId("clusters-table")).toContainText(clusterName);

  await readerPage.goto(`/clusters/${clusterId}/topics`);
  await expect(readerPage.getByTestId("topics-table")).toContainText(topicName);
  await expect(readerPage.getByRole("button", { name: "Create topic" })).toHaveCount(0);
  await readerPage.goto(`/clusters/${clusterId}/credentials`);
  await expect(readerPage.getByRole("button", { name: "Create credential" })).toHaveCount(0);
  await readerPage.goto(`/clusters/${clusterId}/settings`);
  await expect(readerPage.getByRole("button", { name: "Save settings" })).toBeDisabled();
  // The server refuses even when the UI is bypassed.
  await readerPage.goto("/clusters/new");
  await readerPage.getByLabel("Cluster name").fill(`reader-${run}`);
  await readerPage.getByRole("button", { name: "Create cluster" }).click();
  await expect(readerPage.getByText(/does not allow you to make changes/)).toBeVisible();
  await readerPage.goto("/audit");
  await expect(readerPage.getByText(/does not allow you to manage/)).toBeVisible();
  await shot(readerPage, "readonly-audit-refused");

  // The reader belongs to two organizations now and can switch between them.
  await readerPage.getByTestId("org-switcher").click();
  await readerPage.getByRole("menuitem", { name: /Rex Reader's organization/ }).click();
  await expect(readerPage.getByText("No clusters yet")).toBeVisible();
  await readerPage.getByTestId("org-switcher").click();
  await readerPage.getByRole("menuitem", { name: /Ada Owner's organization/ }).click();
  await expect(readerPage.getByTestId("clusters-table")).toContainText(clusterName);
  await readerPage.context().close();

  await page.goto("/audit");
  await expect(page.getByTestId("audit-table")).toContainText("member.joined");
  await shot(page, "audit");
  await page.goto(`/clusters/${clusterId}/settings`);
  await shot(page, "cluster-settings");
});

test("change the password, sign out and sign in with the new one", async () => {
  const newPassword = "owner-password-2";
  await page.goto("/account");
  await page.getByLabel("Current password").fill("not-my-password");
  await page.getByLabel("New password", { exact: true }).fill(newPassword);
  await page.getByLabel("Confirm new password").fill(newPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Wrong password")).toBeVisible();
  await page.getByLabel("Current password").fill(owner.password);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Password changed")).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.getByLabel("Email").fill(owner.email);
  await page.getByLabel("Password").fill(owner.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /invalid/i })).toBeVisible();
  await page.getByLabel("Password").fill(newPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Clusters" })).toBeVisible();
});

test("delete a topic, then the cluster once deletion protection is off", async () => {
  await page.goto(`/clusters/${clusterId}/topics`);
  await page.getByRole("button", { name: `Delete topic ${topicName}` }).click();
  const topicDialog = page.getByRole("dialog");
  await expect(topicDialog.getByRole("button", { name: "Delete topic" })).toBeDisabled();
  await topicDialog.getByLabel(/Type .* to confirm/).fill(topicName);
  await topicDialog.getByRole("button", { name: "Delete topic" }).click();
  await expect(page.getByTestId("topics-table")).not.toContainText(topicName);

  await page.goto(`/clusters/${clusterId}/settings`);
  await page.getByLabel("Deletion protection").click();
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Deletion protection is on.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Delete cluster" })).toBeDisabled();

  await page.getByLabel("Deletion protection").click();
  await page.getByRole("button", { name: "Save settings" }).click();
  await page.getByRole("button", { name: "Delete cluster" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel(/Type .* to confirm/).fill(clusterName);
  await dialog.getByRole("button", { name: "Delete cluster" }).click();
  await expect(page).toHaveURL(/\/clusters$/);
  await expect(page.getByText("No clusters yet")).toBeVisible();
});
