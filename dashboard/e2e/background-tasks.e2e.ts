import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { apiClient, waitFor } from "./support/api.js";
import { type Browser, chromiumAvailable, launchBrowser } from "./support/browser.js";
import { startFlakyReceiver } from "./support/receivers.js";
import { type RunningServer, startServer } from "./support/server.js";

/**
 * Recover from the endpoint page starts a background task on the server: the endpoint page
 * shows it running with a progress bar, then finished with what it sent, the receiver gets the
 * messages again, and the Background tasks page lists it.
 */
describe.skipIf(!chromiumAvailable)("dashboard: background tasks", () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    // One message per batch and a pause between: the task runs for a few seconds, long
    // enough to be seen running.
    [server, browser] = await Promise.all([
      startServer({
        HOOKRELAY_RETRY_SCHEDULE: "0",
        HOOKRELAY_TASK_BATCH_SIZE: "1",
        HOOKRELAY_TASK_PAUSE_MS: "500",
        HOOKRELAY_TASK_POLL_MS: "50",
      }),
      launchBrowser(),
    ]);
    page = await browser.context.newPage();
    page.setDefaultTimeout(20_000);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("recover runs as a task with a progress bar, and the Tasks page lists it", async () => {
    const api = apiClient(server.url, server.adminToken);
    // Each message fails twice (one attempt, one retry), then the receiver answers 200.
    const receiver = await startFlakyReceiver(10);
    const app = await api<{ id: string }>("POST", "/api/v1/app", { name: "Tasks" });
    const ep = await api<{ id: string }>("POST", `/api/v1/app/${app.id}/endpoint`, { url: receiver.url });
    for (let i = 0; i < 5; i++)
      await api("POST", `/api/v1/app/${app.id}/msg`, { eventType: "a.b", payload: { i } });
    await waitFor(
      async () =>
        (await api<{ fail: number }>("GET", `/api/v1/app/${app.id}/endpoint/${ep.id}/stats`)).fail === 5,
      30_000,
      "five failed deliveries",
    );

    await page.goto(`${server.url}/`);
    await page.getByLabel("API token").fill(server.adminToken);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    await page.goto(`${server.url}/apps/${app.id}/endpoints/${ep.id}`);
    await page.getByRole("button", { name: "Recover" }).click();
    await page.getByText("Recovery started as a background task").waitFor();

    // Running: the bar counts the five candidates once the first batch has counted them.
    const bar = page.getByRole("progressbar", { name: "Recover failed messages progress" });
    await page.locator('[role="progressbar"][aria-valuemax="5"]').waitFor();
    expect(Number(await bar.getAttribute("aria-valuenow"))).toBeLessThan(5);
    const card = page.locator("[data-task]").first();
    await card.getByText("finished").waitFor({ timeout: 30_000 });
    expect(await card.textContent()).toContain("5 of 5 looked at, 5 sent");
    await waitFor(async () => receiver.requests.length >= 15, 10_000, "the recovered deliveries");

    await page.getByRole("link", { name: "Background tasks" }).click();
    await page.getByRole("heading", { name: "Background tasks" }).waitFor();
    await page.getByText("No task is running").waitFor();
    await page.getByRole("button", { name: "All" }).click();
    const row = page.locator("li [data-task]").first();
    await row.getByText("Recover failed messages").waitFor();
    expect(await row.textContent()).toContain("finished");

    // The messages view, filtered to the endpoint's successes: "Replay all matching" replays
    // every one of them on the server, not only the loaded selection.
    await page.goto(`${server.url}/apps/${app.id}/messages?endpoint=${ep.id}&status=success`);
    await waitFor(
      async () => (await page.locator("tr[data-msg-id]").count()) === 5,
      20_000,
      "five delivered messages",
    );
    await page.locator("tr[data-msg-id]").first().getByRole("checkbox").check();
    await page.getByRole("button", { name: "Resend selected (1)" }).click();
    const before = receiver.requests.length;
    await page.getByRole("dialog").getByRole("button", { name: "Replay all matching" }).click();
    await page.getByRole("dialog").getByText("Replay started as background task").waitFor();
    await waitFor(async () => receiver.requests.length >= before + 5, 20_000, "all five replayed");
    const replay = await waitFor(
      async () => {
        const page = await api<{ data: { status: string; data: { messagesSent: number } }[] }>(
          "GET",
          "/api/v1/background-task?task=endpoint.bulk-replay&status=finished",
        );
        return page.data[0];
      },
      20_000,
      "the replay task to finish",
    );
    expect(replay.data.messagesSent).toBe(5);
    await receiver.close();
  });
});
