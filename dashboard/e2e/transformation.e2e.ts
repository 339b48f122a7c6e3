import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { apiClient, waitFor } from "./support/api.js";
import { type Browser, chromiumAvailable, launchBrowser } from "./support/browser.js";
import { type Receiver, startReceiver } from "./support/receivers.js";
import { type RunningServer, startServer } from "./support/server.js";

const CODE = `function handler(webhook) {
  webhook.payload = { doubled: webhook.payload.n * 2 };
  webhook.eventType = "number.doubled";
  webhook.headers["x-from"] = "dashboard";
  return webhook;
}`;

/**
 * The endpoint page's Transformation card: write the code, enable and save it, test-run it
 * against a recent message (the simulate route), and see it applied to the next delivery.
 */
describe.skipIf(!chromiumAvailable)("dashboard: endpoint transformation", () => {
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

  test("saves, enables and test-runs a transformation, which then shapes the delivery", async () => {
    const api = apiClient(server.url, server.adminToken);
    const app = await api<{ id: string }>("POST", "/api/v1/app", { name: "Transforms" });
    const ep = await api<{ id: string }>("POST", `/api/v1/app/${app.id}/endpoint`, { url: receiver.url });
    await api("POST", `/api/v1/app/${app.id}/msg`, { eventType: "number.created", payload: { n: 21 } });
    await requests(receiver, 1);

    await page.goto(`${server.url}/`);
    await page.getByLabel("API token").fill(server.adminToken);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    await page.goto(`${server.url}/apps/${app.id}/endpoints/${ep.id}`);

    await page.getByLabel("Transformation code").fill(CODE);
    await page.getByRole("button", { name: "Test run" }).click();
    const result = page.getByTestId("transformation-result");
    await result.waitFor();
    expect(await result.textContent()).toMatch(/POST.*number\.doubled/);
    expect(await page.getByLabel("Transformed payload").textContent()).toMatch(/"doubled": 42/);
    expect(await page.getByLabel("Added headers").textContent()).toMatch(/"x-from": "dashboard"/);

    // A failing handler shows its reason.
    await page.getByLabel("Transformation code").fill("function handler(w) { while (true) {} }");
    await page.getByRole("button", { name: "Test run" }).click();
    await page.getByText(/time limit/).waitFor();

    await page.getByLabel("Transformation code").fill(CODE);
    await page.getByLabel("Enabled").check();
    await page.getByRole("button", { name: "Save transformation" }).click();
    await page.getByText("Transformation saved.").waitFor();
    const stored = await api<{ code: string; enabled: boolean }>(
      "GET",
      `/api/v1/app/${app.id}/endpoint/${ep.id}/transformation`,
    );
    expect(stored).toMatchObject({ code: CODE, enabled: true });

    await api("POST", `/api/v1/app/${app.id}/msg`, { eventType: "number.created", payload: { n: 5 } });
    const [, second] = await requests(receiver, 2);
    expect(second!.body).toBe('{"doubled":10}');
    expect(second!.headers["x-from"]).toBe("dashboard");
  });
});

/** The receiver's requests once at least `n` arrived. */
const requests = (receiver: Receiver, n: number) =>
  waitFor(async () => receiver.requests.length >= n && receiver.requests, 15_000, `${n} requests`);
