import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { parseCsv } from "../src/lib/csv.js";
import { CSV_HEADER } from "../src/pages/messages/csvExport.js";
import { apiClient, waitFor } from "./support/api.js";
import { type Browser, chromiumAvailable, launchBrowser } from "./support/browser.js";
import { type Receiver, startReceiver } from "./support/receivers.js";
import { type RunningServer, startServer } from "./support/server.js";

/**
 * The operator's whole loop against the real server: sign in, create an application and two
 * endpoints (one healthy, one failing loopback receiver), send messages, watch the failures
 * appear, resend one and a filtered selection, export CSV, then open the consumer portal and
 * check another application stays invisible. The steps share one browser tab, in order.
 */
describe.skipIf(!chromiumAvailable)("dashboard end to end", () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let healthy: Receiver;
  let failing: Receiver;
  let api: ReturnType<typeof apiClient>;
  let appId = "";
  let healthyEp = "";
  let failingEp = "";
  const msgIds: string[] = [];
  const tricky = { note: 'comma, "quote" and\nnewline', n: 0 };

  beforeAll(async () => {
    [server, healthy, failing, browser] = await Promise.all([
      startServer(),
      startReceiver(200, '{"ok":true}'),
      startReceiver(500, '{"error":"receiver exploded"}'),
      launchBrowser(),
    ]);
    api = apiClient(server.url, server.adminToken);
    page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([server?.stop(), healthy?.close(), failing?.close()]);
  });

  test("signs in with an API token", async () => {
    await page.goto(`${server.url}/`);
    await page.getByLabel("API token").fill("wrong-token-0000000000");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").waitFor();
    expect(await page.getByRole("alert").textContent()).toMatch(/token/i);
    await page.getByLabel("API token").fill(server.adminToken);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem("hookrelay.token"))).toBe(server.adminToken);
  });

  test("creates an application", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Applications" }).click();
    await page.getByRole("button", { name: "New application" }).first().click();
    await page.getByRole("dialog").getByLabel("Name").fill("Acme Store");
    await page.getByRole("button", { name: "Create application" }).click();
    await page.getByRole("heading", { name: "Acme Store" }).waitFor();
    appId = /\/apps\/([^/]+)/.exec(page.url())?.[1] ?? "";
    expect(appId).toMatch(/^app_/);
  });

  async function addEndpoint(url: string, description: string): Promise<string> {
    await page.goto(`${server.url}/apps/${appId}`);
    await page.getByRole("button", { name: "Add endpoint" }).first().click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Endpoint URL").fill(url);
    await dialog.getByLabel("Description").fill(description);
    await dialog.getByRole("button", { name: "Create endpoint" }).click();
    await page.waitForURL(/\/endpoints\/ep_/);
    await page.getByRole("heading", { name: url }).waitFor();
    return /\/endpoints\/([^/?#]+)/.exec(page.url())?.[1] ?? "";
  }

  test("creates a healthy and a failing endpoint", async () => {
    healthyEp = await addEndpoint(healthy.url, "healthy receiver");
    failingEp = await addEndpoint(failing.url, "failing receiver");
    expect(healthyEp).toMatch(/^ep_/);
    expect(failingEp).toMatch(/^ep_/);
    await page.goto(`${server.url}/apps/${appId}`);
    const rows = page.getByRole("table", { name: "Endpoints" }).locator("tbody tr");
    await waitFor(async () => (await rows.count()) === 2, 10_000, "two endpoint rows");
  });

  test("shows failures appear after messages are sent", async () => {
    for (let i = 0; i < 3; i++) {
      const msg = await api<{ id: string }>("POST", `/api/v1/app/${appId}/msg`, {
        eventType: "order.created",
        payload: { ...tricky, n: i },
      });
      msgIds.push(msg.id);
    }
    await page.goto(`${server.url}/apps/${appId}/messages`);
    await waitFor(
      async () => (await page.locator("tr[data-msg-id]").count()) === 3,
      15_000,
      "three messages listed",
    );

    // Filter to the failing endpoint and failed status: rows appear once retries (1 s, 1 s) run out.
    await page.getByLabel("Endpoint").selectOption({ label: failing.url });
    await page.getByLabel("Delivery status").selectOption("fail");
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(/status=fail/);
    await waitFor(
      async () => (await page.locator('tr[data-msg-id] [data-status="fail"]').count()) === 3,
      30_000,
      "three failed messages on the failing endpoint",
    );

    // The overview lists the failing endpoint (live: it polls every 5 s).
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Overview" }).click();
    await page
      .getByRole("table", { name: "Failing endpoints" })
      .getByText(failing.url)
      .waitFor({ timeout: 20_000 });

    // The dead-letter tab of the retry queue holds the exhausted deliveries.
    await page.goto(`${server.url}/apps/${appId}/queue`);
    await page.getByRole("button", { name: "Exhausted (dead letter)" }).click();
    const queued = page.getByRole("table", { name: "Queued deliveries" }).locator("tbody tr");
    await waitFor(async () => (await queued.count()) === 3, 15_000, "three exhausted deliveries");
  });

  test("shows a message's attempts and resends one", async () => {
    const msgId = msgIds[0]!;
    await page.goto(`${server.url}/apps/${appId}/messages/${msgId}`);
    const destinations = page.getByRole("table", { name: "Destinations" });
    await destinations.locator('[data-status="success"]').waitFor();
    await destinations.locator('[data-status="fail"]').waitFor();
    const attemptRows = page
      .getByRole("table", { name: "Delivery attempts" })
      .locator("tbody tr[data-attempt-status]");
    await waitFor(async () => (await attemptRows.count()) === 4, 15_000, "1 + 3 attempts");

    // The response body and status code of a failed attempt.
    await page
      .getByRole("table", { name: "Delivery attempts" })
      .locator('tr[data-attempt-status="2"]')
      .first()
      .getByRole("button", { name: "Response" })
      .click();
    await page.getByText("receiver exploded").first().waitFor();

    const before = failing.requests.length;
    await page.getByRole("button", { name: `Resend to ${failing.url}` }).click();
    await waitFor(
      async () => failing.requests.length > before,
      15_000,
      "the resend to reach the failing receiver",
    );
    await waitFor(async () => (await attemptRows.count()) >= 5, 15_000, "the manual attempt listed");
    expect(
      await page.getByRole("table", { name: "Delivery attempts" }).getByText("Manual").count(),
    ).toBeGreaterThan(0);
  });

  test("bulk-resends a filtered selection", async () => {
    await page.goto(`${server.url}/apps/${appId}/messages?endpoint=${failingEp}&status=fail`);
    await waitFor(
      async () => (await page.locator("tr[data-msg-id]").count()) >= 2,
      30_000,
      "failed messages listed",
    );
    const count = await page.locator("tr[data-msg-id]").count();
    await page.getByLabel("Select all loaded messages").check();
    await page.getByRole("button", { name: `Resend selected (${count})` }).click();
    const before = failing.requests.length;
    await page
      .getByRole("dialog")
      .getByRole("button", { name: `Resend ${count}` })
      .click();
    await page.getByRole("dialog").getByText(`${count} resend(s) queued`).waitFor({ timeout: 20_000 });
    await waitFor(async () => failing.requests.length >= before + count, 15_000, "every resend delivered");
    await page.getByRole("dialog").getByRole("button", { name: "Close" }).first().click();
  });

  test("exports the filtered list as CSV", async () => {
    await page.goto(`${server.url}/apps/${appId}/messages?eventType=order.created`);
    await waitFor(
      async () => (await page.locator("tr[data-msg-id]").count()) === 3,
      15_000,
      "messages listed",
    );
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export CSV" }).click(),
    ]);
    const file = join(mkdtempSync(join(tmpdir(), "hookrelay-csv-")), download.suggestedFilename());
    await download.saveAs(file);
    expect(download.suggestedFilename()).toMatch(/^messages-app_.*\.csv$/);
    const rows = parseCsv(readFileSync(file, "utf8"));
    expect(rows[0]).toEqual([...CSV_HEADER]);
    const body = rows.slice(1);
    expect(body.map((r) => r[0]).sort()).toEqual([...msgIds].sort());
    for (const row of body) {
      expect(row[1]).toBe("order.created");
      const payload = JSON.parse(row[7] ?? "") as typeof tricky;
      expect(payload.note).toBe(tricky.note);
      expect(msgIds[payload.n]).toBe(row[0]);
    }
  });

  test("opens the consumer portal limited to one application", async () => {
    const other = await api<{ id: string }>("POST", "/api/v1/app", { name: "Globex Secret Corp" });
    await api("POST", `/api/v1/app/${other.id}/endpoint`, {
      url: healthy.url,
      description: "globex endpoint",
    });
    await api("POST", `/api/v1/app/${other.id}/msg`, {
      eventType: "globex.only",
      payload: { secret: "globex" },
    });

    await page.goto(`${server.url}/apps/${appId}`);
    await page.getByRole("button", { name: "Consumer portal" }).click();
    const urlInput = page.getByLabel("Portal URL");
    await urlInput.waitFor();
    const portalUrl = await urlInput.inputValue();
    expect(portalUrl).toMatch(/\/portal#token=/);

    // A new tab has its own sessionStorage, like a customer opening the link.
    const portal = await browser.context.newPage();
    await portal.goto(portalUrl);
    await portal.getByRole("heading", { name: "Acme Store" }).waitFor();
    expect(portal.url()).not.toContain("token=");
    const nav = portal.getByRole("navigation", { name: "Main" });
    expect(await nav.getByRole("link", { name: "Applications" }).count()).toBe(0);
    expect(await nav.getByRole("link", { name: "API tokens" }).count()).toBe(0);
    expect(await nav.getByRole("link", { name: "Messages" }).count()).toBe(1);
    await portal.getByRole("table", { name: "Endpoints" }).getByText(failing.url).waitFor();

    await portal.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Messages" }).click();
    await waitFor(
      async () => (await portal.locator("tr[data-msg-id]").count()) === 3,
      15_000,
      "portal messages",
    );

    // Other applications and global pages redirect back to the portal's application.
    for (const path of [`/apps/${other.id}`, `/apps/${other.id}/messages`, "/tokens", "/apps", "/"]) {
      await portal.goto(`${server.url}${path}`);
      await portal.waitForURL(new RegExp(`/apps/${appId}$`));
      await portal.getByRole("heading", { name: "Acme Store" }).waitFor();
    }
    expect(await portal.content()).not.toContain("Globex");

    // And the API itself refuses the portal token for the other application.
    const status = await portal.evaluate(async (id) => {
      const token = sessionStorage.getItem("hookrelay.token");
      return (await fetch(`/api/v1/app/${id}/msg`, { headers: { Authorization: `Bearer ${token}` } })).status;
    }, other.id);
    expect([403, 404]).toContain(status);
    await portal.close();
  });

  test("a read-only portal session shows no write controls", async () => {
    const access = await api<{ url: string }>("POST", `/api/v1/auth/app-portal-access/${appId}`, {
      readOnly: true,
    });
    const portal = await browser.context.newPage();
    await portal.goto(access.url);
    await portal.getByRole("heading", { name: "Acme Store" }).waitFor();
    await portal.getByRole("table", { name: "Endpoints" }).getByText(failing.url).waitFor();
    expect(await portal.getByRole("button", { name: "Add endpoint" }).count()).toBe(0);
    await portal.goto(`${server.url}/apps/${appId}/endpoints/${healthyEp}`);
    await portal.getByRole("heading", { name: healthy.url }).waitFor();
    for (const name of ["Edit", "Delete", "Disable", "Reveal", "Save headers"]) {
      expect(await portal.getByRole("button", { name, exact: true }).count(), name).toBe(0);
    }
    await portal.goto(`${server.url}/apps/${appId}/messages`);
    await portal.locator("tr[data-msg-id]").first().waitFor();
    expect(await portal.getByRole("button", { name: /Resend/ }).count()).toBe(0);
    await portal.close();
  });
  test("on a phone (390×844) the navigation folds behind a menu button, the portal first", async () => {
    const access = await api<{ url: string }>("POST", `/api/v1/auth/app-portal-access/${appId}`, {});
    const phone = await browser.context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(access.url);
    await phone.getByRole("heading", { name: "Acme Store" }).waitFor();
    const nav = phone.getByRole("navigation", { name: "Main" });
    expect(await nav.isVisible()).toBe(false);
    // The content has the width: the endpoints table starts near the left edge, not after a sidebar.
    const table = await phone.getByRole("table", { name: "Endpoints" }).boundingBox();
    expect(table!.x).toBeLessThan(40);
    await phone.getByRole("button", { name: "Menu" }).click();
    expect(await nav.isVisible()).toBe(true);
    await nav.getByRole("link", { name: "Messages" }).click();
    await phone.locator("tr[data-msg-id]").first().waitFor();
    expect(await nav.isVisible()).toBe(false);
    await phone.close();
  });

  test("manages an endpoint: edit, headers, secret, test event, disable", async () => {
    page.on("dialog", (d) => void d.accept());
    // The order.* event types are registered with the first delivery-platform source, as a
    // food-delivery install would have; a fresh install has none.
    await api("POST", `/api/v1/app/${appId}/source`, {
      name: "Careem",
      provider: "careem",
      config: { secret: "careem_secret" },
    });
    await page.goto(`${server.url}/apps/${appId}/endpoints/${healthyEp}`);
    await page.getByRole("heading", { name: healthy.url }).waitFor();

    // Edit: event-type filter and rate limit.
    await page.getByRole("button", { name: "Edit", exact: true }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Add event type").fill("order.created");
    await dialog.getByRole("button", { name: "Add", exact: true }).click();
    await dialog.getByLabel("Rate limit (per second)").fill("25");
    await dialog.getByRole("button", { name: "Save changes" }).click();
    await page.getByText("25 / s").waitFor();
    const stored = await api<{ filterTypes: string[] | null; rateLimit: number | null }>(
      "GET",
      `/api/v1/app/${appId}/endpoint/${healthyEp}`,
    );
    expect(stored.filterTypes).toEqual(["order.created"]);
    expect(stored.rateLimit).toBe(25);

    // Custom headers.
    await page.getByRole("button", { name: "Add header" }).click();
    await page.getByLabel("Header 1 name").fill("X-Tenant");
    await page.getByLabel("Header 1 value").fill("acme");
    await page.getByRole("button", { name: "Save headers" }).click();
    await page.getByText("Headers saved.").waitFor();
    const headers = await api<{ headers: Record<string, string> }>(
      "GET",
      `/api/v1/app/${appId}/endpoint/${healthyEp}/headers`,
    );
    expect(headers.headers["X-Tenant"]).toBe("acme");

    // Secret: reveal, rotate, reveal again.
    await page.getByRole("button", { name: "Reveal" }).click();
    const secretBox = page.getByLabel("Signing secret");
    await waitFor(
      async () =>
        (await secretBox.textContent())?.startsWith("whsec_") &&
        !(await secretBox.textContent())?.includes("•"),
      10_000,
      "the secret",
    );
    const first = await secretBox.textContent();
    await page.getByRole("button", { name: "Rotate" }).click();
    await page.getByText("Secret rotated.").waitFor();
    await waitFor(async () => (await secretBox.textContent()) !== first, 10_000, "the rotated secret");

    // Send a test event: it reaches the receiver, signed.
    const before = healthy.requests.length;
    await page.getByLabel("Event type", { exact: true }).selectOption("order.created");
    await page.getByRole("button", { name: "Send test event" }).click();
    await page.getByText(/^Sent/).waitFor();
    await waitFor(async () => healthy.requests.length > before, 15_000, "the test event");
    expect(healthy.requests.at(-1)?.headers["webhook-signature"]).toMatch(/^v1,/);
    expect(healthy.requests.at(-1)?.headers["x-tenant"]).toBe("acme");

    // Disable and enable again.
    await page.getByRole("button", { name: "Disable" }).click();
    await page.getByText("Disabled", { exact: true }).first().waitFor();
    await page.getByRole("button", { name: "Enable" }).click();
    await page.getByText("Enabled", { exact: true }).first().waitFor();
  });

  test("edits retry schedules on the endpoint, application and event-type pages", async () => {
    type Schedule = { retrySchedule: { secs: number; nanos: number }[] | null };
    const secs = (s: Schedule) => s.retrySchedule?.map((d) => d.secs) ?? null;

    // Endpoint: a typed schedule with units, then "no retries".
    await page.goto(`${server.url}/apps/${appId}/endpoints/${healthyEp}`);
    const endpointForm = page.getByRole("form", { name: "Retry schedule of this endpoint" });
    await endpointForm.getByText(/None of its own/).waitFor();
    await endpointForm.getByLabel("Waits before each retry").fill("10, 5m, 2h");
    await endpointForm.getByRole("button", { name: "Save schedule" }).click();
    await endpointForm.getByText("4 attempts: 10s, 5m, 2h.").waitFor();
    expect(
      secs(await api<Schedule>("GET", `/api/v1/app/${appId}/endpoint/${healthyEp}/retry-schedule`)),
    ).toEqual([10, 300, 7200]);
    await endpointForm.getByLabel("Waits before each retry").fill("0");
    await endpointForm.getByRole("button", { name: "Save schedule" }).click();
    await endpointForm.getByText(/between 1 second and 7 days/).waitFor();
    await endpointForm.getByRole("button", { name: "No retries" }).click();
    await endpointForm.getByText("No retries: one attempt only.").waitFor();
    expect(
      secs(await api<Schedule>("GET", `/api/v1/app/${appId}/endpoint/${healthyEp}/retry-schedule`)),
    ).toEqual([]);

    // Application: under its endpoints; then inherit again.
    await page.goto(`${server.url}/apps/${appId}`);
    const appForm = page.getByRole("form", { name: "Retry schedule of this application" });
    await appForm.getByLabel("Waits before each retry").fill("30 1h");
    await appForm.getByRole("button", { name: "Save schedule" }).click();
    await appForm.getByText("3 attempts: 30s, 1h.").waitFor();
    expect(secs(await api<Schedule>("GET", `/api/v1/app/${appId}/retry-schedule`))).toEqual([30, 3600]);
    await appForm.getByRole("button", { name: "Inherit" }).click();
    await appForm.getByText(/None of its own/).waitFor();
    expect(secs(await api<Schedule>("GET", `/api/v1/app/${appId}/retry-schedule`))).toBeNull();

    // Event type: behind the row's "Retries" button.
    await page.goto(`${server.url}/event-types`);
    const row = page.locator("li", { has: page.getByText("order.created", { exact: true }) });
    await row.getByRole("button", { name: "Retries" }).click();
    const typeForm = row.getByRole("form", { name: "Retry schedule of this event type" });
    await typeForm.getByLabel("Waits before each retry").fill("1m");
    await typeForm.getByRole("button", { name: "Save schedule" }).click();
    await typeForm.getByText("2 attempts: 1m.").waitFor();
    expect(secs(await api<Schedule>("GET", "/api/v1/event-type/order.created/retry-schedule"))).toEqual([60]);
  });
});
