import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { apiClient, waitFor } from "./support/api.js";
import { type Browser, chromiumAvailable, launchBrowser } from "./support/browser.js";
import { type Receiver, startReceiver } from "./support/receivers.js";
import { type RunningServer, startServer } from "./support/server.js";
import { signIn } from "./support/sign-in.js";

const OUT = process.env.FILTER_SCREENSHOT_DIR ?? mkdtempSync(join(tmpdir(), "hookrelay-filter-"));

/**
 * The endpoint page shows the content filter and edits it as JSON: a syntax error is shown
 * before anything is sent, the server's 422 (an unknown operator) is shown with where it is, and
 * a valid filter is saved, shown, and then decides which messages the receiver gets.
 */
describe.skipIf(!chromiumAvailable)("content filter on the endpoint page", () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let receiver: Receiver;

  beforeAll(async () => {
    [server, receiver, browser] = await Promise.all([startServer({}), startReceiver(200, "ok"), launchBrowser()]);
    page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([server?.stop(), receiver?.close()]);
  });

  test("shows, validates and saves the filter; the receiver then gets matching messages only", async () => {
    const api = apiClient(server.url, server.adminToken);
    const app = await api<{ id: string }>("POST", "/api/v1/app", { name: "Filters" });
    const ep = await api<{ id: string }>("POST", `/api/v1/app/${app.id}/endpoint`, { url: receiver.url });
    await signIn(page, server);
    await page.goto(`${server.url}/apps/${app.id}/endpoints/${ep.id}`);
    await page.getByText("None (every payload)").waitFor();

    await page.getByRole("button", { name: "Edit" }).click();
    const field = page.getByLabel("Content filter");
    const save = page.getByRole("button", { name: "Save changes" });

    // Not JSON: said at once, and the form cannot be sent.
    await field.fill('{"amount": }');
    expect(await page.locator("[data-filter-error]").textContent()).toMatch(/Not valid JSON/);
    expect(await save.isDisabled()).toBe(true);
    await field.fill("[1, 2]");
    expect(await page.locator("[data-filter-error]").textContent()).toMatch(/JSON object/);

    // JSON, but an operator the server does not know: its 422 is shown with the path.
    await field.fill('{"amount": {"$like": "1%"}}');
    expect(await save.isDisabled()).toBe(false);
    await save.click();
    await page.getByText(/filter\.amount\.\$like: Unknown operator \$like/).waitFor();
    await page.screenshot({ path: join(OUT, "content-filter-error.png") });

    await field.fill('{"amount": {"$gte": 100}, "currency": {"$in": ["EUR", "USD"]}}');
    await save.click();
    const shown = page.locator("[data-content-filter]");
    await shown.waitFor();
    expect(JSON.parse((await shown.textContent()) ?? "")).toEqual({ amount: { $gte: 100 }, currency: { $in: ["EUR", "USD"] } });
    await page.screenshot({ path: join(OUT, "content-filter-saved.png") });
    const saved = await api<{ filter: unknown }>("GET", `/api/v1/app/${app.id}/endpoint/${ep.id}`);
    expect(saved.filter).toEqual({ amount: { $gte: 100 }, currency: { $in: ["EUR", "USD"] } });

    const payloads = [
      { amount: 50, currency: "EUR" },
      { amount: 150, currency: "GBP" },
      { amount: 150, currency: "USD" },
    ];
    for (const payload of payloads) await api("POST", `/api/v1/app/${app.id}/msg`, { eventType: "order.paid", payload });
    await waitFor(async () => receiver.requests.length >= 1, 20_000, "the matching delivery");
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.requests.map((r) => JSON.parse(r.body) as unknown)).toEqual([{ amount: 150, currency: "USD" }]);

    // Emptying the field removes the filter.
    await page.getByRole("button", { name: "Edit" }).click();
    await page.getByLabel("Content filter").fill("");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText("None (every payload)").waitFor();
  });
});
