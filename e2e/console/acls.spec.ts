/**
 * Kafka ACLs in the console: on a cluster and credential provisioned over REST (so the demo
 * cluster's clients are untouched), an ACL created in the ACLs tab is listed, and once enforcement
 * is on the credential's effective permissions show what the ACL grants (with DESCRIBE implied).
 */
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { readDemoSecrets } from "../platform/secrets.ts";

const run = randomBytes(3).toString("hex");

test("an ACL created in the console is listed and shapes the credential's permissions", async ({
  browser,
  request,
}) => {
  const secrets = readDemoSecrets();
  const headers = { authorization: `Bearer ${secrets.apiKey}` };
  const cluster = (await (
    await request.post("/api/v1/clusters", { headers, data: { name: `acls-${run}` } })
  ).json()) as { data: { id: string } };
  const clusterId = cluster.data.id;
  const credential = (await (
    await request.post(`/api/v1/clusters/${clusterId}/credentials`, {
      headers,
      data: { description: "acl e2e" },
    })
  ).json()) as { data: { username: string } };
  const principal = `User:${credential.data.username}`;

  const page = await (
    await browser.newContext({ viewport: { width: 1440, height: 900 } })
  ).newPage();
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(secrets.demoEmail);
  await page.getByLabel("Password").fill(secrets.demoPassword);
  await page.getByRole("button", { name: /sign in/i }).click();
  await page.waitForURL(/\/clusters/);
  await page.goto(`/clusters/${clusterId}`);
  await page
    .getByRole("navigation", { name: "Cluster" })
    .getByRole("link", { name: "ACLs" })
    .click();
  await page.waitForURL(/\/acls$/);

  const permissions = page.getByTestId(`permissions-${credential.data.username}`);
  await expect(permissions).toContainText("Enforcement is off");

  // A wrong principal comes back as a field error from the server's zod schema.
  await page.getByRole("button", { name: "Add ACL" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Principal").fill("orders-service");
  await dialog.getByLabel("Resource name").fill("orders.");
  await dialog.getByRole("button", { name: "Add ACL" }).click();
  await expect(dialog.getByRole("alert")).toContainText("User:<name>");

  await dialog.getByLabel("Principal").fill(principal);
  await dialog.getByLabel("Pattern").click();
  await page.getByRole("option", { name: "PREFIXED" }).click();
  await dialog.getByLabel("Operation").click();
  await page.getByRole("option", { name: "WRITE", exact: true }).click();
  await dialog.getByRole("button", { name: "Add ACL" }).click();
  await expect(dialog).toBeHidden();

  const table = page.getByTestId("acls-table");
  await expect(table.getByRole("row", { name: new RegExp(principal) })).toContainText("WRITE");
  await expect(table).toContainText("(prefix)");

  await page.getByRole("button", { name: "Turn enforcement on" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Enforce ACLs" }).click();
  await expect(page.getByTestId("acl-enforcement-status")).toHaveText("On");
  await expect(permissions).toContainText("orders.*");
  await expect(permissions).toContainText("WRITE");
  await expect(permissions).toContainText("DESCRIBE");
  await expect(permissions).not.toContainText("READ");

  // A superuser may do everything again.
  await permissions.getByRole("switch", { name: "Superuser" }).click();
  await expect(permissions).toContainText("Superuser: ACLs do not apply");
});
