import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { Page } from "playwright-core";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { apiClient, waitFor } from "./support/api.js";
import { type Browser, chromiumAvailable, launchBrowser } from "./support/browser.js";
import { type Receiver, startReceiver } from "./support/receivers.js";
import { REPO_ROOT, type RunningServer, startServer } from "./support/server.js";

// The committed screenshots change only when asked for; ordinary runs write to a temp dir.
const OUT = process.env.UPDATE_SCREENSHOTS
  ? join(REPO_ROOT, "docs/screenshots")
  : mkdtempSync(join(tmpdir(), "hookrelay-screenshots-"));

/**
 * Seeds realistic data through the API, then visits every page at 1440×900 (and the main ones
 * at 390×844) and saves a screenshot to docs/screenshots/. Doubles as a smoke test: each page must render its heading
 * without an uncaught error.
 */
describe.skipIf(!chromiumAvailable)("screenshots of every page", () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let healthy: Receiver;
  let failing: Receiver;
  const pageErrors: string[] = [];
  const ids = { app: "", other: "", healthyEp: "", failingEp: "", msg: "", source: "" };

  beforeAll(async () => {
    [server, healthy, failing, browser] = await Promise.all([
      // The dead-letter pages need the failing endpoint's deliveries exhausted, which its circuit
      // opening would hold back (the circuit has its own browser test).
      startServer({ HOOKRELAY_CIRCUIT_FAILURE_THRESHOLD: "0", HOOKRELAY_CIRCUIT_FAILURE_RATE_PERCENT: "0" }),
      startReceiver(200, '{"received":true}'),
      startReceiver(500, '{"error":"upstream unavailable","retryable":true}'),
      launchBrowser(),
    ]);
    mkdirSync(OUT, { recursive: true });
    const api = apiClient(server.url, server.adminToken);

    const schema = {
      type: "object",
      properties: { invoiceId: { type: "string" }, total: { type: "number" }, currency: { type: "string" } },
      required: ["invoiceId", "total"],
    };
    // A fresh install has no event types (the food-delivery catalog comes with a delivery-platform
    // source); add some of our own.
    await api("POST", "/api/v1/event-type", {
      name: "invoice.created",
      description: "An invoice was issued",
      schemas: { "1": schema },
    });
    await api("POST", "/api/v1/event-type", {
      name: "invoice.paid",
      description: "Payment for an invoice was captured",
    });
    await api("POST", "/api/v1/event-type", {
      name: "invoice.voided",
      description: "An invoice was cancelled before payment",
    });

    const app = await api<{ id: string }>("POST", "/api/v1/app", { name: "Acme Store", uid: "acme" });
    const other = await api<{ id: string }>("POST", "/api/v1/app", { name: "Globex" });
    ids.app = app.id;
    ids.other = other.id;
    const ep1 = await api<{ id: string }>("POST", `/api/v1/app/${app.id}/endpoint`, {
      url: healthy.url,
      description: "Order sync (production)",
      filterTypes: ["invoice.created", "invoice.paid"],
    });
    const ep2 = await api<{ id: string }>("POST", `/api/v1/app/${app.id}/endpoint`, {
      url: failing.url,
      description: "Legacy ERP bridge",
    });
    ids.healthyEp = ep1.id;
    ids.failingEp = ep2.id;
    await api("PUT", `/api/v1/app/${app.id}/endpoint/${ep1.id}/headers`, { headers: { "X-Tenant": "acme" } });
    await api("POST", `/api/v1/app/${other.id}/endpoint`, { url: healthy.url });

    const types = ["invoice.created", "invoice.paid", "invoice.voided"];
    for (let i = 0; i < 12; i++) {
      const msg = await api<{ id: string }>("POST", `/api/v1/app/${app.id}/msg`, {
        eventType: types[i % 3],
        payload: { invoiceId: `inv_${1000 + i}`, total: 19.5 + i, currency: "AED" },
      });
      if (i === 0) ids.msg = msg.id;
    }
    // An inbound source with accepted, rejected and duplicate requests.
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const source = await api<{ id: string; ingestUrl: string }>("POST", `/api/v1/app/${app.id}/source`, {
      name: "Billing provider",
      provider: "standard-webhooks",
      config: { secret },
    });
    ids.source = source.id;
    const signer = new Webhook(secret);
    const ingest = async (id: string, body: string, signature?: string) => {
      const now = new Date();
      await fetch(source.ingestUrl, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "webhook-id": id,
          "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
          "webhook-signature": signature ?? signer.sign(id, now, body),
        },
        body,
      });
    };
    for (let i = 0; i < 4; i++)
      await ingest(`evt_${i}`, JSON.stringify({ type: "invoice.paid", data: { invoiceId: `inv_${i}` } }));
    await ingest("evt_0", JSON.stringify({ type: "invoice.paid", data: { invoiceId: "inv_0" } }));
    await ingest("evt_bad", JSON.stringify({ type: "invoice.paid", data: {} }), "v1,aW52YWxpZA==");

    await api("POST", "/api/v1/token", { name: "CI deploys" });
    await api("POST", "/api/v1/token", { name: "Acme integration", appId: app.id });
    // The dead-letter screenshots need every delivery to the failing endpoint exhausted; a setup
    // that did not get there fails here rather than photographing an empty page.
    await waitFor(
      async () => {
        const q = await api<{ data: unknown[] }>("GET", `/api/v1/app/${app.id}/queue?status=fail`);
        return q.data.length >= 12;
      },
      30_000,
      "failed deliveries to be exhausted",
    );

    page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
    page.on("pageerror", (e) => pageErrors.push(String(e)));
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([server?.stop(), healthy?.close(), failing?.close()]);
  });

  async function shot(name: string, path: string, heading: string) {
    await page.goto(`${server.url}${path}`);
    await page.getByRole("heading", { name: heading }).first().waitFor();
    // Live pages poll, so the network may never go idle; the heading above is the real check.
    await page.waitForLoadState("networkidle", { timeout: 5_000 }).catch(() => undefined);
    await page.waitForTimeout(600);
    await page.screenshot({ path: join(OUT, `${name}.png`) });
  }

  test("captures every page", async () => {
    await page.goto(`${server.url}/`);
    await page.getByLabel("API token").waitFor();
    await page.screenshot({ path: join(OUT, "01-sign-in.png") });
    await page.getByLabel("API token").fill(server.adminToken);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Overview" }).waitFor();

    await shot("02-overview", "/", "Overview");
    await shot("03-applications", "/apps", "Applications");
    await shot("04-endpoints", `/apps/${ids.app}`, "Acme Store");
    await shot("05-endpoint-detail", `/apps/${ids.app}/endpoints/${ids.healthyEp}`, healthy.url);
    await shot("06-endpoint-failing", `/apps/${ids.app}/endpoints/${ids.failingEp}`, failing.url);
    await shot("07-messages", `/apps/${ids.app}/messages`, "Acme Store");
    await shot(
      "08-messages-filtered",
      `/apps/${ids.app}/messages?endpoint=${ids.failingEp}&status=fail`,
      "Acme Store",
    );
    await page.goto(`${server.url}/apps/${ids.app}/messages/${ids.msg}`);
    await page
      .getByRole("table", { name: "Delivery attempts" })
      .locator('tr[data-attempt-status="2"]')
      .first()
      .getByRole("button", { name: "Response" })
      .click();
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(OUT, "09-message-detail.png") });
    await page.goto(`${server.url}/apps/${ids.app}/queue`);
    await page.getByRole("button", { name: "Exhausted (dead letter)" }).click();
    await page.waitForTimeout(800);
    await page.screenshot({ path: join(OUT, "10-retry-queue.png") });
    await shot("11-inbound-sources", `/apps/${ids.app}/sources`, "Acme Store");
    await page.getByRole("button", { name: "Add source" }).first().click();
    await page.getByRole("dialog").getByRole("button", { name: "Add range" }).click();
    await page.getByRole("dialog").getByLabel("Allowed range 1", { exact: true }).fill("203.0.113.0/24");
    await page
      .getByRole("dialog")
      .getByRole("checkbox", { name: /Set my own limits/ })
      .check();
    await page.getByRole("dialog").getByRole("button", { name: "Add window" }).click();
    await page.getByRole("dialog").getByLabel("Rate limit 1 requests").fill("100");
    await page.getByRole("dialog").getByLabel("Rate limit 1 seconds").fill("60");
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(OUT, "11b-source-form.png") });
    await shot("12-inbound", "/inbound", "Inbound");
    await page.goto(`${server.url}/apps/${ids.app}/sources/${ids.source}`);
    await page.locator('tr[data-request-status="rejected"]').first().waitFor();
    expect(await page.locator('tr[data-request-status="accepted"]').count()).toBeGreaterThanOrEqual(4);
    await page.locator('tr[data-request-status="rejected"]').first().getByRole("button").first().click();
    await page.waitForTimeout(600);
    await page.screenshot({ path: join(OUT, "12b-inbound-source.png") });
    await page.goto(`${server.url}/event-types`);
    await page.getByRole("button", { name: "Schema", exact: true }).first().click();
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(OUT, "13-event-types.png") });
    await shot("14-api-tokens", "/tokens", "API tokens");
    await shot("14b-audit-log", "/audit", "Audit log");
    await page.getByRole("button", { name: "Verify chain" }).click();
    await page.getByText(/Chain intact: \d+ rows checked/).waitFor();
    await page.getByLabel("Action").fill("endpoint.*");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.getByRole("table", { name: "Audit log" }).getByText("endpoint.headers.update").waitFor();
    expect(await page.getByRole("table", { name: "Audit log" }).getByText("token.create").count()).toBe(0);
    await page.getByRole("table", { name: "Audit log" }).locator("summary").first().click();
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(OUT, "14c-audit-log-filtered.png") });

    // The same pages on a phone (390×844), in the same tab: the session lives in sessionStorage.
    await page.setViewportSize({ width: 390, height: 844 });
    await shot("20-phone-overview", "/", "Overview");
    await shot("21-phone-endpoint", `/apps/${ids.app}/endpoints/${ids.failingEp}`, failing.url);
    await shot("22-phone-messages", `/apps/${ids.app}/messages`, "Acme Store");
    await shot("25-phone-applications", "/apps", "Applications");
    await shot("26-phone-endpoints", `/apps/${ids.app}`, "Acme Store");
    await shot("27-phone-message-detail", `/apps/${ids.app}/messages/${ids.msg}`, "Acme Store");
    await shot("28-phone-retry-queue", `/apps/${ids.app}/queue`, "Acme Store");
    await shot("29-phone-inbound", "/inbound", "Inbound");
    await shot("30-phone-event-types", "/event-types", "Event types");
    await shot("31-phone-api-tokens", "/tokens", "API tokens");
    await shot("32-phone-audit-log", "/audit", "Audit log");
    await page.goto(`${server.url}/apps/${ids.app}/sources`);
    await page.getByRole("button", { name: "Add source" }).first().click();
    await page
      .getByRole("dialog")
      .getByRole("checkbox", { name: /Set my own limits/ })
      .check();
    await page.getByRole("dialog").getByRole("button", { name: "Add window" }).click();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(OUT, "23-phone-source-form.png") });
    await page.setViewportSize({ width: 1440, height: 900 });

    await page.goto(`${server.url}/apps/${ids.app}`);
    await page.getByRole("button", { name: "Consumer portal" }).click();
    const portalUrl = await page.getByLabel("Portal URL").inputValue();
    await page.screenshot({ path: join(OUT, "15-portal-link.png") });
    const portal = await browser.context.newPage();
    portal.on("pageerror", (e) => pageErrors.push(String(e)));
    await portal.goto(portalUrl);
    await portal.getByRole("heading", { name: "Acme Store" }).waitFor();
    await portal.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Messages" }).click();
    await portal.locator("tr[data-msg-id]").first().waitFor();
    await portal.waitForTimeout(400);
    await portal.screenshot({ path: join(OUT, "16-portal-messages.png") });
    await portal.setViewportSize({ width: 390, height: 844 });
    await portal.waitForTimeout(400);
    await portal.screenshot({ path: join(OUT, "24-phone-portal-messages.png") });
    await portal.close();

    expect(pageErrors).toEqual([]);
  });
});
