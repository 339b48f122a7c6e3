import type { Page } from "playwright-core";

import type { RunningServer } from "./server.js";

/**
 * Signs the page in with an admin token and waits for the overview: given the running server,
 * or its URL and a token.
 *
 * @example await signIn(page, server); await signIn(page, server.url, server.adminToken);
 */
export async function signIn(
  page: Page,
  server: Pick<RunningServer, "url" | "adminToken"> | string,
  token?: string,
): Promise<void> {
  const url = typeof server === "string" ? server : server.url;
  await page.goto(`${url}/`);
  await page.getByLabel("API token").fill(typeof server === "string" ? (token ?? "") : server.adminToken);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Overview" }).waitFor();
}
