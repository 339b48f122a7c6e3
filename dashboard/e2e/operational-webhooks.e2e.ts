import type { Page } from "playwright-core";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { apiClient, waitFor } from "./support/api.js";
import { type Browser, chromiumAvailable, launchBrowser } from "./support/browser.js";
import { clippedTables } from "./support/layout.js";
import { type Receiver, startReceiver } from "./support/receivers.js";
import { type RunningServer, startServer } from "./support/server.js";

/**
 * The operational webhooks page: an endpoint created from the dashboard shows its signing
 * secret once, receives a signed `endpoint.created` event that then appears among its recent
 * deliveries, and is deleted from the same page.
 */
describe.skipIf(!chromiumAvailable)("dashboard: operational webhooks", () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let receiver: Receiver;

  beforeAll(async () => {
    [server, browser, receiver] = await Promise.all([startServer(), launchBrowser(), startReceiver(200, "{}")]);
    page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
  });

  afterAll(async () => {
    await receiver?.close();
    await browser?.close();
    await server?.stop();
  });

  test("creates an endpoint, shows its secret once, lists its deliveries and deletes it", async () => {
    const api = apiClient(server.url, server.adminToken);
    await page.goto(`${server.url}/`);
    await page.getByLabel("API token").fill(server.adminToken);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    await page.getByRole("link", { name: "Operational webhooks" }).click();
    await page.getByRole("heading", { name: "Operational webhooks" }).waitFor();

    await page.getByRole("button", { name: "New endpoint" }).first().click();
    const dialog = page.getByRole("dialog", { name: "New operational endpoint" });
    await dialog.getByLabel("URL").fill(receiver.url);
    await dialog.getByLabel("endpoint.created").check();
    await dialog.getByRole("button", { name: "Create" }).click();
    const secret = (await dialog.getByTestId("operational-secret").textContent())!;
    expect(secret).toMatch(/^whsec_/);
    await dialog.getByRole("button", { name: "Done" }).click();
    await dialog.waitFor({ state: "hidden" });

    const listed = await api<{ data: { id: string; eventTypes: string[] | null }[] }>("GET", "/api/v1/operational-webhook/endpoint");
    expect(listed.data).toHaveLength(1);
    expect(listed.data[0]!.eventTypes).toEqual(["endpoint.created"]);
    const { key } = await api<{ key: string }>("GET", `/api/v1/operational-webhook/endpoint/${listed.data[0]!.id}/secret`);
    expect(key).toBe(secret);

    const app = await api<{ id: string }>("POST", "/api/v1/app", { name: "Ops" });
    await api("POST", `/api/v1/app/${app.id}/endpoint`, { url: "https://hooks.example.com/x" });
    await waitFor(async () => receiver.requests.length > 0, 15_000, "the operational event");
    const got = receiver.requests[0]!;
    const event = new Webhook(secret).verify(got.body, got.headers as Record<string, string>) as { type: string };
    expect(event.type).toBe("endpoint.created");

    const row = page.locator('tr[data-attempt-status="0"]').first();
    await row.waitFor();
    expect(await row.textContent()).toContain("endpoint.created");
    expect(await clippedTables(page)).toEqual([]);

    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: "Delete" }).click();
    await page.getByText("No operational endpoints").waitFor();
    const after = await api<{ data: unknown[] }>("GET", "/api/v1/operational-webhook/endpoint");
    expect(after.data).toHaveLength(0);
  });
});
