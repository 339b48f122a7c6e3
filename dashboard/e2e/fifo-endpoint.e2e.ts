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

const OUT = process.env.FIFO_SCREENSHOT_DIR ?? mkdtempSync(join(tmpdir(), "hookrelay-fifo-"));

interface FifoStatus {
  head: { msgId: string; failingSince: string | null } | null;
  waiting: number;
}

/**
 * The endpoint page of a FIFO endpoint: the flag set through the edit form, the head that holds
 * the queue ("Held by msg_… failing since …") and the Skip button that lets the next one go.
 */
describe.skipIf(!chromiumAvailable)("FIFO endpoint on the endpoint page", () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let failing: Receiver;

  beforeAll(async () => {
    [server, failing, browser] = await Promise.all([
      // A failure waits an hour: the head holds the queue for the whole test.
      startServer({ HOOKRELAY_RETRY_SCHEDULE: "3600", HOOKRELAY_FIFO_SAFETY_LAG_MS: "0" }),
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

  test("sets the flag in the edit form, shows the held head and skips it", async () => {
    const api = apiClient(server.url, server.adminToken);
    const app = await api<{ id: string }>("POST", "/api/v1/app", { name: "Ordered" });
    const ep = await api<{ id: string }>("POST", `/api/v1/app/${app.id}/endpoint`, { url: failing.url });

    await signIn(page, server.url, server.adminToken);

    await page.goto(`${server.url}/apps/${app.id}/endpoints/${ep.id}`);
    await page.getByText("Concurrent").waitFor();
    await page.getByRole("button", { name: "Edit" }).click();
    await page.getByLabel("FIFO").check();
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText("FIFO: one at a time, in message order").waitFor();
    expect((await api<{ fifo: boolean }>("GET", `/api/v1/app/${app.id}/endpoint/${ep.id}`)).fifo).toBe(true);

    const first = await api<{ id: string }>("POST", `/api/v1/app/${app.id}/msg`, { eventType: "order.created", payload: { n: 1 } });
    const second = await api<{ id: string }>("POST", `/api/v1/app/${app.id}/msg`, { eventType: "order.created", payload: { n: 2 } });
    const fifoPath = `/api/v1/app/${app.id}/endpoint/${ep.id}/fifo`;
    await waitFor(async () => (await api<FifoStatus>("GET", fifoPath)).head?.failingSince, 30_000, "the head to fail");
    // Held: the second message was never sent.
    expect(failing.requests.map((r) => r.headers["webhook-id"])).toEqual([first.id]);

    await page.reload();
    const head = page.getByTestId("fifo-head");
    await head.getByText(/Held by msg_\S+ failing since/).waitFor();
    expect(await head.textContent()).toContain(first.id);
    expect(await head.textContent()).toContain("1 later message waits behind it");
    await page.screenshot({ path: join(OUT, "endpoint-fifo-held.png") });

    await page.getByRole("button", { name: "Skip head" }).click();
    await page.getByRole("button", { name: "Confirm skip" }).click();
    await page.getByText(`Skipped ${first.id}`).waitFor();
    // The next message goes (and fails in its turn): it is the head now.
    await waitFor(async () => failing.requests.length === 2, 30_000, "the next message to be sent");
    expect(failing.requests.map((r) => r.headers["webhook-id"])).toEqual([first.id, second.id]);
    await head.getByText(second.id).waitFor();
    const audit = await api<{ data: { action: string }[] }>("GET", "/api/v1/audit-log?limit=5");
    expect(audit.data.map((r) => r.action)).toContain("endpoint.fifo.skip");
  });
});
