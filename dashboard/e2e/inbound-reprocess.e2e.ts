import { createHmac } from "node:crypto";

import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { apiClient } from "./support/api.js";
import { type Browser, chromiumAvailable, launchBrowser } from "./support/browser.js";
import { type RunningServer, startServer } from "./support/server.js";

/**
 * Forcing a rejected inbound call through from the request log: the dashboard asks first,
 * showing why the call was rejected, and only then sends `force`; the request's detail then
 * lists the re-process as forced, with the message it made.
 */
describe.skipIf(!chromiumAvailable)("dashboard: forced re-process of a rejected request", () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("asks with the rejection reason, then forces and records it", async () => {
    const api = apiClient(server.url, server.adminToken);
    const app = await api<{ id: string }>("POST", "/api/v1/app", { name: "Reprocess" });
    const source = await api<{ id: string }>("POST", `/api/v1/app/${app.id}/source`, {
      name: "careem",
      provider: "careem",
      config: { secret: "careem_secret" },
    });
    const body = JSON.stringify({ event_type: "order.created", data: { order: { id: "forged" } } });
    const ts = String(Math.floor(Date.now() / 1000));
    const forged = await fetch(`${server.url}/ingest/${source.id}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-careem-timestamp": ts,
        "x-careem-signature": createHmac("sha256", "not the secret").update(`${ts}.${body}`).digest("hex"),
      },
      body,
    });
    expect(forged.status).toBe(401);

    await page.goto(`${server.url}/`);
    await page.getByLabel("API token").fill(server.adminToken);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    await page.goto(`${server.url}/apps/${app.id}/sources/${source.id}`);
    const row = page.locator('tr[data-request-status="rejected"]').first();
    await row.waitFor();
    await row.getByRole("button", { name: /^Re-process/ }).click();

    const dialog = page.getByRole("dialog", { name: "Force re-process a rejected request?" });
    await dialog.waitFor();
    expect(await dialog.getByTestId("reject-reason").textContent()).toBe("invalid_signature");
    // Cancelling sends nothing.
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    const none = await api<{ data: unknown[] }>("GET", `/api/v1/app/${app.id}/msg`);
    expect(none.data).toHaveLength(0);

    await row.getByRole("button", { name: /^Re-process/ }).click();
    await dialog.getByRole("button", { name: "Force re-process" }).click();
    await dialog.waitFor({ state: "hidden" });
    const messages = await api<{ data: { id: string }[] }>("GET", `/api/v1/app/${app.id}/msg`);
    expect(messages.data).toHaveLength(1);

    await row.getByRole("button").first().click();
    const links = page.getByRole("list", { name: /^Re-processes of / });
    await links.waitFor();
    expect(await links.textContent()).toContain(messages.data[0]!.id);
    expect(await links.textContent()).toContain("forced");
  });
});
