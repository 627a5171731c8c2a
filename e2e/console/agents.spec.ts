/**
 * The console shows what happens to the local platform's agents: one that stops heartbeating is
 * listed as not responding (and serving again once it resumes), and one that is SIGKILLed comes
 * back, restarted by `npm start`, with its new start time.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { readDemoSecrets } from "../platform/secrets.ts";

test.describe.configure({ mode: "serial" });

const dataDir = () => process.env.STREAMBED_E2E_DATA_DIR!;

/**
 * The pid `npm start` records for one of its children (it rewrites the record on restarts; none
 * while it waits to restart one).
 */
function childPid(name: string): number | undefined {
  const record = JSON.parse(readFileSync(join(dataDir(), "platform.pid"), "utf8")) as {
    children: { name: string; pid: number }[];
  };
  return record.children.find((c) => c.name === name)?.pid;
}

/** The agent id the launcher's `agent-0` keeps over restarts (in its usage spool directory). */
function agentId(name: string): string {
  return readFileSync(join(dataDir(), "usage-spool", name, "agent-id"), "utf8").trim();
}

async function signIn(page: Page): Promise<void> {
  const secrets = readDemoSecrets();
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(secrets.demoEmail);
  await page.getByLabel("Password").fill(secrets.demoPassword);
  await page.getByRole("button", { name: /sign in/i }).click();
  await page.getByRole("link", { name: "demo", exact: true }).click();
  await page.waitForURL(/\/clusters\/[^/]+$/);
}

const agentRow = (page: Page, id: string) =>
  page.getByTestId("agents-table").getByRole("row").filter({ hasText: id });

test("an agent that stops heartbeating is shown as not responding, then serving again", async ({
  page,
}) => {
  test.setTimeout(90_000);
  await signIn(page);
  const id = agentId("agent-0");
  await expect(agentRow(page, id)).toContainText("Serving");
  const pid = childPid("agent-0")!;
  process.kill(pid, "SIGSTOP");
  try {
    // Liveness is 5 s and the page refreshes every 5 s.
    await expect(agentRow(page, id)).toContainText("Not responding", { timeout: 30_000 });
    await expect(page.getByTestId("unresponsive-agents")).toContainText(
      "1 agent has stopped heartbeating",
    );
  } finally {
    process.kill(pid, "SIGCONT");
  }
  await expect(agentRow(page, id)).toContainText("Serving", { timeout: 30_000 });
  await expect(page.getByTestId("unresponsive-agents")).toHaveCount(0);
});

test("an agent killed with SIGKILL is restarted by npm start and shown with its new start", async ({
  page,
}) => {
  test.setTimeout(90_000);
  await signIn(page);
  const id = agentId("agent-0");
  const before = childPid("agent-0")!;
  const started = agentRow(page, id).getByTestId("agent-started");
  const startedBefore = Date.parse((await started.getAttribute("title"))!);
  process.kill(before, "SIGKILL");
  await expect.poll(() => childPid("agent-0") ?? before, { timeout: 60_000 }).not.toBe(before);
  await expect(agentRow(page, id)).toContainText("Serving", { timeout: 30_000 });
  await expect
    .poll(async () => Date.parse((await started.getAttribute("title")) ?? ""), { timeout: 30_000 })
    .toBeGreaterThan(startedBefore);
});
