import { createHmac } from "node:crypto";

import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { apiClient, waitFor } from "./support/api.js";
import { type Browser, chromiumAvailable, launchBrowser } from "./support/browser.js";
import { clippedTables } from "./support/layout.js";
import { type Receiver, refusingUrl, startFlakyReceiver } from "./support/receivers.js";
import { type RunningServer, startServer } from "./support/server.js";

/**
 * What the figures mean and where failures show: the success rate is of attempts on the
 * overview and the endpoint page alike, message states are labelled as such, a failed attempt's
 * reason is in its row, failing endpoints carry their application's name and last error, nothing
 * is cut off at 1440 px, and the source dialog edits the allowlist and rate limits with controls.
 */
describe.skipIf(!chromiumAvailable)("dashboard: figures, failure reasons, layout, source form", () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let flaky: Receiver;
  let api: ReturnType<typeof apiClient>;
  let appId = "";
  let flakyEp = "";
  let refusedEp = "";

  beforeAll(async () => {
    [server, flaky, browser] = await Promise.all([startServer(), startFlakyReceiver(2), launchBrowser()]);
    api = apiClient(server.url, server.adminToken);
    page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.url}/`);
    await page.getByLabel("API token").fill(server.adminToken);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Overview" }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([server?.stop(), flaky?.close()]);
  });

  const figure = (p: Page, label: string) =>
    p.locator("dt", { hasText: new RegExp(`^${label}$`) }).locator("..");

  test("one message delivered on its third attempt: 33.3 % of attempts on both pages, 1 message delivered", async () => {
    appId = (await api<{ id: string }>("POST", "/api/v1/app", { name: "Acme Store" })).id;
    flakyEp = (await api<{ id: string }>("POST", `/api/v1/app/${appId}/endpoint`, { url: flaky.url })).id;
    await api("POST", `/api/v1/app/${appId}/msg`, { eventType: "invoice.paid", payload: { n: 1 } });
    await waitFor(async () => flaky.requests.length === 3, 20_000, "the third attempt");

    await page.goto(`${server.url}/apps/${appId}/endpoints/${flakyEp}`);
    const rate = figure(page, "Success rate");
    await waitFor(
      async () => (await rate.textContent())?.includes("33.3"),
      15_000,
      "the endpoint's success rate",
    );
    expect(await rate.textContent()).toContain("of attempts");
    expect(await figure(page, "Attempts").textContent()).toMatch(/^Attempts3\s*2 failed$/);
    expect(await figure(page, "Messages delivered").textContent()).toContain("1");
    expect(await figure(page, "Messages failed").textContent()).toMatch(/^Messages failed0/);

    await page.goto(`${server.url}/`);
    const overviewRate = figure(page, "Success rate");
    await waitFor(
      async () => (await overviewRate.textContent())?.includes("33.3"),
      15_000,
      "the overview's rate",
    );
    expect(await overviewRate.textContent()).toContain("of attempts");
  });

  test("a refused connection shows its reason in the attempt row and on the overview, with the app's name", async () => {
    refusedEp = (
      await api<{ id: string }>("POST", `/api/v1/app/${appId}/endpoint`, { url: await refusingUrl() })
    ).id;
    await api("POST", `/api/v1/app/${appId}/msg`, { eventType: "invoice.paid", payload: { n: 2 } });

    await page.goto(`${server.url}/apps/${appId}/endpoints/${refusedEp}`);
    const reason = page
      .getByRole("table", { name: "Delivery attempts" })
      .locator('tr[data-attempt-status="2"] [data-failure-reason]')
      .first();
    await reason.waitFor();
    expect(await reason.textContent()).toBe("connection refused");
    expect(await reason.getAttribute("title")).toMatch(/ECONNREFUSED/);

    await page.goto(`${server.url}/`);
    const failing = page.getByRole("table", { name: "Failing endpoints" });
    await failing.waitFor();
    const row = failing.locator("tbody tr", { hasText: "connection refused" });
    await row.waitFor();
    expect(await row.getByRole("link", { name: "Acme Store" }).count()).toBe(1);
    expect(await row.textContent()).not.toContain(appId);
  });

  test("the source dialog sets an allowlist and rate-limit windows with form controls", async () => {
    await page.goto(`${server.url}/apps/${appId}/sources`);
    await page.getByRole("button", { name: "Add source" }).first().click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill("Billing");
    await dialog.getByLabel("Provider", { exact: true }).selectOption("hmac");
    await dialog.getByLabel("Provider settings (JSON)").fill('{"secret":"s3cret","header":"X-Signature"}');
    await dialog.getByRole("button", { name: "Add range" }).click();
    await dialog.getByLabel("Allowed range 1", { exact: true }).fill("127.0.0.0/8");
    await dialog.getByRole("checkbox", { name: /Set my own limits/ }).check();
    await dialog.getByRole("button", { name: "Add window" }).click();
    await dialog.getByLabel("Rate limit 1 requests").fill("0");
    await dialog.getByLabel("Rate limit 1 seconds").fill("60");
    await dialog.getByRole("button", { name: "Create source" }).click();
    expect(await dialog.getByRole("alert").textContent()).toMatch(/Rate limit 1: requests/);
    await dialog.getByLabel("Rate limit 1 requests").fill("100");
    await dialog.getByRole("button", { name: "Create source" }).click();
    await page.waitForURL(/\/sources\/src_/);
    const sourceId = /\/sources\/([^/?#]+)/.exec(page.url())![1]!;
    const stored = await api<{ config: Record<string, unknown> }>(
      "GET",
      `/api/v1/app/${appId}/source/${sourceId}`,
    );
    expect(stored.config.ipAllowlist).toEqual(["127.0.0.0/8"]);
    expect(stored.config.rateLimits).toEqual([{ points: 100, durationSeconds: 60 }]);

    // Editing shows the stored values in the same controls; clearing the checkbox returns to the
    // provider's limits.
    await page.getByRole("button", { name: "Edit", exact: true }).click();
    const edit = page.getByRole("dialog");
    expect(await edit.getByLabel("Allowed range 1", { exact: true }).inputValue()).toBe("127.0.0.0/8");
    expect(await edit.getByLabel("Rate limit 1 requests").inputValue()).toBe("100");
    await edit.getByRole("button", { name: "Add range" }).click();
    await edit.getByLabel("Allowed range 2", { exact: true }).fill("198.51.100.7");
    await edit.getByRole("button", { name: /^Save/ }).click();
    await waitFor(
      async () =>
        (await api<{ config: { ipAllowlist: string[] } }>("GET", `/api/v1/app/${appId}/source/${sourceId}`))
          .config.ipAllowlist.length === 2,
      10_000,
      "the second range",
    );
    // A rejected request, so the source page's log has a Re-process button for the layout check.
    const body = '{"type":"invoice.paid"}';
    await fetch(`${server.url}/ingest/${sourceId}`, {
      method: "POST",
      headers: { "x-signature": createHmac("sha256", "wrong").update(body).digest("hex") },
      body,
    });
  });

  test("at 1440×900 no table is cut off", async () => {
    const paths = [
      "/",
      `/apps/${appId}`,
      `/apps/${appId}/endpoints/${flakyEp}`,
      `/apps/${appId}/endpoints/${refusedEp}`,
      `/apps/${appId}/messages`,
      `/apps/${appId}/queue`,
      `/apps/${appId}/sources`,
      "/inbound",
      "/tokens",
      "/audit",
    ];
    await api("POST", "/api/v1/token", { name: "A token with a rather long descriptive name for CI" });
    const sources = await api<{ data: { id: string }[] }>("GET", `/api/v1/app/${appId}/source`);
    paths.push(`/apps/${appId}/sources/${sources.data[0]!.id}`);
    const msgs = await api<{ data: { id: string }[] }>("GET", `/api/v1/app/${appId}/msg`);
    paths.push(`/apps/${appId}/messages/${msgs.data[0]!.id}`);
    const clipped: string[] = [];
    for (const path of paths) {
      await page.goto(`${server.url}${path}`);
      await page.locator("main table, main h2, main h1").first().waitFor();
      await page.waitForTimeout(700);
      clipped.push(...(await clippedTables(page)).map((c) => `${path} ${c}`));
    }
    expect(clipped).toEqual([]);
  });

  test("at 390×844 the endpoint figures and the source form fit the screen", async () => {
    // The same tab (the session lives in sessionStorage), narrowed to a phone.
    const phone = page;
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${server.url}/apps/${appId}/endpoints/${flakyEp}`);
    await figure(phone, "Success rate").waitFor();
    const width = () => phone.evaluate(() => document.documentElement.scrollWidth);
    expect(await width()).toBeLessThanOrEqual(390);
    await phone.goto(`${server.url}/apps/${appId}/sources`);
    await phone.getByRole("button", { name: "Add source" }).first().click();
    await phone
      .getByRole("dialog")
      .getByRole("checkbox", { name: /Set my own limits/ })
      .check();
    await phone.getByRole("dialog").getByRole("button", { name: "Add window" }).click();
    const box = await phone.getByLabel("Rate limit 1 seconds").boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    expect(await width()).toBeLessThanOrEqual(390);
    await phone.setViewportSize({ width: 1440, height: 900 });
  });
});
