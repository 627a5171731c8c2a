/**
 * Fit and finish across the console's main pages, signed in as the demo user at 1440 px: no
 * console error or uncaught exception on any of them, the topics table fits its card (retention
 * column visible), and the keyboard's focus is always visible.
 */
import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { readDemoSecrets } from "../platform/secrets.ts";

const run = randomBytes(3).toString("hex");

async function signIn(page: Page): Promise<string> {
  const secrets = readDemoSecrets();
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(secrets.demoEmail);
  await page.getByLabel("Password").fill(secrets.demoPassword);
  await page.getByRole("button", { name: /sign in/i }).click();
  await page.getByRole("link", { name: "demo", exact: true }).click();
  await page.waitForURL(/\/clusters\/[^/]+$/);
  return new URL(page.url()).pathname.split("/")[2]!;
}

test("the main pages load without console errors; the topics table fits; focus is visible", async ({
  browser,
  request,
}) => {
  test.setTimeout(180_000);
  const page = await (
    await browser.newContext({ viewport: { width: 1440, height: 900 } })
  ).newPage();
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`${page.url()}: ${m.text()} (${m.location().url})`);
  });
  page.on("pageerror", (e) => errors.push(`${page.url()}: ${e.message}`));
  const clusterId = await signIn(page);

  // A long topic name, as real ones are, must not push the retention column out of the card.
  const topic = `payments.settlements.eu-west.v2-${run}`;
  const created = await request.post(`/api/v1/clusters/${clusterId}/topics`, {
    headers: { authorization: `Bearer ${readDemoSecrets().apiKey}` },
    data: { name: topic, retentionMs: 3_600_000 },
  });
  expect(created.status()).toBe(201);

  const cluster = `/clusters/${clusterId}`;
  const pages: [string, string | RegExp][] = [
    ["/clusters", "Clusters"],
    [cluster, "Agents"],
    [`${cluster}/topics`, "Topics"],
    [`${cluster}/topics/${encodeURIComponent(topic)}`, topic],
    [`${cluster}/groups`, "Consumer groups"],
    [`${cluster}/metrics`, "Metrics"],
    [`${cluster}/usage`, "Usage"],
    [`${cluster}/credentials`, "Kafka credentials"],
    [`${cluster}/acls`, "ACLs"],
    [`${cluster}/agent-keys`, "Agent keys"],
    [`${cluster}/connect`, "Connect a client"],
    [`${cluster}/settings`, "Settings"],
    ["/usage", "Usage"],
    ["/billing", "Billing"],
    ["/members", "Members"],
    ["/api-keys", "API keys"],
    ["/audit", "Audit log"],
    ["/api-reference", /API/],
    ["/account", "Account"],
  ];
  for (const [path, heading] of pages) {
    await page.goto(path);
    await expect(page.getByRole("heading", { name: heading }).first()).toBeVisible();
    await page.waitForLoadState("networkidle");
  }

  await page.goto(`${cluster}/topics`);
  await page
    .getByRole("searchbox", { name: "Search topics" })
    .or(page.getByLabel("Search topics"))
    .fill(run);
  const table = page.getByTestId("topics-table");
  await expect(table.getByRole("link", { name: topic })).toBeVisible();
  await expect(page.getByTestId("topics-range")).toHaveText("1–1 of 1");
  const retention = table.getByRole("columnheader", { name: "Retention" });
  await expect(retention).toBeInViewport();
  // The table's scroller has nothing hidden to the right at this width.
  const hidden = await table.evaluate((t) => {
    const scroller = t.parentElement!;
    return scroller.scrollWidth - scroller.clientWidth;
  });
  expect(hidden).toBeLessThanOrEqual(0);

  // Tabbing through the cluster page: every focused control shows an outline or a ring.
  await page.goto(cluster);
  await expect(page.getByRole("navigation", { name: "Cluster" })).toBeVisible();
  const invisible: string[] = [];
  for (let i = 0; i < 25; i++) {
    await page.keyboard.press("Tab");
    const focused = page.locator(":focus");
    if ((await focused.count()) === 0) continue;
    const focus = await focused.evaluate((el) => {
      const style = el.ownerDocument.defaultView!.getComputedStyle(el);
      const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
      return { visible: outlined || style.boxShadow !== "none", name: el.outerHTML.slice(0, 80) };
    });
    if (focus && !focus.visible) invisible.push(focus.name);
  }
  expect(invisible).toEqual([]);
  expect(errors).toEqual([]);
});
