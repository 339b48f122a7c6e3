import type { Page } from "playwright-core";

import type { RunningServer } from "./server.js";

/**
 * Signs the page in with the server's admin token and waits for the overview.
 *
 * @example await signIn(page, server); await page.goto(`${server.url}/apps/${app.id}`);
 */
export async function signIn(page: Page, server: Pick<RunningServer, "url" | "adminToken">): Promise<void> {
  await page.goto(`${server.url}/`);
  await page.getByLabel("API token").fill(server.adminToken);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Overview" }).waitFor();
}
