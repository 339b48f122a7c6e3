import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { apiClient, waitFor } from "./support/api.js";
import { type Browser, chromiumAvailable, launchBrowser } from "./support/browser.js";
import { type RunningServer, startServer } from "./support/server.js";

/**
 * A polling endpoint from the dashboard: created without a URL from the "Add endpoint" dialog,
 * named by its poll path, and its page lists the consumers that polled it with their positions
 * instead of the delivery cards (example, secret, recover, headers).
 */
describe.skipIf(!chromiumAvailable)("dashboard: polling endpoint", () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    // No safety lag: the consumer below reads the message it just sent.
    [server, browser] = await Promise.all([
      startServer({ HOOKRELAY_POLLER_SAFETY_LAG_MS: "0" }),
      launchBrowser(),
    ]);
    page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("creates a polling endpoint and shows its consumers' positions", async () => {
    const api = apiClient(server.url, server.adminToken);
    const app = await api<{ id: string }>("POST", "/api/v1/app", { name: "Pull" });

    await page.goto(`${server.url}/`);
    await page.getByLabel("API token").fill(server.adminToken);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    await page.goto(`${server.url}/apps/${app.id}`);
    await page.getByRole("button", { name: "Add endpoint" }).first().click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Polling endpoint").check();
    expect(await dialog.getByLabel("Endpoint URL").count()).toBe(0);
    await dialog.getByRole("button", { name: "Create endpoint" }).click();
    await page.waitForURL(/\/endpoints\/ep_/);
    const endpointId = /\/endpoints\/([^/?#]+)/.exec(page.url())?.[1] ?? "";

    const card = page.locator("section", { hasText: "Polling consumers" });
    await card.getByText("No consumer has polled yet").waitFor();
    expect(await page.getByRole("heading", { level: 2 }).first().textContent()).toBe(
      `/api/v1/app/${app.id}/poller/${endpointId}`,
    );
    expect(await page.getByText("Recover failed messages").count()).toBe(0);
    expect(await page.getByText("Delivery attempts").count()).toBe(0);

    await api("POST", `/api/v1/app/${app.id}/msg`, { eventType: "invoice.paid", payload: { n: 1 } });
    await new Promise((r) => setTimeout(r, 5));
    const polled = await api<{ data: unknown[] }>(
      "GET",
      `/api/v1/app/${app.id}/poller/${endpointId}/consumer/nightly`,
    );
    expect(polled.data).toHaveLength(1);

    await page.reload();
    const table = page.getByRole("table", { name: "Polling consumers" });
    await waitFor(async () => (await table.count()) > 0, 10_000, "the consumers table");
    expect(await table.getByRole("cell", { name: "nightly" }).count()).toBe(1);
  });
});
