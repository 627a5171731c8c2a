import { expect, test } from "@playwright/test";
import { e2ePorts } from "./ports.ts";
import { readDemoSecrets } from "./secrets.ts";

test("the console answers and reports a healthy database", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.ok()).toBe(true);
  expect(await res.json()).toMatchObject({ ok: true });
});

test("the console home page loads in a browser", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveTitle(/Streambed/);
});

test("the demo user can sign in with the banner's credentials", async ({ page }) => {
  const secrets = readDemoSecrets();
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(secrets.demoEmail);
  await page.getByLabel("Password").fill(secrets.demoPassword);
  await page.getByRole("button", { name: /sign in/i }).click();
  await expect(page.getByText(/clusters/i).first()).toBeVisible();
});

test("the agent answers on its health and metrics endpoints", async ({ request }) => {
  const health = await request.get(`http://127.0.0.1:${e2ePorts.agentHttp}/healthz`);
  expect(health.ok()).toBe(true);
  const metrics = await request.get(`http://127.0.0.1:${e2ePorts.agentHttp}/metrics`);
  expect(await metrics.text()).toContain("process_cpu_user_seconds_total");
});
