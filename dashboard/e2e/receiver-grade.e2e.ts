import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { apiClient } from "./support/api.js";
import { type Browser, chromiumAvailable, launchBrowser } from "./support/browser.js";
import { clippedTables } from "./support/layout.js";
import { type Receiver, startReceiver } from "./support/receivers.js";
import { type RunningServer, startServer } from "./support/server.js";

/**
 * The endpoint page's "Grade receiver" button runs the grader against a real receiver (one that
 * answers 200 to everything, so it misses every refusal) and shows the report card.
 */
describe.skipIf(!chromiumAvailable)("dashboard: receiver grade", () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let receiver: Receiver;

  beforeAll(async () => {
    [server, browser, receiver] = await Promise.all([
      startServer(),
      launchBrowser(),
      startReceiver(200, "ok"),
    ]);
    page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await receiver?.close();
  });

  test("grades the endpoint's receiver and shows each miss with its fix", async () => {
    const api = apiClient(server.url, server.adminToken);
    const app = await api<{ id: string }>("POST", "/api/v1/app", { name: "Grades" });
    const ep = await api<{ id: string }>("POST", `/api/v1/app/${app.id}/endpoint`, { url: receiver.url });

    await page.goto(`${server.url}/`);
    await page.getByLabel("API token").fill(server.adminToken);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    await page.goto(`${server.url}/apps/${app.id}/endpoints/${ep.id}`);
    await page.getByRole("button", { name: "Grade receiver" }).click();

    const score = page.getByTestId("grade-score");
    await score.waitFor();
    expect(await score.textContent()).toBe("3/9 correct (33 %)");
    expect(receiver.requests).toHaveLength(9);
    const table = page.getByRole("table", { name: "Receiver grade" });
    expect(await table.locator('tr[data-passed="false"]').count()).toBe(6);
    expect(await table.locator('tr[data-case="valid"]').getAttribute("data-passed")).toBe("true");
    const bad = table.locator('tr[data-case="bad_signature"]');
    expect(await bad.getAttribute("data-passed")).toBe("false");
    expect(await bad.textContent()).toMatch(
      /Accepted \(200\) but should have been refused[\s\S]*HMAC-SHA256/,
    );

    // The fixes wrap: nothing is cut off at 1440 px; on a phone the table scrolls in its box.
    await page.setViewportSize({ width: 1440, height: 900 });
    expect(await clippedTables(page)).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    expect((await clippedTables(page)).filter((line) => line.startsWith("page"))).toEqual([]);

    const audit = await api<{ data: { action: string; resourceId: string }[] }>(
      "GET",
      "/api/v1/audit-log?limit=5",
    );
    expect(audit.data.find((r) => r.action === "endpoint.grade")?.resourceId).toBe(ep.id);
  });
});
