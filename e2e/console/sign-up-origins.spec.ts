/**
 * Sign-up works at every address the console answers on, not only the one it was started with:
 * localhost, 127.0.0.1 and a non-loopback address of this machine (better-auth's trusted origin
 * is the address the browser used, issue 17).
 */
import { randomBytes } from "node:crypto";
import { networkInterfaces } from "node:os";
import { expect, test } from "@playwright/test";
import { e2ePorts } from "../platform/ports.ts";

const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i?.family === "IPv4" && !i.internal)?.address;

for (const host of ["localhost", "127.0.0.1", lanAddress ?? "non-loopback address"]) {
  test(`sign up at http://${host}:${e2ePorts.web}`, async ({ browser }) => {
    test.skip(host === "non-loopback address", "this machine has no non-loopback IPv4 address");
    const context = await browser.newContext({ baseURL: `http://${host}:${e2ePorts.web}` });
    const page = await context.newPage();
    const run = randomBytes(3).toString("hex");
    await page.goto("/sign-up");
    await page.getByLabel("Name").fill(`Origin ${run}`);
    await page.getByLabel("Email").fill(`origin-${run}@e2e.test`);
    await page.getByLabel("Password").fill("origin-password-1");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByRole("heading", { name: "Clusters" })).toBeVisible({ timeout: 30_000 });
    await expect(page.getByText("Invalid origin")).toHaveCount(0);
    expect(new URL(page.url()).host).toBe(`${host}:${e2ePorts.web}`);
    await context.close();
  });
}
