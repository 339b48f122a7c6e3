import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { apiClient, waitFor } from "./support/api.js";
import { type Browser, chromiumAvailable, launchBrowser } from "./support/browser.js";
import { type Receiver, startReceiver } from "./support/receivers.js";
import { type RunningServer, startServer } from "./support/server.js";

const OUT = process.env.CIRCUIT_SCREENSHOT_DIR ?? mkdtempSync(join(tmpdir(), "hookrelay-circuit-"));

/**
 * The endpoint page shows the circuit breaker: a failing receiver opens the circuit (threshold 2
 * here), and the page shows the badge with the next probe time.
 */
describe.skipIf(!chromiumAvailable)("endpoint circuit on the endpoint page", () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let failing: Receiver;

  beforeAll(async () => {
    [server, failing, browser] = await Promise.all([
      startServer({
        HOOKRELAY_CIRCUIT_FAILURE_THRESHOLD: "2",
        HOOKRELAY_CIRCUIT_COOLDOWN_SECONDS: "600",
        HOOKRELAY_RETRY_SCHEDULE: "1,1,1",
        HOOKRELAY_SLOW_DOWN_MIN_SECONDS: "0",
      }),
      startReceiver(500, '{"error":"down"}'),
      launchBrowser(),
    ]);
    page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([server?.stop(), failing?.close()]);
  });

  test("shows an open circuit with its next probe, a closed one for a healthy endpoint, and edits the cap", async () => {
    const api = apiClient(server.url, server.adminToken);
    const app = await api<{ id: string }>("POST", "/api/v1/app", { name: "Breaker" });
    const ep = await api<{ id: string }>("POST", `/api/v1/app/${app.id}/endpoint`, { url: failing.url });
    const quiet = await api<{ id: string }>("POST", `/api/v1/app/${app.id}/endpoint`, {
      url: "https://example.com/quiet",
      filterTypes: ["never.sent"],
    });
    for (let i = 0; i < 3; i++) await api("POST", `/api/v1/app/${app.id}/msg`, { eventType: "order.created", payload: { i } });
    await waitFor(
      async () => {
        const out = await api<{ circuit: { state: string } }>("GET", `/api/v1/app/${app.id}/endpoint/${ep.id}`);
        return out.circuit.state === "open";
      },
      30_000,
      "the circuit to open",
    );

    await page.goto(`${server.url}/`);
    await page.getByLabel("API token").fill(server.adminToken);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Overview" }).waitFor();

    await page.goto(`${server.url}/apps/${app.id}/endpoints/${ep.id}`);
    await page.getByText("Circuit open").waitFor();
    expect(await page.locator("[data-circuit=open]").textContent()).toMatch(/next probe .*\(in (9|10) min\)/);
    await page.screenshot({ path: join(OUT, "endpoint-circuit-open.png") });

    await page.goto(`${server.url}/apps/${app.id}/endpoints/${quiet.id}`);
    await page.getByText("Circuit closed").waitFor();

    // The edit form sets the endpoint's cap and its disable count.
    await page.getByRole("button", { name: "Edit" }).click();
    await page.getByLabel("In flight at most").fill("8");
    await page.getByLabel("Disable after failures in a row").fill("10");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText("10 failures in a row").waitFor();
    const saved = await api<{ maxInFlight: number; disableAfterFailures: number }>(
      "GET",
      `/api/v1/app/${app.id}/endpoint/${quiet.id}`,
    );
    expect(saved).toMatchObject({ maxInFlight: 8, disableAfterFailures: 10 });
  });
});
