import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { apiClient, waitFor } from "./support/api.js";
import { type Browser, chromiumAvailable, launchBrowser } from "./support/browser.js";
import { type RunningServer, startServer } from "./support/server.js";

const OUT = process.env.SIGNING_SCREENSHOT_DIR ?? mkdtempSync(join(tmpdir(), "hookrelay-signing-"));

interface Endpoint {
  id: string;
  signatureScheme: string;
  signatureAlgorithm: string;
  publicKey: string | null;
}

/**
 * Signing from the dashboard: an ed25519 endpoint created from the "Add endpoint" dialog shows its
 * algorithm and public key (with a copy button) on its page; the X-Webhook-Signature format is
 * set from the form; an HMAC endpoint rotates to ed25519 from the signing card.
 */
describe.skipIf(!chromiumAvailable)("dashboard: endpoint signature schemes", () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer({}), launchBrowser()]);
    await browser.context.grantPermissions(["clipboard-read", "clipboard-write"]);
    page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const createFromDialog = async (appId: string, url: string, choose: (dialog: ReturnType<Page["getByRole"]>) => Promise<void>) => {
    await page.goto(`${server.url}/apps/${appId}`);
    await page.getByRole("button", { name: "Add endpoint" }).first().click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Endpoint URL").fill(url);
    await choose(dialog);
    await dialog.getByRole("button", { name: "Create endpoint" }).click();
    await page.waitForURL(/\/endpoints\/ep_/);
    return /\/endpoints\/([^/?#]+)/.exec(page.url())?.[1] ?? "";
  };

  test("creates an ed25519 endpoint and shows its public key; sets the X-Webhook-Signature format; rotates to ed25519", async () => {
    const api = apiClient(server.url, server.adminToken);
    const app = await api<{ id: string }>("POST", "/api/v1/app", { name: "Signing" });

    await page.goto(`${server.url}/`);
    await page.getByLabel("API token").fill(server.adminToken);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Overview" }).waitFor();

    // 1. ed25519 from the dialog: the page shows the algorithm and the public key, which copies.
    const edId = await createFromDialog(app.id, "https://example.com/ed25519", async (dialog) => {
      await dialog.getByLabel("Signing key").selectOption("ed25519");
    });
    const ed = await api<Endpoint>("GET", `/api/v1/app/${app.id}/endpoint/${edId}`);
    expect(ed).toMatchObject({ signatureAlgorithm: "ed25519", signatureScheme: "standard-webhooks" });
    expect(ed.publicKey).toMatch(/^whpk_/);
    const config = page.locator("section", { hasText: "Configuration" });
    await config.getByText("ed25519 (public key)").waitFor();
    expect(await config.locator("[data-public-key]").textContent()).toBe(ed.publicKey);
    await config.getByRole("button", { name: "Copy" }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(ed.publicKey);
    const keyCard = page.locator("section", { hasText: "Signing key (ed25519)" });
    expect(await keyCard.getByLabel("Public key").textContent()).toBe(ed.publicKey);
    expect(await page.content()).not.toContain("whsk_");
    await page.screenshot({ path: join(OUT, "endpoint-ed25519.png"), fullPage: true });

    // The HMAC-only format is refused for this endpoint, with the server's reason.
    await page.getByRole("button", { name: "Edit" }).click();
    await page.getByRole("dialog").getByLabel("Signature format").selectOption("x-webhook-signature");
    await page.getByRole("dialog").getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("dialog").getByText(/needs a whsec_ secret/).waitFor();
    await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();

    // 2. The X-Webhook-Signature format from the dialog.
    const walletId = await createFromDialog(app.id, "https://example.com/wallet", async (dialog) => {
      await dialog.getByLabel("Signature format").selectOption("x-webhook-signature");
    });
    expect(await api<Endpoint>("GET", `/api/v1/app/${app.id}/endpoint/${walletId}`)).toMatchObject({
      signatureScheme: "x-webhook-signature",
      signatureAlgorithm: "hmac-sha256",
      publicKey: null,
    });
    await config.getByText("X-Webhook-Signature (t=…,v1=…)").waitFor();
    await page.locator("section", { hasText: "Signing secret" }).getByText("Used to verify the X-Webhook-Signature header").waitFor();

    // 3. An HMAC endpoint rotated to ed25519 from the signing card.
    const hmac = await api<Endpoint>("POST", `/api/v1/app/${app.id}/endpoint`, { url: "https://example.com/hmac" });
    await page.goto(`${server.url}/apps/${app.id}/endpoints/${hmac.id}`);
    const secretCard = page.locator("section", { hasText: "Signing secret" });
    await secretCard.getByLabel("Rotate to").selectOption("ed25519");
    page.once("dialog", (d) => void d.accept());
    await secretCard.getByRole("button", { name: "Rotate" }).click();
    await waitFor(
      async () => (await api<Endpoint>("GET", `/api/v1/app/${app.id}/endpoint/${hmac.id}`)).publicKey !== null,
      10_000,
      "the rotation",
    );
    const rotated = await api<Endpoint>("GET", `/api/v1/app/${app.id}/endpoint/${hmac.id}`);
    await page.locator("section", { hasText: "Signing key (ed25519)" }).getByText(rotated.publicKey!).waitFor();
    await config.getByText("ed25519 (public key)").waitFor();
  });
});
